"""VK ID (``id.vk.com``) under ``/vk-id``: OAuth 2.1 with PKCE, platform-apis.md §1.1.

- ``GET /authorize`` checks the request and shows the consent page (``consent``); its form posts
  back to ``POST /authorize`` with ``decision=allow|deny``, which redirects to the app with
  ``code, state, device_id, type=code_v2, expires_in`` or ``error=access_denied``.
- ``POST /oauth2/auth`` (query and body merged, body wins) exchanges a one-time code
  (``authorization_code``) or rotates a refresh token (``refresh_token``: new access *and*
  refresh token, the old refresh token is burnt).
- ``POST /oauth2/user_info``, ``/oauth2/logout``, ``/oauth2/revoke`` take ``access_token``.

Errors are ``{"error", "error_description", "state"}`` with HTTP 400: the doc gives no status and
says the SDK fails on any body with ``error``, so the sandbox follows RFC 6749 §5.2 (400, which
also covers ``invalid_client`` when the client did not authenticate with a header). An unknown
app or redirect URI never redirects: the person gets an error page (RFC 6749 §4.1.2.1).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from autopost.sandbox.body import MalformedBody
from autopost.sandbox.vk.consent import consent_page
from autopost.sandbox.vk.endpoint import Exchange, VkEndpoint, fixed_key, read_form
from autopost.sandbox.vk.grants import (
    CHALLENGE,
    VERIFIER,
    OAuthPageError,
    error_page,
    fault_answer,
    id_token,
    oauth_error,
    redirect_allowed,
    redirect_to,
    s256,
    scope_string,
)
from autopost.sandbox.vk.world import (
    VK_ID_BASIC_SCOPES,
    App,
    AuthCode,
    RefreshGrant,
    User,
    VkWorld,
    new_secret,
)

HOST = "VK ID"


class AuthorizeRefused(Exception):
    """A request the app gets back as ``redirect_uri?error=…&error_description=…&state=…``."""

    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass
class AuthorizeRequest:
    app: App
    redirect_uri: str
    state: str
    code_challenge: str
    scopes: list[str]


async def read_fields(exchange: Exchange) -> dict[str, str]:
    """Query and form body merged (the body wins), as the SDK splits them (§1.1)."""
    try:
        return (await read_form(exchange, 0)).fields
    except MalformedBody:
        return {}


def check_authorize(world: VkWorld, fields: dict[str, str]) -> AuthorizeRequest:
    app = world.apps.get(fields.get("client_id", ""))
    if app is None or app.secret is not None:
        raise OAuthPageError(f"Неизвестное приложение: client_id «{fields.get('client_id', '')}».")
    redirect_uri = fields.get("redirect_uri", "")
    if not redirect_allowed(app, redirect_uri):
        raise OAuthPageError(f"Адрес redirect_uri «{redirect_uri}» не разрешён для приложения.")
    requested = fields.get("scope", "").replace(",", " ").split()
    request = AuthorizeRequest(
        app, redirect_uri, fields.get("state", ""), fields.get("code_challenge", ""), requested
    )
    if fields.get("response_type") != "code":
        raise AuthorizeRefused("invalid_request", "response_type must be code")
    if not request.state:
        raise AuthorizeRefused("invalid_request", "state is required")
    if fields.get("code_challenge_method", "").lower() != "s256":
        raise AuthorizeRefused("invalid_request", "code_challenge_method must be s256")
    if not CHALLENGE.fullmatch(request.code_challenge):
        raise AuthorizeRefused("invalid_request", "code_challenge is missing or malformed")
    return request


def granted_scopes(world: VkWorld, requested: list[str]) -> frozenset[str]:
    """VK ID always gives the basic profile; extended scopes only to an approved app (§1.1)."""
    scopes = {"vkid.personal_info", *requested}
    if not world.config.vk_id_extended_scopes:
        scopes &= VK_ID_BASIC_SCOPES
    return frozenset(scopes)


def signed_in_user(world: VkWorld, fields: dict[str, str], method: str) -> User | None:
    """Who consents: the person signed in, or (posting the form) the ``user_id`` it names."""
    user_id = fields.get("user_id", "") if method == "POST" else ""
    if user_id.isdigit():
        return world.users.get(int(user_id))
    return world.users.get(world.signed_in_user_id or 0)


async def authorize(exchange: Exchange) -> Response:
    world, method = exchange.world, exchange.request.method
    fields = await read_fields(exchange)
    try:
        request = check_authorize(world, fields)
        if exchange.fault is not None and exchange.fault.kind == "oauth_error":
            raise AuthorizeRefused(exchange.fault.oauth_error, "injected by the sandbox")
        if exchange.fault is not None:
            return fault_answer(exchange.fault)
    except OAuthPageError as exc:
        return error_page(str(exc))
    except AuthorizeRefused as refused:
        return refusal(fields, refused)
    user = signed_in_user(world, fields, method)
    if user is None:
        return error_page("Нет такого пользователя VK.")
    scopes = granted_scopes(world, request.scopes)
    decision = fields.get("decision") if method == "POST" else None
    if decision == "allow":
        return approve(world, request, user, scopes)
    if decision == "deny":
        return refusal(fields, AuthorizeRefused("access_denied", "User denied access"))
    return consent_page(
        host=HOST,
        app=request.app,
        user=user,
        scopes=scope_string(scopes).split(),
        action=exchange.request.url.path,
        fields=fields,
    )


def refusal(fields: dict[str, str], refused: AuthorizeRefused) -> Response:
    params = {"error": refused.error, "error_description": refused.description}
    return redirect_to(fields["redirect_uri"], {**params, "state": fields.get("state", "")})


def approve(
    world: VkWorld, request: AuthorizeRequest, user: User, scopes: frozenset[str]
) -> Response:
    ttl = world.config.vk_id_code_ttl_s
    code = AuthCode(
        code=new_secret("", 64),
        client_id=request.app.client_id,
        redirect_uri=request.redirect_uri,
        user_id=user.id,
        scopes=scopes,
        expires_at=world.now() + ttl,
        code_challenge=request.code_challenge,
        device_id=secrets.token_urlsafe(32),
    )
    world.codes[code.code] = code
    return redirect_to(
        request.redirect_uri,
        {
            "code": code.code,
            "state": request.state,
            "device_id": code.device_id,
            "type": "code_v2",
            "expires_in": str(ttl),
        },
    )


def issue_tokens(
    world: VkWorld, client_id: str, user_id: int, scopes: frozenset[str], device_id: str, state: str
) -> JSONResponse:
    config = world.config
    access = world.issue_token(
        "user", user_id, scopes, "vk_id", ttl_s=config.vk_id_access_ttl_s, client_id=client_id
    )
    refresh = RefreshGrant(
        value=new_secret("vk2.a."),
        client_id=client_id,
        device_id=device_id,
        user_id=user_id,
        scopes=scopes,
        expires_at=world.now() + config.vk_id_refresh_ttl_s,
        access_token=access.value,
    )
    world.refresh_grants[refresh.value] = refresh
    return JSONResponse(
        {
            "access_token": access.value,
            "refresh_token": refresh.value,
            "id_token": id_token(client_id, user_id, access.issued_at, access.expires_at or 0),
            "token_type": "Bearer",
            "expires_in": config.vk_id_access_ttl_s,
            "user_id": user_id,
            "state": state,
            "scope": scope_string(scopes),
        },
        headers={"Cache-Control": "no-store"},
    )


class GrantError(Exception):
    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error = error
        self.description = description


def required(fields: dict[str, str], *names: str) -> None:
    for name in names:
        if not fields.get(name):
            raise GrantError("invalid_request", f"{name} is required")


def exchange_code(world: VkWorld, fields: dict[str, str]) -> JSONResponse:
    required(fields, "code", "code_verifier", "device_id", "redirect_uri")
    if "code_challenge" in fields:
        raise GrantError("invalid_request", "code_verifier and code_challenge sent together")
    verifier = fields["code_verifier"]
    if not VERIFIER.fullmatch(verifier):
        raise GrantError("invalid_request", "code_verifier is malformed")
    code = world.codes.get(fields["code"])
    if code is None or code.used or not code.code_challenge:
        raise GrantError("invalid_grant", "code is invalid or already used")
    # One attempt per code, whatever its outcome (RFC 6749 §4.1.2).
    code.used = True
    checks = [
        (code.client_id == fields["client_id"], "code was issued to another client"),
        (world.now() < code.expires_at, "code has expired"),
        (code.redirect_uri == fields["redirect_uri"], "redirect_uri does not match"),
        (code.device_id == fields["device_id"], "device_id does not match"),
        (s256(verifier) == code.code_challenge, "code_verifier does not match code_challenge"),
    ]
    for passed, description in checks:
        if not passed:
            raise GrantError("invalid_grant", description)
    state = fields.get("state", "")
    return issue_tokens(world, code.client_id, code.user_id, code.scopes, code.device_id, state)


def refresh_tokens(world: VkWorld, fields: dict[str, str]) -> JSONResponse:
    required(fields, "refresh_token", "device_id")
    grant = world.refresh_grants.get(fields["refresh_token"])
    if grant is None or grant.used or grant.client_id != fields["client_id"]:
        raise GrantError("invalid_grant", "refresh_token is invalid or already used")
    if grant.device_id != fields["device_id"]:
        raise GrantError("invalid_grant", "device_id does not match")
    if world.now() >= grant.expires_at:
        raise GrantError("invalid_grant", "refresh_token has expired")
    grant.used = True
    state = fields.get("state", "")
    return issue_tokens(world, grant.client_id, grant.user_id, grant.scopes, grant.device_id, state)


async def token_endpoint(exchange: Exchange) -> Response:
    world = exchange.world
    fields = await read_fields(exchange)
    state = fields.get("state", "")
    if exchange.fault is not None:
        return fault_answer(exchange.fault, state=state)
    app = world.apps.get(fields.get("client_id", ""))
    try:
        if app is None or app.secret is not None:
            raise GrantError("invalid_client", "client_id is unknown")
        grant_type = fields.get("grant_type", "")
        if grant_type == "authorization_code":
            return exchange_code(world, fields)
        if grant_type == "refresh_token":
            return refresh_tokens(world, fields)
        raise GrantError(
            "invalid_request", "grant_type must be authorization_code or refresh_token"
        )
    except GrantError as error:
        return oauth_error(error.error, error.description, state=state)


def _token_of(exchange: Exchange, fields: dict[str, str]):
    """The live VK ID token in ``access_token`` and its app, or an error answer."""
    world = exchange.world
    app = world.apps.get(fields.get("client_id", ""))
    if app is None or app.secret is not None:
        return None, oauth_error("invalid_client", "client_id is unknown")
    token = world.token(fields.get("access_token", ""))
    if token is None or token.state(world.now()) != "valid" or token.kind != "user":
        # A resource-server answer (RFC 6750 §3.1): the token, not the request, is at fault.
        return None, oauth_error(
            "invalid_token", "access_token is missing, invalid or expired", 401
        )
    return token, None


async def user_info(exchange: Exchange) -> Response:
    fields = await read_fields(exchange)
    if exchange.fault is not None:
        return fault_answer(exchange.fault)
    token, failed = _token_of(exchange, fields)
    if failed is not None:
        return failed
    user = exchange.world.users[token.subject_id]
    info = {
        # VK ID writes the id of user_info as a string (the token endpoint's is a number).
        "user_id": str(user.id),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "avatar": "https://vk.com/images/camera_200.png",
    }
    if "email" in token.scopes:
        info["email"] = user.email
    if "phone" in token.scopes:
        info["phone"] = user.phone
    return JSONResponse({"user": info})


async def logout(exchange: Exchange) -> Response:
    """Ends this session: the access token and the refresh token issued with it."""
    fields = await read_fields(exchange)
    if exchange.fault is not None:
        return fault_answer(exchange.fault)
    token, failed = _token_of(exchange, fields)
    if failed is not None:
        return failed
    token.revoked = True
    for grant in exchange.world.refresh_grants.values():
        if grant.access_token == token.value:
            grant.used = True
    return JSONResponse({"response": 1})


async def revoke(exchange: Exchange) -> Response:
    """Takes back the app's access: every token and refresh token of this person for this app."""
    fields = await read_fields(exchange)
    if exchange.fault is not None:
        return fault_answer(exchange.fault)
    token, failed = _token_of(exchange, fields)
    if failed is not None:
        return failed
    world = exchange.world
    for other in world.tokens.values():
        if other.client_id == token.client_id and other.subject_id == token.subject_id:
            other.revoked = True
    for grant in world.refresh_grants.values():
        if grant.client_id == token.client_id and grant.user_id == token.subject_id:
            grant.used = True
    return JSONResponse({"response": 1})


def routes() -> list[BaseRoute]:
    def endpoint(path: str, handler) -> VkEndpoint:
        return VkEndpoint(handler, fixed_key(f"vk-id{path}"))

    return [
        Route("/authorize", endpoint("/authorize", authorize), methods=["GET", "POST"]),
        Route("/oauth2/auth", endpoint("/oauth2/auth", token_endpoint), methods=["POST"]),
        Route("/oauth2/user_info", endpoint("/oauth2/user_info", user_info), methods=["POST"]),
        Route("/oauth2/logout", endpoint("/oauth2/logout", logout), methods=["POST"]),
        Route("/oauth2/revoke", endpoint("/oauth2/revoke", revoke), methods=["POST"]),
    ]
