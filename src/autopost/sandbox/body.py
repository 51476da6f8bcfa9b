"""Request bodies read as a stream, in constant memory, for every emulated platform.

Uploads reach 2000 MB, so a file part is never held: it is hashed (SHA-256) and counted as it
arrives, and written to disk only when the caller asks to keep it. Plain fields are small and kept.
A body over the limit is still read to the end (and thrown away) so that the client finishes
sending and sees the 413 answer instead of a reset connection.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header
from starlette.requests import Request

# Fields (captions, chat ids, JSON-encoded markup) are small on every platform; a larger
# non-file body is treated like an oversized upload.
FIELD_LIMIT = 1024 * 1024


class MalformedBody(Exception):
    """The body does not parse as its Content-Type says."""


class RequestBody:
    """The body of one request as a single pass over ``request.stream()``.

    ``pause_s`` sleeps after every received chunk: with uvicorn's flow control that slows the
    client's upload down (the ``slow_upload`` fault).
    """

    def __init__(self, request: Request, pause_s: float = 0.0):
        self._stream = request.stream()
        self._pause_s = pause_s
        self.received = 0
        self.finished = False

    async def chunks(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            self.received += len(chunk)
            if self._pause_s:
                await asyncio.sleep(self._pause_s)
            if chunk:
                yield chunk
        self.finished = True

    async def drain(self) -> None:
        """Read and discard what is left, so the client can finish sending."""
        if not self.finished:
            async for _ in self.chunks():
                pass

    async def read_small(self) -> bytes | None:
        """The whole body, or None (after draining it) when it is larger than FIELD_LIMIT."""
        data = bytearray()
        async for chunk in self.chunks():
            data += chunk
            if len(data) > FIELD_LIMIT:
                await self.drain()
                return None
        return bytes(data)


@dataclass
class ReceivedFile:
    """One uploaded file part, summarised: its bytes are gone unless ``path`` was kept."""

    part_name: str
    filename: str
    content_type: str
    size: int = 0
    sha256: str = ""
    path: Path | None = None


@dataclass
class Params:
    """Everything a request carried: query and body fields as strings, and the file parts."""

    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, ReceivedFile] = field(default_factory=dict)
    too_large: bool = False


async def read_params(
    request: Request, body: RequestBody, *, file_limit: int, keep_dir: Path | None = None
) -> Params:
    """Query string merged with a urlencoded, JSON or multipart body (the body wins on a clash).

    Values are strings, as the platforms' own servers see them: JSON numbers and booleans become
    their JSON text, nested objects their JSON encoding, nulls are left out. ``file_limit`` caps
    the total bytes of all file parts; above it ``too_large`` is set and the files are dropped.
    """
    params = Params(fields=dict(request.query_params))
    content_type, options = parse_options_header(request.headers.get("content-type"))
    if content_type == b"multipart/form-data":
        boundary = options.get(b"boundary")
        if not boundary:
            raise MalformedBody("multipart body without a boundary")
        await _read_multipart(body, boundary, params, file_limit, keep_dir)
    elif content_type in (b"application/x-www-form-urlencoded", b"application/json"):
        raw = await body.read_small()
        if raw is None:
            params.too_large = True
        elif content_type == b"application/json":
            params.fields.update(_json_fields(raw))
        else:
            params.fields.update(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    await body.drain()
    return params


def _json_fields(raw: bytes) -> dict[str, str]:
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise MalformedBody("the JSON body does not parse") from exc
    if not isinstance(data, dict):
        raise MalformedBody("the JSON body is not an object")
    return {
        key: value if isinstance(value, str) else json.dumps(value)
        for key, value in data.items()
        if value is not None
    }


class _MultipartSink:
    """python-multipart callbacks that turn parts into fields and hashed file summaries."""

    def __init__(self, params: Params, file_limit: int, keep_dir: Path | None):
        self.params = params
        self.file_limit = file_limit
        self.keep_dir = keep_dir
        self.file_bytes = 0
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[str, str] = {}
        self._part_name = ""
        self._value: bytearray | None = None
        self._file: ReceivedFile | None = None
        self._hasher = hashlib.sha256()
        self._fh = None

    def callbacks(self) -> dict:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda data, start, end: self._header_field.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self._header_value.extend(data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _part_begin(self) -> None:
        self._headers = {}
        self._value = None
        self._file = None

    def _header_end(self) -> None:
        name = self._header_field.decode("latin-1").lower()
        self._headers[name] = self._header_value.decode("utf-8", "replace")
        self._header_field.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get("content-disposition", ""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if filename is None:
            self._value = bytearray()
            self._part_name = name
            return
        self._file = ReceivedFile(
            part_name=name,
            filename=filename.decode("utf-8", "replace"),
            content_type=self._headers.get("content-type", "application/octet-stream"),
        )
        self._hasher = hashlib.sha256()
        if self.keep_dir is not None and not self.params.too_large:
            self._file.path = self.keep_dir / uuid.uuid4().hex
            self._fh = self._file.path.open("wb")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = memoryview(data)[start:end]
        if self._file is None:
            if self._value is not None and not self.params.too_large:
                self._value.extend(chunk)
                if len(self._value) > FIELD_LIMIT:
                    self._overflow()
            return
        self._file.size += len(chunk)
        self.file_bytes += len(chunk)
        if self.file_bytes > self.file_limit:
            self._overflow()
        if self.params.too_large:
            return
        self._hasher.update(chunk)
        if self._fh is not None:
            self._fh.write(chunk)

    def _part_end(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if self.params.too_large:
            return
        if self._file is not None:
            self._file.sha256 = self._hasher.hexdigest()
            self.params.files[self._file.part_name] = self._file
        elif self._value is not None:
            self.params.fields[self._part_name] = self._value.decode("utf-8", "replace")

    def _overflow(self) -> None:
        """Over the limit: forget what was received, keep reading only to reach the end."""
        self.params.too_large = True
        self._value = None
        self.discard_files()

    def discard_files(self) -> None:
        self.close()
        for received in [*self.params.files.values(), self._file]:
            if received is not None and received.path is not None:
                received.path.unlink(missing_ok=True)
        self.params.files.clear()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


async def _read_multipart(
    body: RequestBody, boundary: bytes, params: Params, file_limit: int, keep_dir: Path | None
) -> None:
    sink = _MultipartSink(params, file_limit, keep_dir)
    parser = MultipartParser(boundary, sink.callbacks())
    try:
        async for chunk in body.chunks():
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as exc:
        sink.discard_files()
        await body.drain()
        raise MalformedBody(f"the multipart body does not parse: {exc}") from exc
    finally:
        sink.close()
