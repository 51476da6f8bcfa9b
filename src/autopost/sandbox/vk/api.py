"""The VK API over HTTP: ``/vk/method/<name>``, GET or POST, query, form or multipart.

Checks run in this order: the version (error 8), the method name (3, case-sensitive), the token
(5 / 1117), the per-token rate (6), the token kind (27), the scope (15 or 7), then the method.
Every answer is HTTP 200: ``{"response": …}`` or ``{"error": {error_code, error_msg,
request_params}}`` (platform-apis.md §2.1); ``request_params`` never carries the token.
"""

from __future__ import annotations

import base64
import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from autopost.sandbox.body import FIELD_LIMIT, MalformedBody
from autopost.sandbox.vk.calls import (
    EXPIRED_AS_5,
    NO_TOKEN,
    NO_VERSION,
    OLD_VERSION,
    OLDEST_VERSION,
    Call,
    VkApiError,
    parse_version,
)
from autopost.sandbox.vk.endpoint import (
    Exchange,
    VkEndpoint,
    fixed_key,
    http_error_page,
    read_form,
)
from autopost.sandbox.vk.faults import VkFault
from autopost.sandbox.vk.methods import METHODS, Method
from autopost.sandbox.vk.upload import answer_upload
from autopost.sandbox.vk.world import Token, VkWorld

# A 1×1 grey PNG: the captcha image error 14 points at.
CAPTCHA_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg=="
)


def request_params(method: str, token: str, fields: dict[str, str]) -> list[dict]:
    """What VK echoes of a failed request: the method, ``oauth`` when a token came, then the
    parameters, ``v`` first."""
    params = [{"key": "method", "value": method}]
    if token:
        params.append({"key": "oauth", "value": "1"})
    if "v" in fields:
        params.append({"key": "v", "value": fields["v"]})
    params += [{"key": k, "value": v} for k, v in fields.items() if k != "v"]
    return params


def error_response(error: VkApiError, params: list[dict]) -> JSONResponse:
    body = {"error_code": error.code, "error_msg": error.message, "request_params": params}
    return JSONResponse({"error": {**body, **error.extra}})


def bearer_token(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def fault_error(fault: VkFault, base_url: str) -> VkApiError:
    """The API error an injected fault answers with."""
    if fault.kind == "rate_limit":
        return VkApiError(6)
    if fault.kind == "unauthorized":
        return VkApiError(5)
    if fault.error_code == 14:
        sid = str(secrets.randbelow(10**12))
        return VkApiError(
            14, captcha_sid=sid, captcha_img=f"{base_url}/vk/captcha.php?sid={sid}&s=1"
        )
    return VkApiError(fault.error_code)


def check_version(raw: str | None) -> tuple[int, int]:
    if not raw:
        raise VkApiError(8, NO_VERSION)
    version = parse_version(raw)
    if version is None or version < OLDEST_VERSION:
        raise VkApiError(8, OLD_VERSION)
    return version


def authenticate(world: VkWorld, value: str) -> Token:
    if not value:
        raise VkApiError(5, NO_TOKEN)
    token = world.token(value)
    if token is None:
        raise VkApiError(5)
    state = token.state(world.now())
    if state == "revoked":
        raise VkApiError(5)
    if state == "expired":
        code = world.config.expired_error_code
        raise VkApiError(code, EXPIRED_AS_5 if code == 5 else None)
    return token


def authorize(world: VkWorld, token: Token, method: Method) -> None:
    if not world.allow_call(token):
        raise VkApiError(6)
    if token.kind == "community" and not method.community_tokens:
        raise VkApiError(27)
    if method.scope and method.scope not in token.scopes:
        raise VkApiError(world.config.scope_error_code)


async def answer_method(exchange: Exchange) -> Response:
    request, world, fault = exchange.request, exchange.world, exchange.fault
    name = request.path_params["name"]
    if fault is not None and fault.kind in ("http_500", "http_502"):
        await exchange.body.drain()
        return http_error_page(int(fault.kind[-3:]))
    try:
        params = await read_form(exchange, FIELD_LIMIT)
    except MalformedBody as exc:
        return error_response(
            VkApiError(8, f"Invalid request: {exc}"), request_params(name, "", {})
        )
    fields = dict(params.fields)
    token_value = fields.pop("access_token", "").strip() or bearer_token(request)
    echoed = request_params(name, token_value, fields)
    try:
        if fault is not None:
            raise fault_error(fault, exchange.base_url)
        if params.too_large:
            raise VkApiError(8, "Invalid request: request is too large")
        version = check_version(fields.get("v"))
        method = METHODS.get(name)
        if method is None:
            raise VkApiError(3)
        token = authenticate(world, token_value)
        authorize(world, token, method)
        result = await method.handler(Call(world, token, fields, version, exchange.base_url))
    except VkApiError as error:
        return error_response(error, echoed)
    return JSONResponse({"response": result})


async def captcha_image(request: Request) -> Response:
    return Response(CAPTCHA_PNG, media_type="image/png")


def routes() -> list[BaseRoute]:
    upload_key = fixed_key("upload")
    return [
        Route(
            "/method/{name}",
            VkEndpoint(answer_method, lambda request: request.path_params["name"]),
            methods=["GET", "POST"],
        ),
        Route("/upload/{kind}.do", VkEndpoint(answer_upload, upload_key), methods=["POST"]),
        Route("/captcha.php", captcha_image, methods=["GET"]),
    ]
