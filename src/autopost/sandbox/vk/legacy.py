"""Legacy VK OAuth (``oauth.vk.com``) under ``/vk-oauth``: platform-apis.md §1.2.

- ``GET /authorize`` (``response_type=code`` or ``token``) shows the consent page; its form posts
  back with ``decision=allow|deny``. Code flow: ``redirect_uri?code=…&state=…``; implicit flow:
  ``redirect_uri#access_token=…&expires_in=…&user_id=…&state=…``.
- ``GET|POST /access_token`` exchanges the code with the app's ``client_secret``:
  ``{"access_token", "expires_in", "user_id"}``, ``expires_in`` 0 with ``offline``, else 86400.
  There are no refresh tokens.
- ``GET /blank.html``: the page an app without a site of its own redirects to.

Errors: ``invalid_client`` (wrong app or secret) is HTTP 401, ``invalid_grant`` /
``invalid_request`` HTTP 400.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from autopost.sandbox.vk.consent import consent_page
from autopost.sandbox.vk.endpoint import Exchange, VkEndpoint, fixed_key
from autopost.sandbox.vk.grants import (
    error_page,
    fault_answer,
    oauth_error,
    redirect_allowed,
    redirect_to,
    scope_string,
)
from autopost.sandbox.vk.vkid import read_fields, signed_in_user
from autopost.sandbox.vk.world import App, AuthCode, VkWorld, new_secret

HOST = "VK"
CODE_TTL_S = 3600
TOKEN_TTL_S = 86400
# Scope bits (python273/vk_api enums.VkUserPermissions).
SCOPE_BITS = {
    "notify": 1,
    "friends": 2,
    "photos": 4,
    "audio": 8,
    "video": 16,
    "stories": 64,
    "pages": 128,
    "status": 1024,
    "notes": 2048,
    "messages": 4096,
    "wall": 8192,
    "ads": 32768,
    "offline": 65536,
    "docs": 131072,
    "groups": 262144,
    "notifications": 524288,
    "stats": 1048576,
    "email": 4194304,
    "market": 134217728,
}


def parse_scope(raw: str) -> frozenset[str]:
    """Names separated by commas or spaces, or the sum of their bits."""
    raw = raw.strip()
    if raw.isdigit():
        mask = int(raw)
        return frozenset(name for name, bit in SCOPE_BITS.items() if mask & bit)
    return frozenset(name for name in raw.replace(",", " ").split() if name in SCOPE_BITS)


def blank_url(request: Request) -> str:
    return f"{str(request.base_url).rstrip('/')}/vk-oauth/blank.html"


def check_redirect(exchange: Exchange, fields: dict[str, str]) -> tuple[App, str]:
    app = exchange.world.apps.get(fields.get("client_id", ""))
    if app is None or app.secret is None:
        raise ValueError(f"Неизвестное приложение: client_id «{fields.get('client_id', '')}».")
    blank = blank_url(exchange.request)
    redirect_uri = fields.get("redirect_uri") or blank
    if redirect_uri != blank and not redirect_allowed(app, redirect_uri):
        raise ValueError(f"Адрес redirect_uri «{redirect_uri}» не разрешён для приложения.")
    return app, redirect_uri


async def authorize(exchange: Exchange) -> Response:
    world, method = exchange.world, exchange.request.method
    fields = await read_fields(exchange)
    if exchange.fault is not None:
        return fault_answer(exchange.fault)
    try:
        app, redirect_uri = check_redirect(exchange, fields)
    except ValueError as exc:
        return error_page(str(exc))
    implicit = fields.get("response_type", "code") == "token"
    state = fields.get("state", "")
    user = signed_in_user(world, fields, method)
    if user is None:
        return error_page("Нет такого пользователя VK.")
    scopes = parse_scope(fields.get("scope", ""))
    decision = fields.get("decision") if method == "POST" else None
    if decision == "deny":
        refused = {
            "error": "access_denied",
            "error_reason": "user_denied",
            "error_description": "User denied your request",
            "state": state,
        }
        return redirect_to(redirect_uri, refused, fragment=implicit)
    if decision != "allow":
        return consent_page(
            host=HOST,
            app=app,
            user=user,
            scopes=scope_string(scopes).split(),
            action=exchange.request.url.path,
            fields={**fields, "redirect_uri": redirect_uri},
        )
    if implicit:
        token = world.issue_token(
            "user", user.id, scopes, "legacy", ttl_s=_ttl(scopes), client_id=app.client_id
        )
        granted = {
            "access_token": token.value,
            "expires_in": str(_expires_in(scopes)),
            "user_id": str(user.id),
            "state": state,
        }
        return redirect_to(redirect_uri, granted, fragment=True)
    code = AuthCode(
        code=new_secret("", 18),
        client_id=app.client_id,
        redirect_uri=redirect_uri,
        user_id=user.id,
        scopes=scopes,
        expires_at=world.now() + CODE_TTL_S,
    )
    world.codes[code.code] = code
    return redirect_to(redirect_uri, {"code": code.code, "state": state})


def _ttl(scopes: frozenset[str]) -> int | None:
    return None if "offline" in scopes else TOKEN_TTL_S


def _expires_in(scopes: frozenset[str]) -> int:
    return _ttl(scopes) or 0


async def access_token(exchange: Exchange) -> Response:
    world: VkWorld = exchange.world
    fields = await read_fields(exchange)
    if exchange.fault is not None:
        return fault_answer(exchange.fault)
    app = world.apps.get(fields.get("client_id", ""))
    if app is None or app.secret is None or fields.get("client_secret") != app.secret:
        return oauth_error("invalid_client", "client_secret is incorrect", 401)
    if not fields.get("code"):
        return oauth_error("invalid_request", "code is undefined")
    code = world.codes.get(fields["code"])
    if (
        code is None
        or code.used
        or code.code_challenge
        or code.client_id != app.client_id
        or world.now() >= code.expires_at
    ):
        return oauth_error("invalid_grant", "Code is invalid or expired.")
    code.used = True
    if fields.get("redirect_uri", "") != code.redirect_uri:
        return oauth_error("invalid_grant", "redirect_uri is incorrect")
    token = world.issue_token(
        "user",
        code.user_id,
        code.scopes,
        "legacy",
        ttl_s=_ttl(code.scopes),
        client_id=app.client_id,
    )
    return JSONResponse(
        {
            "access_token": token.value,
            "expires_in": _expires_in(code.scopes),
            "user_id": code.user_id,
        }
    )


async def blank(request: Request) -> HTMLResponse:
    return HTMLResponse(
        '<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>OAuth Blank</title>'
        "</head><body><p>Пожалуйста, не копируйте данные из адресной строки для сторонних сайтов."
        "</p></body></html>"
    )


def routes() -> list[BaseRoute]:
    return [
        Route(
            "/authorize",
            VkEndpoint(authorize, fixed_key("vk-oauth/authorize")),
            methods=["GET", "POST"],
        ),
        Route(
            "/access_token",
            VkEndpoint(access_token, fixed_key("vk-oauth/access_token")),
            methods=["GET", "POST"],
        ),
        Route("/blank.html", blank, methods=["GET"]),
    ]
