"""vk.com's public pages under ``/vk-web``: ``/clip<owner>_<id>``, ``/video<owner>_<id>``
(platform-apis.md §2.2), and the page or community they are on (``/id<id>``, ``/club<id>``,
``/public<id>``, or its screen name).

A video is public once its file arrived; a Clip once ``shortVideo.publish`` made it one. A Clip
opens at either address, as VK's clips are videos too; a plain video has no ``/clip`` page.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from autopost.sandbox import public
from autopost.sandbox.vk.world import Video, VkWorld

PLATFORM = "VK"
_POST_RE = re.compile(r"^(?P<kind>clip|video)(?P<owner>-?[1-9][0-9]*)_(?P<id>[1-9][0-9]*)$")


def _is_public(video: Video) -> bool:
    return video.uploaded_at is not None and (video.kind != "clip" or video.published)


def _owner(world: VkWorld, owner_id: int) -> tuple[str, str]:
    """The owner's name and screen name."""
    if owner_id < 0:
        community = world.communities.get(-owner_id)
        return (community.name, community.screen_name) if community else ("", f"club{-owner_id}")
    user = world.users.get(owner_id)
    if user is None:
        return "", f"id{owner_id}"
    return f"{user.first_name} {user.last_name}".strip(), user.screen_name


def _title_and_text(video: Video) -> tuple[str, str]:
    return (video.title, video.description) if video.title else public.headline(video.description)


def _video_path(video: Video) -> str:
    return f"/{'clip' if video.kind == 'clip' else 'video'}{video.ref}"


def _post(request: Request, world: VkWorld, kind: str, owner_id: int, video_id: int) -> Response:
    video = world.live_video(owner_id, video_id)
    if video is None or not _is_public(video) or (kind == "clip" and video.kind != "clip"):
        return public.not_found(PLATFORM)
    name, screen_name = _owner(world, owner_id)
    processing = video.processing(world.now())
    title, text = _title_and_text(video)
    return public.post_page(
        public.Post(
            platform=PLATFORM,
            place=name or screen_name,
            place_url=f"{public.site_root(request)}/{screen_name}",
            title=title,
            text=text,
            size=video.size,
            sha256=video.sha256,
            note="Видео обрабатывается" if processing else "",
        )
    )


def _owner_page(request: Request, world: VkWorld, ref: str) -> Response:
    community = world.find_community(ref) if not ref.startswith("id") else None
    user = None if community else world.find_user(ref)
    if community is not None:
        owner_id, name = -community.id, community.name
    elif user is not None:
        owner_id, name = user.id, f"{user.first_name} {user.last_name}".strip()
    else:
        return public.not_found(PLATFORM)
    videos = [
        v for v in world.videos.values() if v.owner_id == owner_id and not v.deleted and _is_public(v)
    ]
    root = public.site_root(request)
    posts = [
        (_title_and_text(video)[0], f"{root}{_video_path(video)}")
        for video in reversed(videos)
    ]
    return public.channel_page(PLATFORM, name, posts)


async def site_page(request: Request) -> Response:
    world: VkWorld = request.app.state.sandbox.vk
    ref = request.path_params["ref"]
    if match := _POST_RE.match(ref):
        return _post(request, world, match["kind"], int(match["owner"]), int(match["id"]))
    return _owner_page(request, world, ref)


def routes() -> list[BaseRoute]:
    return [Route("/{ref}", site_page, methods=["GET"])]
