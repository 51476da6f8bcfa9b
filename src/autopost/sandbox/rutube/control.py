"""``/_control/rutube/*``: read what Rutube downloaded and shape the Rutube world.

Bodies and answers are JSON; errors are ``{"error": …}`` with 400 or 404 like the rest of the
control API. Passwords and tokens are sandbox values, so they are shown.
"""

from __future__ import annotations

from dataclasses import asdict

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from autopost.sandbox.control import ControlError, clock_and_config_routes, parse_body, sandbox_state
from autopost.sandbox.rutube.world import Account, RutubeWorld, Video



class NewAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")

    userid: int | None = Field(default=None, gt=0, lt=2**31)
    name: str = Field(default="Тестовый канал", min_length=1, max_length=128)
    email: str = Field(min_length=3, max_length=254)
    phone: str = ""
    password: str = Field(min_length=1, max_length=128)
    description: str = ""
    subscribers_count: int = Field(default=0, ge=0)
    # The token is issued right away unless this is false (token_auth would make it anyway).
    with_token: bool = True


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    userid: int
    # The token's value if the account has none yet; default: 40 random hex digits.
    token: str | None = Field(default=None, min_length=8, max_length=128)


class TokenRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str


class Counters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hits: int | None = Field(default=None, ge=0)
    comments_count: int | None = Field(default=None, ge=0)
    positive: int | None = Field(default=None, ge=0)
    negative: int | None = Field(default=None, ge=0)




def _world(request: Request) -> RutubeWorld:
    return sandbox_state(request).rutube


def video_log_json(world: RutubeWorld, video: Video) -> dict:
    data = asdict(video)
    data["video_id"] = data.pop("id")
    data["status"] = video.current_stage(world.now())
    del data["stage"]
    return data


def account_json(world: RutubeWorld, account: Account) -> dict:
    token = next((t for t, owner in world.tokens.items() if owner == account.userid), None)
    return {**asdict(account), "token": token}


def _video(request: Request) -> tuple[RutubeWorld, Video]:
    world = _world(request)
    video = world.videos.get(request.path_params["video_id"])
    if video is None:
        raise ControlError("no such video", status=404)
    return world, video


async def videos(request: Request) -> JSONResponse:
    """The received log, oldest first; ``?userid=`` narrows it to one account."""
    world = _world(request)
    userid = request.query_params.get("userid")
    found = [v for v in world.videos.values() if userid is None or str(v.userid) == userid]
    return JSONResponse({"videos": [video_log_json(world, video) for video in found]})


async def set_counters(request: Request) -> JSONResponse:
    world, video = _video(request)
    for name, value in (await parse_body(request, Counters)).model_dump(exclude_none=True).items():
        setattr(video, name, value)
    return JSONResponse(video_log_json(world, video))


async def delete_on_site(request: Request) -> JSONResponse:
    """The video was removed on rutube.ru (by its owner or moderators): ``is_deleted`` true."""
    world, video = _video(request)
    video.is_deleted = True
    return JSONResponse(video_log_json(world, video))


async def world_summary(request: Request) -> JSONResponse:
    world = _world(request)
    return JSONResponse(
        {
            "accounts": [account_json(world, a) for a in world.accounts.values()],
            "categories": [asdict(c) for c in world.categories.values()],
        }
    )


async def create_account(request: Request) -> JSONResponse:
    new = await parse_body(request, NewAccount)
    world = _world(request)
    if new.userid is not None and new.userid in world.accounts:
        raise ControlError(f"userid {new.userid} is taken")
    if any(a.email.lower() == new.email.lower() for a in world.accounts.values()):
        raise ControlError(f"e-mail {new.email} is taken")
    account = world.add_account(
        new.name, new.email, new.password, userid=new.userid, phone=new.phone
    )
    account.description, account.subscribers_count = new.description, new.subscribers_count
    if new.with_token:
        world.token_for(account.userid)
    return JSONResponse(account_json(world, account), status_code=201)


async def issue_token(request: Request) -> JSONResponse:
    """The account's token (made now if it has none), as token_auth would answer."""
    new = await parse_body(request, TokenRequest)
    world = _world(request)
    if new.userid not in world.accounts:
        raise ControlError(f"unknown account {new.userid}", status=404)
    if new.token is not None and world.tokens.get(new.token, new.userid) != new.userid:
        raise ControlError("this token value is taken")
    return JSONResponse({"token": world.token_for(new.userid, new.token), "userid": new.userid})


async def revoke_token(request: Request) -> JSONResponse:
    """Delete a token: calls with it answer 401, the next token_auth makes a new one."""
    token = (await parse_body(request, TokenRef)).token
    if not _world(request).revoke(token):
        raise ControlError("no such token", status=404)
    return JSONResponse({"revoked": True})




def routes() -> list[BaseRoute]:
    return [
        Route("/videos", videos, methods=["GET"]),
        Route("/videos/{video_id}/counters", set_counters, methods=["POST"]),
        Route("/videos/{video_id}/delete", delete_on_site, methods=["POST"]),
        Route("/world", world_summary, methods=["GET"]),
        Route("/accounts", create_account, methods=["POST"]),
        Route("/tokens", issue_token, methods=["POST"]),
        Route("/tokens/revoke", revoke_token, methods=["POST"]),
        *clock_and_config_routes(_world),
    ]
