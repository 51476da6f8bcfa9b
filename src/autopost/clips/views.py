"""Serving a clip to a platform that downloads it by a signed link (with HTTP Range support)."""

import re

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_http_methods

from autopost.clips.models import Clip
from autopost.clips.signed_urls import is_valid

CHUNK = 256 * 1024
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _chunks(fh, start: int, length: int):
    with fh:
        fh.seek(start)
        while length > 0:
            data = fh.read(min(CHUNK, length))
            if not data:
                return
            length -= len(data)
            yield data


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(start, end inclusive) of a single ``bytes=`` range; None when absent or unsupported."""
    match = RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        return max(size - int(last), 0), size - 1
    return int(first), min(int(last), size - 1) if last else size - 1


@require_http_methods(["GET", "HEAD"])
def download(request, clip_id: int):
    # Every refusal is the same 404: a wrong, expired or foreign link reveals nothing.
    if not is_valid(clip_id, request.GET.get("expires"), request.GET.get("sig")):
        raise Http404
    clip = Clip.objects.filter(pk=clip_id).first()
    if clip is None or not clip.file_exists():
        raise Http404
    size = clip.size
    wanted = _byte_range(request.headers.get("Range", ""), size)
    if wanted is not None and wanted[0] >= size:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    start, end = wanted or (0, size - 1)
    length = end - start + 1
    body = [] if request.method == "HEAD" else _chunks(clip.open(), start, length)
    response = StreamingHttpResponse(body, status=206 if wanted else 200, content_type=clip.content_type)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = f'attachment; filename="clip-{clip.pk}.{clip.container or "mp4"}"'
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response
