"""The ``video`` of sendVideo: an uploaded part, a part named by ``attach://``, a file_id or a URL.

Clients disagree on the multipart shape: python-telegram-bot names the file part ``video``,
aiogram sends a random part name plus ``video=attach://<name>`` (platform-apis.md §3.3). A string
``video`` wins over a part named ``video``, as on the Bot API server.
"""

from __future__ import annotations

import hashlib
import mimetypes
import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

import httpx

from autopost.sandbox.body import ReceivedFile
from autopost.sandbox.telegram.calls import BotApiError, Call
from autopost.sandbox.telegram.world import URL_DOWNLOAD_LIMIT, StoredFile

ATTACH = "attach://"
URL_FETCH_TIMEOUT_S = 10.0
WRONG_FILE = "Bad Request: wrong file identifier/HTTP URL specified"
URL_FAILED = "Bad Request: failed to get HTTP URL content"


@dataclass
class VideoInput:
    source: Literal["part", "attach", "file_id", "url"]
    part: ReceivedFile | None = None
    reference: str = ""  # the file_id or the URL


def video_input(call: Call) -> VideoInput:
    """Which video the request names; checked before anything else, like the real server."""
    arg = call.arg("video")
    if arg.startswith(ATTACH):
        found = VideoInput("attach", call.params.files.get(arg[len(ATTACH) :]))
    elif arg:
        is_url = arg.startswith(("http://", "https://"))
        return VideoInput("url" if is_url else "file_id", reference=arg)
    else:
        found = VideoInput("part", call.params.files.get("video"))
    if found.part is None:
        raise BotApiError(400, "Bad Request: there is no video in the request")
    return found


async def stored_video(call: Call, video: VideoInput) -> StoredFile:
    """The file the message will carry, stored in the world unless it is a reused file_id."""
    if video.source == "file_id":
        stored = call.world.files.get(video.reference)
        if stored is None:
            raise BotApiError(400, WRONG_FILE)
        return stored
    if video.source == "url":
        received = await _download(video.reference, call.world.keep_dir())
    else:
        received = video.part
        if received.size == 0:
            raise BotApiError(400, "Bad Request: file must be non-empty")
    stored = call.world.store_file(
        size=received.size,
        sha256=received.sha256,
        file_name=received.filename,
        mime_type=_mime_type(received),
        path=received.path,
        width=call.int_arg("width", 10_000),
        height=call.int_arg("height", 10_000),
        duration=call.int_arg("duration", 86_400),
    )
    received.path = None  # the stored file owns the bytes on disk now
    return stored


def _mime_type(received: ReceivedFile) -> str:
    if received.content_type not in ("", "application/octet-stream"):
        return received.content_type
    return mimetypes.guess_type(received.filename)[0] or "video/mp4"


async def _download(url: str, keep_dir: Path | None) -> ReceivedFile:
    """Fetch a URL the way Telegram does for a URL ``video``: up to 20 MB, hashed as it streams."""
    filename = unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "video.mp4"
    path = keep_dir / uuid.uuid4().hex if keep_dir is not None else None
    try:
        return await _fetch(url, filename, path)
    except BaseException:
        if path is not None:
            path.unlink(missing_ok=True)
        raise


async def _fetch(url: str, filename: str, path: Path | None) -> ReceivedFile:
    hasher = hashlib.sha256()
    size = 0
    try:
        async with (
            httpx.AsyncClient(timeout=URL_FETCH_TIMEOUT_S, follow_redirects=True) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise BotApiError(400, URL_FAILED)
            with path.open("wb") if path is not None else nullcontext() as sink:
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > URL_DOWNLOAD_LIMIT:
                        raise BotApiError(400, URL_FAILED)
                    hasher.update(chunk)
                    if sink is not None:
                        sink.write(chunk)
            content_type = response.headers.get("content-type", "").split(";")[0]
    except httpx.HTTPError as exc:
        raise BotApiError(400, URL_FAILED) from exc
    if size == 0:
        raise BotApiError(400, URL_FAILED)
    return ReceivedFile("", filename, content_type, size, hasher.hexdigest(), path)
