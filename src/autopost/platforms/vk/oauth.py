"""VK ID: the authorize URL, the code exchange and the refresh (docs/platform-apis.md §1.1).

``POST {VK_OAUTH_URL}/oauth2/auth`` takes every parameter in the form body (the server merges
query and body; the body keeps the code, verifier and refresh token out of URLs and logs).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import httpx
import structlog
from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from autopost.platforms.base import Credentials
from autopost.platforms.errors import AuthExpired, PermanentError, TransientError
from autopost.platforms.http import build_client, translate_errors

log = structlog.get_logger("autopost.platforms.vk")

PLATFORM_LABEL = "VK ID"
SCOPE = "vkid.personal_info video wall groups"
INVALID_GRANT = "invalid_grant"
# OAuth 2.1 error names that get their own stable code; anything else is "vk_oauth_error".
KNOWN_ERRORS = frozenset(
    {"invalid_request", "invalid_client", "unauthorized_client", "unsupported_grant_type",
     "invalid_scope", "access_denied"}
)


class Token(BaseModel):  # §1.1 token response
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    access_token: str = Field(min_length=1)
    refresh_token: str = Field(min_length=1)
    expires_in: int
    user_id: int
    state: str | None = None
    scope: str = ""

    def __repr__(self) -> str:
        return f"Token(user_id={self.user_id}, expires_in={self.expires_in}, <tokens hidden>)"

    __str__ = __repr__

    def credentials(self) -> Credentials:
        expires_at = datetime.now(UTC) + timedelta(seconds=self.expires_in)
        return Credentials(self.access_token, self.refresh_token, expires_at)


def not_configured() -> PermanentError:
    return PermanentError(
        "vk_oauth_not_configured",
        "Вход через VK ID не настроен (AUTOPOST_VK_CLIENT_ID): вставьте токен пользователя VK",
    )


def authorize_url(*, state: str, code_challenge: str, redirect_uri: str) -> str:
    """§1.1 Authorize: the PKCE challenge with the literal method ``s256``."""
    if not settings.VK_CLIENT_ID:
        raise not_configured()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": settings.VK_CLIENT_ID,
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "s256",
            "scope": SCOPE,
        }
    )
    return f"{settings.VK_OAUTH_URL}/authorize?{query}"


def exchange_code(*, code: str, code_verifier: str, redirect_uri: str, state: str,
                  device_id: str, transport: httpx.BaseTransport | None = None) -> Token:
    """§1.1 Exchange. ``invalid_grant`` (code expired or used, wrong verifier) → ``AuthExpired``."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "code_verifier": code_verifier,
        "client_id": settings.VK_CLIENT_ID,
        "device_id": device_id,
        "redirect_uri": redirect_uri,
        "state": state,
    }
    expired = AuthExpired(
        "Код авторизации VK истёк или уже использован: подключите VK ещё раз",
        code="vk_code_expired",
    )
    token = _post(form, transport, expired=expired, missing=None)
    if token.state is not None and token.state != state:
        raise PermanentError("vk_state_mismatch", "VK ID вернул чужой state: подключите VK ещё раз")
    return token


def refresh(*, refresh_token: str, device_id: str,
            transport: httpx.BaseTransport | None = None) -> Token:
    """§1.1 Refresh: both tokens rotate. Refused or tokenless replies → ``AuthExpired``."""
    expired = AuthExpired("Сессия VK истекла: подключите VK заново", code="vk_refresh_expired")
    if not refresh_token or not device_id:
        raise expired
    form = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": settings.VK_CLIENT_ID,
        "device_id": device_id,
        "state": secrets.token_urlsafe(16),
    }
    return _post(form, transport, expired=expired, missing=expired)


def _post(form: dict[str, str], transport, *, expired: AuthExpired,
          missing: AuthExpired | None) -> Token:
    if not settings.VK_CLIENT_ID:
        raise not_configured()
    grant = form["grant_type"]
    with build_client(settings.VK_OAUTH_URL, transport=transport) as http, \
            translate_errors(PLATFORM_LABEL):
        response = http.post("/oauth2/auth", data=form)
    status = response.status_code
    if status >= 500:
        log.warning("vk_oauth_server_error", grant_type=grant, status=status)
        raise TransientError(f"VK ID временно недоступен (HTTP {status})",
                             code="vk_oauth_unavailable")
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        # Only known error names reach logs and messages: a server's free text might echo input.
        name = body["error"] if body["error"] in KNOWN_ERRORS | {INVALID_GRANT} else "error"
        log.info("vk_oauth_error", grant_type=grant, status=status, error=name)
        if name == INVALID_GRANT:
            raise expired
        raise PermanentError(
            f"vk_oauth_{name}",
            f"VK ID отказал ({name}): подключите VK ещё раз или проверьте настройки приложения",
        )
    if status == 200 and isinstance(body, dict):
        try:
            return Token.model_validate(body)
        except ValidationError:
            if missing is not None:  # a refresh that yields no tokens is a refusal
                log.warning("vk_oauth_no_tokens", grant_type=grant)
                raise missing from None
    log.warning("vk_oauth_bad_reply", grant_type=grant, status=status)
    raise TransientError("VK ID вернул непонятный ответ", code="vk_oauth_bad_reply")
