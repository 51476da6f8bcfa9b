"""``/_control/telegram/*``: inspect what was posted and shape the Telegram world."""

from __future__ import annotations

from dataclasses import asdict

from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from autopost.sandbox.control import ControlError, parse_body, sandbox_state
from autopost.sandbox.telegram.world import (
    ADMIN_RIGHTS,
    Bot,
    Channel,
    MemberStatus,
    Mode,
    TelegramWorld,
)

USERNAME = r"^[A-Za-z][A-Za-z0-9_]{4,31}$"


class NewBot(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int | None = Field(default=None, gt=0, lt=2**54)
    username: str | None = Field(default=None, pattern=USERNAME)
    first_name: str = "Sandbox Bot"


class NewMember(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: int
    status: MemberStatus = "administrator"
    # Administrators get every right unless one is set to false here.
    rights: dict[str, bool] = {}

    @field_validator("rights")
    @classmethod
    def _known_rights(cls, rights: dict[str, bool]) -> dict[str, bool]:
        unknown = set(rights) - set(ADMIN_RIGHTS)
        if unknown:
            raise ValueError(f"unknown rights: {', '.join(sorted(unknown))}")
        return rights


class NewChannel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=128)
    username: str | None = Field(default=None, pattern=USERNAME)
    id: int | None = Field(default=None, lt=-1_000_000_000_000)
    description: str = ""
    member_count: int = Field(default=0, ge=0)
    members: list[NewMember] = []


class ConfigChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Mode | None = None
    rate_limit: bool | None = None
    channel_messages_per_minute: int | None = Field(default=None, ge=1)
    keep_files: bool | None = None


def bot_json(bot: Bot) -> dict:
    return {
        "id": bot.id,
        "token": bot.token,
        "username": bot.username,
        "first_name": bot.first_name,
        "revoked": bot.revoked,
    }


def channel_json(channel: Channel) -> dict:
    return {
        "id": channel.id,
        "title": channel.title,
        "username": channel.username,
        "member_count": channel.member_count,
        "members": [
            {"user_id": user_id, "status": member.status, "rights": member.rights}
            for user_id, member in channel.members.items()
        ],
    }


def _world(request: Request) -> TelegramWorld:
    return sandbox_state(request).telegram


async def messages(request: Request) -> JSONResponse:
    """The received log, oldest first; ``?chat=`` takes ``@username`` or the numeric id."""
    world = _world(request)
    posted = world.messages
    chat_ref = request.query_params.get("chat")
    if chat_ref:
        channel = world.find_channel(chat_ref)
        posted = [m for m in posted if channel is not None and m.chat_id == channel.id]
    return JSONResponse({"messages": [asdict(message) for message in posted]})


async def create_bot(request: Request) -> JSONResponse:
    new = await parse_body(request, NewBot)
    world = _world(request)
    if new.id is not None and world.user(new.id) is not None:
        raise ControlError(f"user id {new.id} is taken")
    taken = {bot.username.lower() for bot in world.bots.values()}
    if new.username and new.username.lower() in taken:
        raise ControlError(f"username {new.username} is taken")
    bot = world.add_bot(new.username, new.first_name, new.id)
    return JSONResponse(bot_json(bot), status_code=201)


async def revoke_bot(request: Request) -> JSONResponse:
    bot = _world(request).bots.get(request.path_params["bot_id"])
    if bot is None:
        raise ControlError("no such bot", status=404)
    bot.revoked = True
    return JSONResponse(bot_json(bot))


async def create_channel(request: Request) -> JSONResponse:
    new = await parse_body(request, NewChannel)
    world = _world(request)
    if new.id is not None and new.id in world.channels:
        raise ControlError(f"channel id {new.id} is taken")
    if new.username and world.find_channel(f"@{new.username}") is not None:
        raise ControlError(f"username {new.username} is taken")
    for member in new.members:
        if world.user(member.user_id) is None:
            raise ControlError(f"unknown user id {member.user_id}")
    channel = world.add_channel(
        new.title, new.username, new.id, new.description, new.member_count
    )
    for member in new.members:
        world.set_member(channel, member.user_id, member.status, **member.rights)
    return JSONResponse(channel_json(channel), status_code=201)


async def get_config(request: Request) -> JSONResponse:
    return JSONResponse(_world(request).config.model_dump())


async def put_config(request: Request) -> JSONResponse:
    change = await parse_body(request, ConfigChange)
    config = _world(request).config
    for name, value in change.model_dump(exclude_none=True).items():
        setattr(config, name, value)
    return JSONResponse(config.model_dump())


def routes() -> list[BaseRoute]:
    return [
        Route("/messages", messages, methods=["GET"]),
        Route("/bots", create_bot, methods=["POST"]),
        Route("/bots/{bot_id:int}/revoke", revoke_bot, methods=["POST"]),
        Route("/channels", create_channel, methods=["POST"]),
        Route("/config", get_config, methods=["GET"]),
        Route("/config", put_config, methods=["PUT"]),
    ]
