"""rutube.ru's public pages under ``/rutube`` (the API's host, as on the real site):
``/video/<id>/`` (platform-apis.md §4.2) and ``/channel/<userid>/``, the addresses the API's own
``video_url`` and the profile's ``site_url`` give.

A video opens from the moment it is created, with its stage, as Rutube shows a processing video
to whoever has the link; a deleted one is a 404. The channel lists what others may see.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from autopost.sandbox import public
from autopost.sandbox.rutube.world import RutubeWorld

PLATFORM = "Rutube"
NOTES = {
    "downloading": "Rutube скачивает видео",
    "processing": "Видео обрабатывается",
    "error": "Видео не удалось обработать",
}


def _world(request: Request) -> RutubeWorld:
    return request.app.state.sandbox.rutube


async def video_page(request: Request) -> Response:
    world = _world(request)
    video = world.live_video(request.path_params["video_id"])
    if video is None or video.is_deleted:
        return public.not_found(PLATFORM)
    account = world.accounts.get(video.userid)
    return public.post_page(
        public.Post(
            platform=PLATFORM,
            place=account.name if account else str(video.userid),
            place_url=f"{public.site_root(request)}/channel/{video.userid}/",
            title=video.title,
            text=video.description,
            size=video.size,
            sha256=video.sha256,
            note=NOTES.get(video.current_stage(world.now()), ""),
        )
    )


async def channel_page(request: Request) -> Response:
    world = _world(request)
    account = world.accounts.get(request.path_params["userid"])
    if account is None:
        return public.not_found(PLATFORM)
    root = public.site_root(request)
    posts = [
        (video.title, f"{root}/video/{video.id}/")
        for video in world.videos_of(account.userid, public_only=True)
    ]
    return public.channel_page(PLATFORM, account.name, posts)


def routes() -> list[BaseRoute]:
    return [
        Route("/video/{video_id}/", video_page, methods=["GET"]),
        Route("/channel/{userid:int}/", channel_page, methods=["GET"]),
    ]
