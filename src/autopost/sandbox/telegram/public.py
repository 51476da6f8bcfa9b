"""t.me's public pages under ``/telegram-web``: ``/<username>/<id>`` for a public channel's post,
``/c/<id without -100>/<id>`` for any channel's (platform-apis.md §3.3), ``/<username>`` for the
channel itself, and ``/file/<file_id>`` for a kept upload the post page plays (the Bot API's own
download URL carries the bot token, which a public page must not show).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from autopost.sandbox import public
from autopost.sandbox.telegram.world import Channel, PostedMessage, TelegramWorld

PLATFORM = "Telegram"


def _world(request: Request) -> TelegramWorld:
    return request.app.state.sandbox.telegram


def _message(
    world: TelegramWorld, channel: Channel | None, message_id: int
) -> PostedMessage | None:
    if channel is None:
        return None
    return next(
        (m for m in world.messages if m.chat_id == channel.id and m.message_id == message_id),
        None,
    )


def _post(request: Request, channel: Channel | None, message_id: int) -> Response:
    world = _world(request)
    message = _message(world, channel, message_id)
    if channel is None or message is None:
        return public.not_found(PLATFORM)
    root = public.site_root(request)
    title, text = public.headline(message.caption or message.text)
    stored = world.files.get(message.file_id or "")
    return public.post_page(
        public.Post(
            platform=PLATFORM,
            place=channel.title,
            place_url=f"{root}/{channel.username}" if channel.username else "",
            title=title,
            text=text,
            video_url=f"{root}/file/{stored.file_id}" if stored and stored.path else "",
            size=message.size,
            sha256=message.sha256,
        )
    )


async def public_post(request: Request) -> Response:
    username = request.path_params["username"]
    channel = _world(request).find_channel(f"@{username}")
    return _post(request, channel, request.path_params["message_id"])


async def private_post(request: Request) -> Response:
    channel = _world(request).channels.get(int(f"-100{request.path_params['chat']}"))
    return _post(request, channel, request.path_params["message_id"])


async def channel_page(request: Request) -> Response:
    world = _world(request)
    channel = world.find_channel(f"@{request.path_params['username']}")
    if channel is None:
        return public.not_found(PLATFORM)
    root = public.site_root(request)
    posts = [
        (public.headline(m.caption or m.text)[0], f"{root}/{channel.username}/{m.message_id}")
        for m in reversed(world.messages)
        if m.chat_id == channel.id
    ]
    return public.channel_page(PLATFORM, channel.title, posts)


async def kept_file(request: Request) -> Response:
    stored = _world(request).files.get(request.path_params["file_id"])
    if stored is None or stored.path is None:
        return public.not_found(PLATFORM)
    return FileResponse(stored.path, media_type=stored.mime_type)


def routes() -> list[BaseRoute]:
    # Usernames have at least five characters, so "c" and "file" are never channels.
    return [
        Route("/c/{chat:int}/{message_id:int}", private_post, methods=["GET"]),
        Route("/file/{file_id}", kept_file, methods=["GET"]),
        Route("/{username}/{message_id:int}", public_post, methods=["GET"]),
        Route("/{username}", channel_page, methods=["GET"]),
    ]
