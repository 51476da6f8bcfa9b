"""Rutube's video endpoints (§4.2, §4.4): create by URL pull, read, change, delete, thumbnail,
scheduled publication, categories, a person's videos page by page, and likes."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from starlette.responses import JSONResponse, Response

from autopost.sandbox.rutube import errors
from autopost.sandbox.rutube.calls import THUMBNAIL_LIMIT, Call, FieldErrors
from autopost.sandbox.rutube.download import pull
from autopost.sandbox.rutube.errors import RutubeError
from autopost.sandbox.rutube.objects import page_json, video_json
from autopost.sandbox.rutube.world import Video

DEFAULT_CATEGORY = 13
TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ")


def _title_from(url: str) -> str:
    name = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    return name.rsplit(".", 1)[0] or "video"


async def create(call: Call) -> Response:
    """``POST /api/video/``: ``url`` required; the download starts in the background."""
    userid = call.account_id()
    data = await call.data()
    fields = FieldErrors()
    url = fields.url(data, "url", required=True)
    title = fields.text(data, "title")
    description = fields.text(data, "description") or ""
    is_hidden = fields.boolean(data, "is_hidden")
    category_id = fields.category(call.world, data, "category_id")
    callback_url = fields.url(data, "callback_url")
    errback_url = fields.url(data, "errback_url")
    fields.raise_any()
    assert url is not None
    video = call.world.new_video(
        userid,
        url,
        title=title or _title_from(url),
        description=description,
        is_hidden=bool(is_hidden),
        category_id=category_id or DEFAULT_CATEGORY,
        callback_url=callback_url or "",
        errback_url=errback_url or "",
        query_fields=data.get("query_fields"),
        extra=data.get("extra"),
    )
    call.world.spawn(pull(call.world, call.exchange.state.faults, video))
    return JSONResponse({"video_id": video.id}, status_code=call.world.config.create_status)


async def get(call: Call) -> Response:
    """Public, as yt-dlp reads it: a hidden video is "by link only", still readable by id."""
    return JSONResponse(video_json(call.world, call.video(), call.base_url))


async def update(call: Call) -> Response:
    """PATCH and PUT alike: ``title``, ``description``, ``is_hidden``, ``category`` (or
    ``category_id``); fields left out keep their values."""
    video = call.own_video()
    data = await call.data()
    fields = FieldErrors()
    title = fields.text(data, "title")
    description = fields.text(data, "description")
    is_hidden = fields.boolean(data, "is_hidden")
    name = "category" if data.get("category") is not None else "category_id"
    category_id = fields.category(call.world, data, name)
    if title is not None and not title.strip():
        fields.add("title", "This field may not be blank.")
    fields.raise_any()
    for attribute, value in (
        ("title", title),
        ("description", description),
        ("is_hidden", is_hidden),
        ("category_id", category_id),
    ):
        if value is not None:
            setattr(video, attribute, value)
    return JSONResponse(video_json(call.world, video, call.base_url))


async def delete(call: Call) -> Response:
    video = call.own_video()
    video.deleted = True
    return Response(status_code=204)


async def thumbnail(call: Call) -> Response:
    """Multipart ``file`` → ``{"thumbnail_url"}``; the image is hashed, not kept."""
    video = call.own_video()
    params = await call.params(file_limit=THUMBNAIL_LIMIT)
    if params.too_large:
        raise RutubeError.field("file", "The submitted file is too large.")
    received = params.files.get("file")
    if received is None:
        raise RutubeError.field("file", errors.NO_FILE)
    if received.size == 0:
        raise RutubeError.field("file", "The submitted file is empty.")
    video.thumbnail_sha256, video.thumbnail_size = received.sha256, received.size
    url = f"{call.base_url}/rutube/thumbnails/{video.id}/{received.sha256[:12]}.jpg"
    return JSONResponse({"thumbnail_url": url})


def _parse_timestamp(raw: str) -> float | None:
    for layout in TIMESTAMP_FORMATS:
        try:
            return datetime.strptime(raw.strip(), layout).replace(tzinfo=UTC).timestamp()
        except ValueError:
            continue
    return None


async def publication(call: Call) -> Response:
    """``{"video": "<id>", "timestamp": "2025-01-16 20:36:31"}`` (read as UTC): the video's
    ``publication_ts`` becomes that moment."""
    userid = call.account_id()
    data = await call.data()
    fields = FieldErrors()
    video_id = fields.text(data, "video", required=True)
    raw = fields.text(data, "timestamp", required=True)
    moment = _parse_timestamp(raw) if raw else None
    if raw and moment is None:
        fields.add("timestamp", "Datetime has wrong format. Use YYYY-MM-DD hh:mm:ss.")
    video = call.world.live_video(video_id) if video_id else None
    if video_id and video is None:
        fields.add("video", f'Invalid pk "{video_id}" - object does not exist.')
    fields.raise_any()
    assert video is not None and moment is not None
    if video.userid != userid:
        raise RutubeError.detail(403, errors.NO_PERMISSION)
    video.publication_at = moment
    body = {"video": video.id, "timestamp": call.world.clock.iso(moment).replace("T", " ")}
    return JSONResponse(body, status_code=201)


async def categories(call: Call) -> Response:
    return JSONResponse([{"id": c.id, "name": c.name} for c in call.world.categories.values()])


def _page_number(call: Call) -> int:
    raw = call.query.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        raise RutubeError.detail(404, errors.INVALID_PAGE)
    return int(raw)


def _videos_page(call: Call, found: list[Video]) -> Response:
    """DRF's page-number pagination: a page past the last (but page 1) is 404 "Invalid page."."""
    page, per_page = _page_number(call), call.world.config.per_page
    if page > 1 and (page - 1) * per_page >= len(found):
        raise RutubeError.detail(404, errors.INVALID_PAGE)
    items = [video_json(call.world, video, call.base_url) for video in found]
    url = str(call.exchange.request.url.replace(query=""))
    return JSONResponse(page_json(items, page, per_page, url))


async def own_videos(call: Call) -> Response:
    """The caller's videos, every state (the doc's token check, §4.1)."""
    return _videos_page(call, call.world.videos_of(call.account_id(), public_only=False))


async def person_videos(call: Call) -> Response:
    """Someone's videos; the account itself also sees hidden and unfinished ones."""
    userid = call.exchange.request.path_params["userid"]
    if userid not in call.world.accounts:
        raise RutubeError.not_found()
    public_only = call.userid != userid
    return _videos_page(call, call.world.videos_of(userid, public_only=public_only))


async def votes(call: Call) -> Response:
    video = call.video()
    return JSONResponse({"positive": video.positive, "negative": video.negative})
