"""Rutube's API over HTTP under ``/rutube`` (``https://rutube.ru``), platform-apis.md §4, §7.

Every endpoint goes through ``answer``: its queued fault first (``http_500`` / ``http_502`` an
HTML error page, ``rate_limit`` DRF's 429 with ``Retry-After``, ``unauthorized`` 401 "Invalid
token."), then the token, then the handler. Fault method names are in ``routes()``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from autopost.sandbox.endpoint import (
    Endpoint,
    Exchange,
    routes_with_and_without_slash,
    server_error_page,
)
from autopost.sandbox.faults import Fault
from autopost.sandbox.rutube import videos
from autopost.sandbox.rutube.calls import Call, FieldErrors, token_user
from autopost.sandbox.rutube.errors import BAD_LOGIN, RutubeError
from autopost.sandbox.rutube.objects import profile_json

PLATFORM = "rutube"

Handler = Callable[[Call], Awaitable[Response]]


def fault_answer(fault: Fault) -> Response:
    if fault.kind == "rate_limit":
        return RutubeError.throttled(fault.retry_after).response()
    if fault.kind == "unauthorized":
        return RutubeError.unauthorized().response()
    return server_error_page(502 if fault.kind == "http_502" else 500)


def endpoint(method: str, handler: Handler) -> Endpoint:
    """``handler`` as the Rutube endpoint named ``method`` in the FaultBook."""

    async def answer(exchange: Exchange) -> Response:
        world = exchange.state.rutube
        try:
            if exchange.fault is not None:
                await exchange.body.drain()
                return fault_answer(exchange.fault)
            userid = token_user(world, exchange.request.headers.get("authorization", ""))
            response = await handler(Call(exchange, world, userid))
        except RutubeError as error:
            response = error.response()
        await exchange.body.drain()
        return response

    return Endpoint(PLATFORM, method, answer)


async def token_auth(call: Call) -> Response:
    """§4.1: ``username`` (e-mail or phone) and ``password`` → the account's one static token."""
    data = await call.data()
    fields = FieldErrors()
    username = fields.text(data, "username", required=True)
    password = fields.text(data, "password", required=True)
    fields.raise_any()
    account = call.world.find_login(username or "", password or "")
    if account is None:
        raise RutubeError(400, {"non_field_errors": [BAD_LOGIN]})
    token = call.world.token_for(account.userid)
    return JSONResponse({"token": token, "userid": account.userid})


async def profile(call: Call) -> Response:
    userid = call.exchange.request.path_params["userid"]
    if userid not in call.world.accounts:
        raise RutubeError.not_found()
    return JSONResponse(profile_json(call.world, userid, call.base_url))


def routes() -> list[BaseRoute]:
    def route(path: str, method: str, handler: Handler, verbs: list[str]) -> list[BaseRoute]:
        return routes_with_and_without_slash(path, endpoint(method, handler), verbs)

    video = "/api/video/{video_id}/"
    return [
        *route("/api/accounts/token_auth/", "token_auth", token_auth, ["POST", "PUT"]),
        *route("/api/video/", "video.create", videos.create, ["POST"]),
        *route("/api/video/category/", "video.category", videos.categories, ["GET"]),
        *route("/api/video/person/", "video.person", videos.own_videos, ["GET"]),
        *route("/api/video/person/{userid:int}/", "video.person", videos.person_videos, ["GET"]),
        *route("/api/video/publication/", "video.publication", videos.publication, ["POST"]),
        *route(f"{video}thumbnail/", "video.thumbnail", videos.thumbnail, ["POST"]),
        *route(video, "video.get", videos.get, ["GET"]),
        *route(video, "video.update", videos.update, ["PATCH", "PUT"]),
        *route(video, "video.delete", videos.delete, ["DELETE"]),
        *route("/api/numerator/video/{video_id}/vote", "numerator.vote", videos.votes, ["GET"]),
        *route("/api/profile/user/{userid:int}/", "profile.user", profile, ["GET"]),
    ]
