"""The clip's upload to Дзен's upload host: TUS 1.0.0 (platform-apis.md §5.3 step 4, tus.io).

The server's ``Upload-Offset`` is the only truth about how much it has: every run starts with a
``HEAD``, and so does every recovery — after a dropped connection, a ``409 Conflict`` (our offset
was not the server's), a ``423 Locked`` or a 5xx — so a retry after a crash or a cut connection
sends only what is missing. Chunks of ``DZEN_TUS_CHUNK_BYTES`` are read from the file at the
server's offset (seek, or read forward when the stream cannot seek): one chunk in memory at most.

The upload host is not Дзен's API: it gets no cookies, no CSRF token and no throttle.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import BinaryIO

import httpx
import structlog

from autopost.platforms.dzen.client import PLATFORM_LABEL, rate_limited
from autopost.platforms.errors import PermanentError, TransientError
from autopost.platforms.http import translate_errors

log = structlog.get_logger("autopost.platforms.dzen")

TUS_VERSION = "1.0.0"
OCTET_STREAM = "application/offset+octet-stream"
# Waits before each HEAD-and-continue after a failure that made no progress; one more failure
# ends the attempt (the next attempt resumes from the checkpoint's upload URL the same way).
RESUME_DELAYS_S = (0.0, 1.0, 3.0)
SKIP_BLOCK_BYTES = 1024 * 1024
# A PATCH body is read and sent this much at a time. Sending a whole chunk as one bytes object
# kept it alive through httpx's response↔request cycle until the garbage collector ran, so a
# 500 MB upload peaked ~100 MB above baseline (docs/benchmarks.md, TUS).
STREAM_BLOCK_BYTES = 64 * 1024
GONE_STATUSES = frozenset({404, 410})
RESUMABLE_STATUSES = frozenset({409, 423, 500, 502, 503, 504})

CODE_UPLOAD_INTERRUPTED = "dzen_upload_interrupted"
CODE_UPLOAD_REJECTED = "dzen_upload_rejected"
CODE_CLIP_CHANGED = "dzen_clip_changed"


class UploadGone(Exception):
    """The upload server no longer knows this upload (404 / 410, or it holds more bytes than the
    clip has): a new upload must be started."""


class _Resume(Exception):
    """Ask the server for its offset again (``reason`` is logged)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class ClipReader:
    """``read_at(offset, n)``: up to ``n`` bytes of the clip from ``offset``; ``blocks_at`` yields
    exactly ``n`` bytes from ``offset`` in small blocks, for a streamed PATCH body.

    Seeks when the stream can; otherwise reads forward (``skip_bytes`` at a time, thrown away),
    reopening the clip to go back.
    """

    def __init__(self, stream: BinaryIO, reopen: Callable[[], BinaryIO], *,
                 skip_bytes: int = SKIP_BLOCK_BYTES):
        self._stream = stream
        self._reopen = reopen
        self._skip_bytes = max(int(skip_bytes), 1)
        self._pos = 0
        try:
            self._seekable = bool(stream.seekable())
        except (AttributeError, OSError, ValueError):
            self._seekable = False

    def read_at(self, offset: int, n: int) -> bytes:
        if self._seekable:
            self._stream.seek(offset)
        else:
            self._skip_to(offset)
        parts, remaining = [], n
        while remaining > 0:
            block = self._stream.read(remaining)
            if not block:
                break
            parts.append(block)
            remaining -= len(block)
        self._pos = offset + n - remaining
        return b"".join(parts)

    def blocks_at(self, offset: int, n: int) -> Iterator[bytes]:
        if self._seekable:
            self._stream.seek(offset)
        else:
            self._skip_to(offset)
        self._pos, remaining = offset, n
        while remaining > 0:
            block = self._stream.read(min(STREAM_BLOCK_BYTES, remaining))
            if not block:
                raise PermanentError(CODE_CLIP_CHANGED,
                                     "Файл клипа стал короче во время загрузки: загрузите его заново")
            self._pos += len(block)
            remaining -= len(block)
            yield block

    def _skip_to(self, offset: int) -> None:
        if self._pos > offset:
            self._stream.close()
            self._stream, self._pos = self._reopen(), 0
        while self._pos < offset:
            block = self._stream.read(min(self._skip_bytes, offset - self._pos))
            if not block:
                return
            self._pos += len(block)

    def close(self) -> None:
        self._stream.close()


class TusUpload:
    """Sends the clip to ``url`` until the server holds all ``size`` bytes.

    ``on_offset(offset)`` runs each time the server confirms an offset other than the last one
    reported (``saved_offset``: what the checkpoint already holds).
    Raises ``UploadGone``, ``RateLimited``, ``PermanentError`` (``dzen_upload_rejected``,
    ``dzen_clip_changed``) or ``TransientError`` (``dzen_upload_interrupted``).
    """

    def __init__(self, http: httpx.Client, url: str, reader: ClipReader, size: int, *,
                 chunk_bytes: int, on_offset: Callable[[int], None],
                 saved_offset: int | None = None):
        self.http = http
        self.url = url
        self.reader = reader
        self.size = size
        self.chunk_bytes = max(int(chunk_bytes), 1)
        self.on_offset = on_offset
        self._reported = saved_offset

    def run(self) -> None:
        offset: int | None = None
        failures = 0
        while True:
            try:
                if offset is None:
                    offset = self._head()
                    self._report(offset)
                if offset >= self.size:
                    return
                new_offset = self._patch(offset)
            except _Resume as resume:
                failures += 1
                log.info("dzen_tus_resume", reason=resume.reason, failures=failures)
                if failures > len(RESUME_DELAYS_S):
                    raise TransientError(
                        "Загрузка в Дзен прерывалась несколько раз: при повторе продолжим "
                        "с того же места", code=CODE_UPLOAD_INTERRUPTED) from None
                time.sleep(RESUME_DELAYS_S[failures - 1])
                offset = None
                continue
            failures = 0
            offset = new_offset
            self._report(offset)

    def _report(self, offset: int) -> None:
        if offset != self._reported:
            self._reported = offset
            self.on_offset(offset)

    # tus.io HEAD: 200 / 204 with Upload-Offset
    def _head(self) -> int:
        response = self._request("HEAD", {"Tus-Resumable": TUS_VERSION})
        self._check(response)
        offset = _offset(response)
        if offset is None:
            log.warning("dzen_tus_bad_reply", call="head", status=response.status_code)
            raise _Resume("head_without_offset")
        if offset > self.size:
            raise UploadGone()
        return offset

    # tus.io PATCH: 204 (or 200) with the new Upload-Offset
    def _patch(self, offset: int) -> int:
        wanted = min(self.chunk_bytes, self.size - offset)
        # An explicit length keeps the streamed body from going out chunked.
        headers = {"Tus-Resumable": TUS_VERSION, "Upload-Offset": str(offset),
                   "Content-Type": OCTET_STREAM, "Content-Length": str(wanted)}
        response = self._request("PATCH", headers, content=self.reader.blocks_at(offset, wanted))
        self._check(response)
        new_offset = _offset(response)
        if new_offset is None or not offset < new_offset <= offset + wanted:
            log.warning("dzen_tus_bad_reply", call="patch", status=response.status_code)
            raise _Resume("patch_offset")
        return new_offset

    def _request(self, method: str, headers: dict[str, str], **request) -> httpx.Response:
        try:
            with translate_errors(PLATFORM_LABEL):
                return self.http.request(method, self.url, headers=headers, **request)
        except TransientError as exc:  # a dropped connection: ask the server what it got
            raise _Resume(exc.code) from None

    @staticmethod
    def _check(response: httpx.Response) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        if status in GONE_STATUSES:
            raise UploadGone()
        if status == 429:
            raise rate_limited(response.headers)
        if status in RESUMABLE_STATUSES:
            raise _Resume(f"http_{status}")
        log.warning("dzen_upload_rejected", status=status)
        raise PermanentError(CODE_UPLOAD_REJECTED,
                             f"Сервер загрузки Дзена не принял файл (HTTP {status})")


def _offset(response: httpx.Response) -> int | None:
    value = response.headers.get("Upload-Offset", "").strip()
    return int(value) if value.isdigit() else None
