"""The upload server: ``POST <upload_url>`` with the file as a multipart part (§2.3, §2.4).

``video.save``'s URL takes the part **``video_file``**, ``shortVideo.create``'s the part
**``file``**. The body is streamed and hashed, never held (``sandbox.body``), with or without a
Content-Length. Success is the server's own JSON, not wrapped in ``response``; failures are its
non-API JSON ``{"error", "error_code", "error_descr"}`` (HTTP 200) or an HTTP error page.

The upload server's error codes and texts are not documented anywhere: the ones here are the
sandbox's own.
"""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from autopost.sandbox.body import MalformedBody, ReceivedFile, read_params
from autopost.sandbox.vk.endpoint import Exchange, http_error_page
from autopost.sandbox.vk.world import Video, VkWorld

# Formats VK takes through the API (§2.3); a file whose name has another extension is refused.
ACCEPTED_EXTENSIONS = {"avi", "mp4", "3gp", "mpeg", "mpg", "mov", "mp3", "flv", "wmv"}
PART_NAMES = {"video": "video_file", "clip": "file"}

BAD_URL = (3, "invalid_url", "upload URL is invalid, expired or already used")
NO_FILE = (4, "no_file", "no file in the «{part}» part")
EMPTY_FILE = (5, "empty_file", "the file is empty")
TOO_BIG = (6, "file_too_big", "the file is larger than {limit} bytes")
BAD_FORMAT = (7, "bad_format", "video format is not supported: .{extension}")
BAD_BODY = (8, "bad_request", "the body is not multipart/form-data")


def upload_error(spec: tuple[int, str, str], **details: object) -> JSONResponse:
    code, error, descr = spec
    return JSONResponse(
        {"error": error, "error_code": code, "error_descr": descr.format(**details)}
    )


def _extension(received: ReceivedFile) -> str:
    name = received.filename.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _fault_answer(exchange: Exchange) -> Response:
    fault = exchange.fault
    if fault.kind == "upload_error":
        return upload_error((fault.error_code, "upload_error", "upload failed (sandbox fault)"))
    if fault.kind == "rate_limit":
        return JSONResponse({"error": "too_many_requests"}, status_code=429)
    if fault.kind == "unauthorized":
        return upload_error(BAD_URL)
    return http_error_page(502 if fault.kind == "http_502" else 500)


async def answer_upload(exchange: Exchange) -> Response:
    request, world, body = exchange.request, exchange.world, exchange.body
    kind = request.path_params["kind"]
    if exchange.fault is not None and exchange.fault.kind in ("http_500", "http_502"):
        await body.drain()
        return _fault_answer(exchange)
    video = world.uploads.get(request.query_params.get("sig", ""))
    if video is None or video.kind != kind or video.deleted:
        await body.drain()
        return upload_error(BAD_URL)
    try:
        params = await read_params(request, body, file_limit=world.config.max_upload_bytes)
    except MalformedBody:
        return upload_error(BAD_BODY)
    # Other faults answer after the body is read, so the client sees the answer, not a reset.
    if exchange.fault is not None:
        return _fault_answer(exchange)
    if params.too_large:
        return upload_error(TOO_BIG, limit=world.config.max_upload_bytes)
    part = PART_NAMES[kind]
    received = params.files.get(part)
    if received is None:
        return upload_error(NO_FILE, part=part)
    if received.size == 0:
        return upload_error(EMPTY_FILE)
    extension = _extension(received)
    if extension and extension not in ACCEPTED_EXTENSIONS:
        return upload_error(BAD_FORMAT, extension=extension)
    receive_file(world, video, received)
    answer = {
        "video_hash": received.sha256[:12],
        "size": received.size,
        "owner_id": video.owner_id,
        "video_id": video.id,
    }
    if video.kind == "video":
        answer["direct_link"] = f"{exchange.base_url}/vk/video{video.ref}.mp4"
    return JSONResponse(answer)


def receive_file(world: VkWorld, video: Video, received: ReceivedFile) -> None:
    """Record the file; a regular video is published on upload, a clip by shortVideo.publish."""
    now = world.now()
    del world.uploads[video.upload_ticket]
    video.uploaded_at = now
    video.ready_at = now + world.config.processing_s
    video.not_ready_polls = world.config.clip_not_ready_polls
    video.sha256 = received.sha256
    video.size = received.size
    video.filename = received.filename
    video.part_name = received.part_name
    if video.kind == "video":
        video.published = True
        if video.wallpost:
            world.post_video(video)
