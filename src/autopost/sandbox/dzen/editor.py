"""``/dzen/editor-api/v2/*`` (§5.3, §5.4): drafts, the publication a client polls, publishing,
and the per-publication stats."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from autopost.sandbox.dzen.calls import Call, DzenError
from autopost.sandbox.dzen.objects import STATS_FIELDS, publication_json, stats_row
from autopost.sandbox.dzen.world import Publication

# What the publish call records from the full publication the client sends back.
FLAG_FIELDS = {
    "visibilityType": "visibility_type",
    "commentsFlagState": "comments_flag_state",
    "delayedPublicationFlagState": "delayed_publication_flag_state",
}


async def add_publication(call: Call) -> Response:
    """``{"publicationType": "gif", "content": {"gifContent": {}}}`` → the new draft, whose
    ``id`` is the publication id (the doc's ``{"id": …}`` form, with the rest of the object)."""
    publisher_id = call.publisher_id()
    data = await call.json()
    if data.get("publicationType") != "gif":
        raise DzenError.invalid('publicationType: only "gif" (a short) is emulated')
    content = data.get("content")
    if not isinstance(content, dict) or not isinstance(content.get("gifContent"), dict):
        raise DzenError.invalid("content.gifContent is required")
    publication = call.world.new_publication(publisher_id)
    return JSONResponse(publication_json(call.world, publication, call.base_url))


async def get_publication(call: Call) -> Response:
    publisher_id = call.publisher_id()
    publication = call.publication(publisher_id, call.exchange.request.path_params["pub_id"])
    return JSONResponse(publication_json(call.world, publication, call.base_url))


def _gif_content(data: dict) -> dict:
    """The doc sends ``gifContent`` at the top; the object a GET returns has it in ``content``."""
    gif = data.get("gifContent")
    if gif is None and isinstance(data.get("content"), dict):
        gif = data["content"].get("gifContent")
    if not isinstance(gif, dict):
        raise DzenError.invalid("gifContent is required")
    return gif


def _check_video(call: Call, publication: Publication, gif: dict) -> None:
    now, conversion_s = call.world.now(), call.world.config.conversion_s
    if publication.failed(now, conversion_s):
        raise DzenError(400, "video-conversion-failed")
    if not publication.converted(now, conversion_s):
        raise DzenError(400, "video-not-converted")
    if str(gif.get("videoId", "")) != publication.video_id:
        raise DzenError.invalid("gifContent.videoId is not this publication's video")


def _record(publication: Publication, data: dict, preview: dict) -> None:
    publication.title = str(preview.get("title") or "")
    publication.snippet = str(preview.get("snippet") or "")
    for name, attribute in FLAG_FIELDS.items():
        if data.get(name) is not None:
            setattr(publication, attribute, str(data[name]))
    tags = data.get("tagsInput", {}).get("tags") if isinstance(data.get("tagsInput"), dict) else []
    publication.tags = [str(tag) for tag in tags or []]


async def publish(call: Call) -> Response:
    """The full publication → ``{"result": "OK"}``; only once the video is converted. Publishing
    again edits the published short."""
    publisher_id = call.publisher_id()
    data = await call.json()
    publication = call.publication(publisher_id, data.get("id"))
    preview = data.get("preview")
    if not isinstance(preview, dict) or not isinstance(preview.get("title"), str):
        raise DzenError.invalid("preview.title is required")
    _check_video(call, publication, _gif_content(data))
    _record(publication, data, preview)
    if publication.published_at is None:
        publication.published_at = call.world.now()
    return JSONResponse({"result": "OK"})


def _int_query(call: Call, name: str, default: int, low: int, high: int) -> int:
    raw = call.query.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise DzenError.invalid(f"{name} must be an integer from {low} to {high}")
    return int(raw)


async def stats(call: Call) -> Response:
    """Published shorts, newest first, ``pageSize`` a page from ``page`` 0: rows with the asked
    ``fields`` (default all four), ``total`` (the sums, when ``total=true``), ``totalCount``,
    ``page``, ``pageSize``, ``hasMore``."""
    publisher_id = call.publisher_id()
    request = call.exchange.request
    asked = tuple(f for f in request.query_params.getlist("fields") if f in STATS_FIELDS)
    fields = asked or STATS_FIELDS
    size = _int_query(call, "pageSize", 20, 1, call.world.config.max_page_size)
    page = _int_query(call, "page", 0, 0, 10**6)
    published = call.world.published(publisher_id)
    rows = [stats_row(p, fields) for p in published]
    body: dict = {
        "publications": rows[page * size : (page + 1) * size],
        "totalCount": len(rows),
        "page": page,
        "pageSize": size,
        "hasMore": len(rows) > (page + 1) * size,
    }
    if call.query.get("total", "").lower() == "true":
        body["total"] = {name: sum(row[name] for row in rows) for name in fields}
    return JSONResponse(body)
