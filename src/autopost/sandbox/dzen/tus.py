"""The TUS 1.0.0 upload server behind ``start-upload-video``'s ``uploadUrl`` (§5.3 step 4):
``/dzen/tus/<uploadId>``.

Core protocol only: ``HEAD`` answers ``Upload-Offset`` and ``Upload-Length``; ``PATCH`` with
``Content-Type: application/offset+octet-stream`` and an ``Upload-Offset`` equal to the server's
appends its body (409 otherwise) and answers 204 with the new offset; ``OPTIONS`` lists the
version. Both need ``Tus-Resumable: 1.0.0`` (412 otherwise). The URL is the credential, as on a
separate upload host: no session cookie is asked for.

A PATCH's bytes count as they arrive (hashed incrementally, never kept): if the connection breaks
mid-body — the client's doing, or a ``drop_connection`` fault cutting after ``after_bytes`` — the
offset keeps what arrived and the client resumes from ``HEAD``. A PATCH while another is still
reading into the same upload is 423 Locked (tusd's answer); bytes past ``Upload-Length`` are
refused with 413 (the ones up to it are kept).
"""

from __future__ import annotations

from starlette.requests import ClientDisconnect
from starlette.responses import PlainTextResponse, Response

from autopost.sandbox.dzen.calls import fault_answer
from autopost.sandbox.dzen.faults import DzenFault
from autopost.sandbox.dzen.world import Upload
from autopost.sandbox.endpoint import Exchange
from autopost.sandbox.faults import DROP_AFTER_BYTES, abort_connection

VERSION = "1.0.0"
OFFSET_TYPE = "application/offset+octet-stream"


def tus_response(status: int, text: str = "", **headers: str) -> Response:
    headers = {"Tus-Resumable": VERSION, "Cache-Control": "no-store", **headers}
    if text:
        return PlainTextResponse(text, status_code=status, headers=headers)
    return Response(status_code=status, headers=headers)


def _offset_headers(upload: Upload) -> dict[str, str]:
    return {"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.file_size)}


def _precheck(exchange: Exchange) -> tuple[Upload | None, Response | None]:
    """The upload, or the answer a request gets before its body matters."""
    request = exchange.request
    if request.headers.get("tus-resumable") != VERSION:
        return None, tus_response(
            412, "Tus-Resumable 1.0.0 is required", **{"Tus-Version": VERSION}
        )
    upload = exchange.state.dzen.uploads.get(request.path_params["upload_id"])
    if upload is None:
        return None, tus_response(404, "upload not found")
    fault = exchange.fault
    if fault is not None and fault.kind != "drop_connection":
        return None, fault_answer(fault)
    return upload, None


async def options(exchange: Exchange) -> Response:
    return tus_response(204, **{"Tus-Version": VERSION})


async def head(exchange: Exchange) -> Response:
    upload, refusal = _precheck(exchange)
    if refusal is not None:
        return refusal
    assert upload is not None
    return tus_response(200, **_offset_headers(upload))


def _patch_refusal(exchange: Exchange, upload: Upload) -> Response | None:
    headers = exchange.request.headers
    if headers.get("content-type", "").split(";")[0].strip().lower() != OFFSET_TYPE:
        return tus_response(415, f"Content-Type must be {OFFSET_TYPE}")
    raw = headers.get("upload-offset", "")
    if not raw.isdigit():
        return tus_response(400, "Upload-Offset is missing or not a number")
    if upload.busy:
        return tus_response(423, "another PATCH is writing to this upload")
    if int(raw) != upload.offset:
        return tus_response(409, "Upload-Offset does not match", **_offset_headers(upload))
    return None


async def patch(exchange: Exchange) -> Response | None:
    upload, refusal = _precheck(exchange)
    if upload is not None:
        refusal = _patch_refusal(exchange, upload)
    if refusal is not None:
        await exchange.body.drain()
        return refusal
    assert upload is not None
    fault = exchange.fault
    cut = None
    if isinstance(fault, DzenFault) and fault.kind == "drop_connection":
        cut = fault.after_bytes if fault.after_bytes is not None else DROP_AFTER_BYTES
    upload.busy = True
    upload.patches += 1
    try:
        overflow = await _append(exchange, upload, cut)
    except ClientDisconnect:
        upload.interrupted += 1
        raise
    finally:
        upload.busy = False
    if cut is not None:
        upload.interrupted += 1
        await abort_connection(exchange.receive)
        return None
    if overflow:
        return tus_response(413, "the body goes past Upload-Length", **_offset_headers(upload))
    return tus_response(204, **{"Upload-Offset": str(upload.offset)})


async def _append(exchange: Exchange, upload: Upload, cut: int | None) -> bool:
    """Add the body to the upload as it arrives, stopping after ``cut`` bytes of it if set;
    True if the body went past the upload's length."""
    taken = 0
    overflow = False
    async for chunk in exchange.body.chunks():
        room = upload.file_size - upload.offset
        if cut is not None:
            room = min(room, cut - taken)
        part = chunk[:room] if len(chunk) > room else chunk
        if part:
            upload.hasher.update(part)
            upload.offset += len(part)
            taken += len(part)
        if cut is not None and taken >= cut:
            return False
        if len(part) < len(chunk):
            overflow = True
    return overflow
