"""``/_control/vk/*``: read what arrived (videos, wall posts) and shape the VK world.

Bodies and answers are JSON; errors are ``{"error": …}`` with 400 or 404 like the rest of the
control API. Token values are sandbox values, so they are shown.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from autopost.sandbox.control import ControlError, parse_body, sandbox_state, validation_message
from autopost.sandbox.vk.world import (
    AdminRole,
    Community,
    Token,
    TokenSource,
    Video,
    VkConfig,
    VkWorld,
    WallPost,
)

TEN_YEARS_S = 10 * 365 * 86400


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int | None = Field(default=None, gt=0, lt=2**31)
    first_name: str = Field(default="Тест", min_length=1, max_length=64)
    last_name: str = Field(default="Тестов", min_length=1, max_length=64)
    screen_name: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_.]{4,31}$")
    email: str = ""
    phone: str = ""
    # Make them the person signed in to VK: consent pages then act for them.
    sign_in: bool = False


class NewToken(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # A user token for this person (default: the signed-in person) …
    user_id: int | None = None
    # … or a community token of this community.
    group_id: int | None = None
    scopes: list[str] = ["video", "wall", "groups"]
    # Seconds from now on the VK clock; null: never expires.
    expires_in: float | None = Field(default=None, ge=0)
    state: Literal["valid", "expired", "revoked"] = "valid"
    source: TokenSource = "pasted"
    # The token's value; default: a new random one of the real shape.
    token: str | None = Field(default=None, min_length=8, max_length=512)


class TokenRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str


class NewAdmin(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: int
    role: AdminRole = "administrator"


class NewCommunity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int | None = Field(default=None, gt=0, lt=2**31)
    name: str = Field(min_length=1, max_length=128)
    screen_name: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_.]{4,31}$")
    admins: list[NewAdmin] = []
    # Plain members (admins are members anyway).
    members: list[int] = []


class Counters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    views: int | None = Field(default=None, ge=0)
    likes: int | None = Field(default=None, ge=0)
    comments: int | None = Field(default=None, ge=0)
    reposts: int | None = Field(default=None, ge=0)


class ClockAdvance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    advance_s: float = Field(gt=0, le=TEN_YEARS_S)


def _world(request: Request) -> VkWorld:
    return sandbox_state(request).vk


def video_log_json(world: VkWorld, video: Video) -> dict:
    data = asdict(video)
    data["video_id"] = data.pop("id")
    data["name"] = data.pop("title")
    del data["upload_ticket"], data["ready_at"], data["not_ready_polls"]
    data["uploaded"] = video.uploaded_at is not None
    data["processing"] = video.uploaded_at is not None and video.processing(world.now())
    return data


def post_log_json(post: WallPost) -> dict:
    data = asdict(post)
    data["post_id"] = data.pop("id")
    data["videos"] = [f"{owner}_{video}" for owner, video in post.videos]
    return data


def token_json(world: VkWorld, token: Token) -> dict:
    subject = "group_id" if token.kind == "community" else "user_id"
    return {
        "token": token.value,
        "kind": token.kind,
        subject: token.subject_id,
        "scopes": sorted(token.scopes),
        "source": token.source,
        "client_id": token.client_id,
        "expires_at": token.expires_at,
        "state": token.state(world.now()),
    }


def community_json(community: Community) -> dict:
    return {
        "id": community.id,
        "name": community.name,
        "screen_name": community.screen_name,
        "admins": [{"user_id": u, "role": role} for u, role in community.managers.items()],
        "members": sorted(community.members),
    }


def _ref(request: Request) -> tuple[int, int]:
    owner, _, item = request.path_params["ref"].partition("_")
    try:
        return int(owner), int(item)
    except ValueError:
        raise ControlError("expected <owner_id>_<id>", status=404) from None


async def videos(request: Request) -> JSONResponse:
    """The received log, oldest first; ``?owner_id=`` narrows it to one owner."""
    world = _world(request)
    owner = request.query_params.get("owner_id")
    found = [v for v in world.videos.values() if owner is None or str(v.owner_id) == owner]
    return JSONResponse({"videos": [video_log_json(world, video) for video in found]})


async def posts(request: Request) -> JSONResponse:
    return JSONResponse({"posts": [post_log_json(p) for p in _world(request).posts.values()]})


async def set_video_counters(request: Request) -> JSONResponse:
    world = _world(request)
    video = world.videos.get(_ref(request))
    if video is None:
        raise ControlError("no such video", status=404)
    for name, value in (await parse_body(request, Counters)).model_dump(exclude_none=True).items():
        setattr(video, name, value)
    return JSONResponse(video_log_json(world, video))


async def set_post_counters(request: Request) -> JSONResponse:
    post = _world(request).posts.get(_ref(request))
    if post is None:
        raise ControlError("no such post", status=404)
    for name, value in (await parse_body(request, Counters)).model_dump(exclude_none=True).items():
        setattr(post, name, value)
    return JSONResponse(post_log_json(post))


async def world_summary(request: Request) -> JSONResponse:
    world = _world(request)
    return JSONResponse(
        {
            "signed_in_user_id": world.signed_in_user_id,
            "users": [asdict(user) for user in world.users.values()],
            "communities": [community_json(c) for c in world.communities.values()],
            "tokens": [token_json(world, token) for token in world.tokens.values()],
            "apps": [
                {"client_id": app.client_id, "name": app.name, "redirect_uris": app.redirect_uris}
                for app in world.apps.values()
            ],
        }
    )


async def create_user(request: Request) -> JSONResponse:
    new = await parse_body(request, NewUser)
    world = _world(request)
    if new.id is not None and new.id in world.users:
        raise ControlError(f"user id {new.id} is taken")
    user = world.add_user(new.first_name, new.last_name, new.id, new.screen_name or "")
    user.email, user.phone = new.email, new.phone
    if new.sign_in:
        world.signed_in_user_id = user.id
    return JSONResponse(asdict(user), status_code=201)


async def create_token(request: Request) -> JSONResponse:
    new = await parse_body(request, NewToken)
    world = _world(request)
    if new.token is not None and world.token(new.token) is not None:
        raise ControlError("this token value is taken")
    if new.group_id is not None:
        if new.user_id is not None:
            raise ControlError("a token is for a user_id or a group_id, not both")
        if new.group_id not in world.communities:
            raise ControlError(f"unknown community {new.group_id}")
        kind, subject = "community", new.group_id
    else:
        kind, subject = "user", new.user_id or world.signed_in_user_id
        if subject not in world.users:
            raise ControlError(f"unknown user {subject}")
    ttl = 0 if new.state == "expired" else new.expires_in
    token = world.issue_token(
        kind, subject, set(new.scopes), new.source, ttl_s=ttl, value=new.token
    )
    token.revoked = new.state == "revoked"
    return JSONResponse(token_json(world, token), status_code=201)


async def list_tokens(request: Request) -> JSONResponse:
    world = _world(request)
    return JSONResponse({"tokens": [token_json(world, t) for t in world.tokens.values()]})


async def _known_token(request: Request) -> tuple[VkWorld, Token]:
    world = _world(request)
    token = world.token((await parse_body(request, TokenRef)).token)
    if token is None:
        raise ControlError("no such token", status=404)
    return world, token


async def expire_token(request: Request) -> JSONResponse:
    world, token = await _known_token(request)
    token.expires_at = world.now()
    return JSONResponse(token_json(world, token))


async def revoke_token(request: Request) -> JSONResponse:
    world, token = await _known_token(request)
    token.revoked = True
    return JSONResponse(token_json(world, token))


async def create_community(request: Request) -> JSONResponse:
    new = await parse_body(request, NewCommunity)
    world = _world(request)
    if new.id is not None and new.id in world.communities:
        raise ControlError(f"community id {new.id} is taken")
    if new.screen_name and world.find_community(new.screen_name) is not None:
        raise ControlError(f"screen name {new.screen_name} is taken")
    for user_id in [admin.user_id for admin in new.admins] + new.members:
        if user_id not in world.users:
            raise ControlError(f"unknown user {user_id}")
    community = world.add_community(new.name, new.id, new.screen_name or "")
    community.managers = {admin.user_id: admin.role for admin in new.admins}
    community.members = set(new.members)
    return JSONResponse(community_json(community), status_code=201)


def clock_json(world: VkWorld) -> dict:
    return {"now": world.now(), "offset_s": world.clock.offset_s}


async def get_clock(request: Request) -> JSONResponse:
    return JSONResponse(clock_json(_world(request)))


async def advance_clock(request: Request) -> JSONResponse:
    world = _world(request)
    world.clock.advance((await parse_body(request, ClockAdvance)).advance_s)
    return JSONResponse(clock_json(world))


async def get_config(request: Request) -> JSONResponse:
    return JSONResponse(_world(request).config.model_dump())


async def put_config(request: Request) -> JSONResponse:
    """Change any of ``VkConfig``'s fields; the others keep their values."""
    world = _world(request)
    try:
        changes = json.loads(await request.body() or b"{}")
    except ValueError as exc:
        raise ControlError("body: not JSON") from exc
    if not isinstance(changes, dict):
        raise ControlError("body: expected a JSON object")
    try:
        world.config = VkConfig.model_validate({**world.config.model_dump(), **changes})
    except ValidationError as exc:
        raise ControlError(validation_message(exc)) from exc
    return JSONResponse(world.config.model_dump())


def routes() -> list[BaseRoute]:
    return [
        Route("/videos", videos, methods=["GET"]),
        Route("/videos/{ref}/counters", set_video_counters, methods=["POST"]),
        Route("/posts", posts, methods=["GET"]),
        Route("/posts/{ref}/counters", set_post_counters, methods=["POST"]),
        Route("/world", world_summary, methods=["GET"]),
        Route("/users", create_user, methods=["POST"]),
        Route("/tokens", list_tokens, methods=["GET"]),
        Route("/tokens", create_token, methods=["POST"]),
        Route("/tokens/expire", expire_token, methods=["POST"]),
        Route("/tokens/revoke", revoke_token, methods=["POST"]),
        Route("/communities", create_community, methods=["POST"]),
        Route("/clock", get_clock, methods=["GET"]),
        Route("/clock", advance_clock, methods=["POST"]),
        Route("/config", get_config, methods=["GET"]),
        Route("/config", put_config, methods=["PUT"]),
    ]
