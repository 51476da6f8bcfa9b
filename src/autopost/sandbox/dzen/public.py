"""dzen.ru's public pages under ``/dzen`` (the Studio's host, as on the real site):
``/shorts/<publication id>`` (platform-apis.md §5.3) and the channel's ``/id/<publisherId>``.

A short is public once ``update-publication-content-and-publish`` published it; a draft is a 404.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from autopost.sandbox import public
from autopost.sandbox.dzen.world import DzenWorld

PLATFORM = "Дзен"


def _world(request: Request) -> DzenWorld:
    return request.app.state.sandbox.dzen


async def short_page(request: Request) -> Response:
    world = _world(request)
    publication = world.publications.get(request.path_params["pub_id"])
    if publication is None or publication.published_at is None:
        return public.not_found(PLATFORM)
    channel = world.channels.get(publication.publisher_id)
    upload = publication.upload
    return public.post_page(
        public.Post(
            platform=PLATFORM,
            place=channel.name if channel else publication.publisher_id,
            place_url=f"{public.site_root(request)}/id/{publication.publisher_id}",
            title=publication.title,
            text=publication.snippet,
            size=upload.offset if upload else None,
            sha256=upload.sha256 if upload else None,
        )
    )


async def channel_page(request: Request) -> Response:
    world = _world(request)
    channel = world.channels.get(request.path_params["pid"])
    if channel is None:
        return public.not_found(PLATFORM)
    root = public.site_root(request)
    posts = [(p.title, f"{root}/shorts/{p.id}") for p in world.published(channel.publisher_id)]
    return public.channel_page(PLATFORM, channel.name, posts)


def routes() -> list[BaseRoute]:
    return [
        Route("/shorts/{pub_id}", short_page, methods=["GET"]),
        Route("/id/{pid}", channel_page, methods=["GET"]),
    ]
