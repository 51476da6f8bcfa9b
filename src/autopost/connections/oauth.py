"""OAuth connect flows (VK ID): state and PKCE kept server-side, checked before any code exchange.

The state is random, lives in the shared cache for 5 minutes, is bound to the user and their
session, and opens exactly once. A forged, expired, reused or foreign state ends the flow with its
own message and no connection.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass

import structlog
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from autopost.connections.models import PlatformConnection
from autopost.connections.service import check_connect_rate, save_connection
from autopost.platforms import get_provider
from autopost.platforms.errors import AuthExpired, PermanentError, PlatformError
from autopost.publishing.errors import ServiceError

log = structlog.get_logger("autopost.connections.oauth")

STATE_TTL_SECONDS = 300
# Kept longer than it is valid, so an expired state can be told from a forged one.
STATE_MEMORY_SECONDS = 3600


def _key(state: str) -> str:
    return f"autopost:oauth:state:{hashlib.sha256(state.encode()).hexdigest()}"


def _used_key(state: str) -> str:
    return f"{_key(state)}:used"


def _session_fingerprint(request) -> str | None:
    """The browser session the flow is bound to; None when it was started with an API token."""
    if not request.user.is_authenticated:
        return None
    if not request.session.session_key:
        request.session.save()
    return hashlib.sha256(request.session.session_key.encode()).hexdigest()


def pkce_pair() -> tuple[str, str]:
    """A code verifier (43–128 chars of [A-Za-z0-9_-]) and its s256 challenge (§1.1)."""
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def redirect_uri(platform: str) -> str:
    return f"{settings.PUBLIC_URL}{reverse('oauth_callback', args=[platform])}"


def start_authorization(request, user, platform: str, *, reconnect_id: int | None = None) -> str:
    """Remember a fresh state + verifier for this user (and browser session); return the URL.

    An integrator that starts the flow with an API token has no session: the state is then bound
    to the user only, and the callback still requires that user to be signed in.
    """
    provider = get_provider(platform)
    if not provider.capabilities.oauth:
        raise ServiceError("oauth_unsupported", "Эта платформа подключается без OAuth", status=400)
    if platform == "vk" and not settings.VK_CLIENT_ID:
        raise ServiceError(
            "oauth_not_configured",
            "Вход через VK ID не настроен (AUTOPOST_VK_CLIENT_ID): вставьте токен пользователя VK",
            status=400,
        )
    check_connect_rate(user)
    state = secrets.token_urlsafe(32)
    verifier, challenge = pkce_pair()
    cache.set(
        _key(state),
        {
            "user_id": user.pk,
            "session": _session_fingerprint(request),
            "platform": platform,
            "verifier": verifier,
            "redirect_uri": redirect_uri(platform),
            "reconnect_id": reconnect_id,
            "expires_at": time.time() + STATE_TTL_SECONDS,
        },
        STATE_MEMORY_SECONDS,
    )
    return provider.authorize_url(state=state, code_challenge=challenge, redirect_uri=redirect_uri(platform))


@dataclass(frozen=True)
class CallbackProblem(Exception):
    code: str
    message: str


def _take_state(request, platform: str, state: str) -> dict:
    """The remembered state, consumed; or the specific reason it cannot be used."""
    if not state:
        raise CallbackProblem("oauth_state_missing", "Ответ VK без параметра state: подключение отменено")
    data = cache.get(_key(state))
    if data is None:
        if cache.get(_used_key(state)):
            raise CallbackProblem("oauth_state_reused", "Эта ссылка авторизации уже использована: начните подключение заново")
        raise CallbackProblem("oauth_state_invalid", "Ссылка авторизации недействительна: начните подключение заново")
    foreign_session = data["session"] is not None and data["session"] != _session_fingerprint(request)
    if data["user_id"] != request.user.pk or foreign_session or data["platform"] != platform:
        raise CallbackProblem("oauth_state_foreign", "Ссылка авторизации выдана не вам: начните подключение заново")
    # Single use: of two racing callbacks only the one that deletes the key goes on.
    if not cache.delete(_key(state)):
        raise CallbackProblem("oauth_state_reused", "Эта ссылка авторизации уже использована: начните подключение заново")
    cache.set(_used_key(state), True, STATE_MEMORY_SECONDS)
    if time.time() > data["expires_at"]:
        raise CallbackProblem("oauth_state_expired", "Время на подключение истекло (5 минут): начните заново")
    return data


def finish_authorization(request, platform: str, params) -> PlatformConnection:
    """Check the state, then exchange the code; raises ``CallbackProblem`` with what went wrong."""
    data = _take_state(request, platform, params.get("state", ""))
    if params.get("error"):
        if params["error"] == "access_denied":
            raise CallbackProblem("oauth_access_denied", "Вы отменили доступ в VK: подключение не создано")
        raise CallbackProblem("oauth_error", "VK отказал в доступе: попробуйте подключить ещё раз")
    code = params.get("code", "")
    if not code:
        raise CallbackProblem("oauth_code_missing", "Ответ VK без кода авторизации: попробуйте ещё раз")
    try:
        info = get_provider(platform).exchange_code(
            code=code,
            code_verifier=data["verifier"],
            redirect_uri=data["redirect_uri"],
            state=params.get("state", ""),
            device_id=params.get("device_id", ""),
        )
    except AuthExpired:
        raise CallbackProblem("oauth_invalid_grant", "Код авторизации VK устарел или уже использован: подключите ещё раз") from None
    except PermanentError as exc:
        raise CallbackProblem(exc.code, exc.message) from None
    except PlatformError as exc:
        raise CallbackProblem(exc.code, f"VK не ответил: {exc.message}. Попробуйте ещё раз") from None
    return save_connection(request.user, platform, info, reconnect_id=data.get("reconnect_id"))
