"""``/dzen/media-api-video/*`` (§5.3 steps 1, 3, 5): checking a file, opening a TUS upload for a
publication, and closing it once every byte arrived."""

from __future__ import annotations

import hashlib

from starlette.responses import JSONResponse, Response

from autopost.sandbox.dzen.calls import Call, DzenError
from autopost.sandbox.dzen.world import Validation


async def validate_video(call: Call) -> Response:
    """The raw file as the body, ``Content-Type: video/…``; hashed and counted, not kept."""
    publisher_id = call.publisher_id()
    content_type = call.exchange.request.headers.get("content-type", "")
    hasher, size = hashlib.sha256(), 0
    async for chunk in call.exchange.body.chunks():
        hasher.update(chunk)
        size += len(chunk)
    validation = Validation(publisher_id, content_type, size, hasher.hexdigest(), call.world.now())
    call.world.validations.append(validation)
    if not content_type.lower().startswith("video/"):
        raise DzenError(400, "invalid-video", f"Content-Type {content_type!r} is not video/*")
    if size == 0:
        raise DzenError(400, "invalid-video", "the file is empty")
    if size > call.world.config.max_file_bytes:
        raise DzenError(400, "file-too-large")
    return JSONResponse({"result": "OK"})


def _positive_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, str) and value.isdigit() and int(value) > 0:
        return int(value)
    return None


async def start_upload(call: Call) -> Response:
    """``{publicationId, fileName, fileSize, mimeType}`` → ``{"uploadUrl", "uploadId"}``; the URL
    is a TUS 1.0.0 resource on the sandbox. Starting again replaces an unfinished upload."""
    publisher_id = call.publisher_id()
    data = await call.json()
    publication = call.publication(publisher_id, data.get("publicationId"))
    size = _positive_int(data.get("fileSize"))
    if size is None:
        raise DzenError.invalid("fileSize must be a positive integer")
    mime_type = str(data.get("mimeType") or "")
    if not mime_type.startswith("video/"):
        raise DzenError.invalid("mimeType must be video/*")
    if size > call.world.config.max_file_bytes:
        raise DzenError(400, "file-too-large")
    if publication.finished_at is not None:
        raise DzenError(400, "upload-already-finished")
    file_name = str(data.get("fileName") or "video.mp4")
    upload = call.world.new_upload(
        publication, file_name=file_name, file_size=size, mime_type=mime_type
    )
    url = f"{call.base_url}/dzen/tus/{upload.id}"
    return JSONResponse({"uploadUrl": url, "uploadId": upload.id})


async def finish_upload(call: Call) -> Response:
    """``{publicationId, uploadId}`` → ``{"result": "OK"}`` once the offset reached the size;
    conversion starts now. Finishing twice is harmless."""
    publisher_id = call.publisher_id()
    data = await call.json()
    publication = call.publication(publisher_id, data.get("publicationId"))
    upload = publication.upload
    if upload is None or upload.id != str(data.get("uploadId") or ""):
        raise DzenError.not_found(f"upload {data.get('uploadId')} not found")
    if not upload.complete:
        message = f"received {upload.offset} of {upload.file_size} bytes"
        raise DzenError(400, "upload-not-complete", message)
    if publication.finished_at is None:
        call.world.finish(publication)
    return JSONResponse({"result": "OK"})
