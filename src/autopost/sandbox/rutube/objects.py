"""Rutube's JSON objects: a video (§4.2, §4.4, as yt-dlp reads it), a profile, a result page."""

from __future__ import annotations

from urllib.parse import urlencode

from autopost.sandbox.rutube.world import RutubeWorld, Video

# action_reason.name per stage: the doc names the first two; the error one is the sandbox's.
ACTION_REASONS = {
    "downloading": "downloading_video",
    "processing": "downloading_video",
    "ready": "moderation",
    "error": "download_error",
}
STATUSES = {"downloading": "processing", "processing": "processing", "ready": "ready"}


def video_json(world: RutubeWorld, video: Video, base_url: str) -> dict:
    stage = video.current_stage(world.now())
    author = world.accounts.get(video.userid)
    category = world.categories.get(video.category_id)
    ready = stage == "ready"
    page = f"{base_url}/rutube"
    return {
        "id": video.id,
        "title": video.title,
        "description": video.description,
        "hits": video.hits,
        "comments_count": video.comments_count,
        "duration": world.config.duration_s if ready else None,
        "is_hidden": video.is_hidden,
        "is_deleted": video.is_deleted,
        "created_ts": world.clock.iso(video.created_at),
        "publication_ts": _publication_ts(world, video, ready),
        "category": {"id": category.id, "name": category.name} if category else None,
        "author": {"id": video.userid, "name": author.name if author else ""},
        "thumbnail_url": _thumbnail_url(video, page) if ready or video.thumbnail_sha256 else None,
        "video_url": f"{page}/video/{video.id}/",
        "embed_url": f"{page}/play/embed/{video.id}",
        "status": STATUSES.get(stage, "error"),
        "action_reason": {"name": ACTION_REASONS[stage]},
    }


def _publication_ts(world: RutubeWorld, video: Video, ready: bool) -> str | None:
    """A scheduled publication's time, else the moment a visible video became ready."""
    if video.publication_at is not None:
        return world.clock.iso(video.publication_at)
    if ready and not video.is_hidden and video.ready_at is not None:
        return world.clock.iso(video.ready_at)
    return None


def _thumbnail_url(video: Video, page: str) -> str:
    if video.thumbnail_sha256:
        return f"{page}/thumbnails/{video.id}/{video.thumbnail_sha256[:12]}.jpg"
    return f"{page}/thumbnails/{video.id}/default.jpg"


def profile_json(world: RutubeWorld, userid: int, base_url: str) -> dict:
    account = world.accounts[userid]
    public = world.videos_of(userid, public_only=True)
    return {
        "id": account.userid,
        "name": account.name,
        "description": account.description,
        "avatar_url": f"{base_url}/rutube/avatars/{account.userid}.jpg",
        "site_url": f"{base_url}/rutube/channel/{account.userid}/",
        "video_count": len(public),
        "hits": sum(video.hits for video in public),
        "subscribers_count": account.subscribers_count,
    }


def page_json(items: list[dict], page: int, per_page: int, url: str) -> dict:
    """A ``?page=N`` page (1-based): ``results``, ``has_next``, ``next``, ``page``, ``per_page``;
    the caller has checked that the page exists."""
    start = (page - 1) * per_page
    has_next = len(items) > start + per_page
    return {
        "results": items[start : start + per_page],
        "has_next": has_next,
        "next": f"{url}?{urlencode({'page': page + 1})}" if has_next else None,
        "previous": f"{url}?{urlencode({'page': page - 1})}" if page > 1 else None,
        "page": page,
        "per_page": per_page,
    }
