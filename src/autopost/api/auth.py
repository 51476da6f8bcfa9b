"""Who is calling: an API token (integrators, the CLI) or a logged-in browser session (the UI).

Both resolve to the ``User``, so routers read ``request.auth`` the same way.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from autopost.accounts.models import ApiToken
from autopost.publishing.errors import ServiceError


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer <api token>``; only the token's SHA-256 is looked up."""

    def authenticate(self, request: HttpRequest, token: str):
        if not token:
            return None
        api_token = ApiToken.objects.authenticate(token.strip())
        return api_token.user if api_token else None


class SessionCsrfAuth(APIKeyCookie):
    """Django's session login, with CSRF enforced on unsafe methods.

    Unlike ninja's ``SessionAuth`` the CSRF check runs only once a session user is found: a client
    with neither a token nor a session gets 401, not a confusing CSRF 403.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked in authenticate, after we know it is a session

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise ServiceError(
                "csrf_failed",
                "Проверка CSRF не пройдена: обновите страницу или передайте заголовок X-CSRFToken",
                status=403,
            )
        return user


def api_auth() -> list:
    return [ApiTokenAuth(), SessionCsrfAuth()]
