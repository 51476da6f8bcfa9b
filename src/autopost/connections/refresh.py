"""Refreshing a connection's tokens, one refresh at a time per connection.

VK ID rotates both tokens on every refresh and burns the old refresh token, so two workers that
refresh the same connection at once would leave one of them (and then the connection) with a dead
token. A shared cache lock serializes refreshes; whoever waited re-reads the row and uses the
tokens the winner stored. A failed or empty refresh never overwrites stored tokens.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import structlog
from django.core.cache import cache
from django.utils import timezone

from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.connections.service import mark_connection_expired
from autopost.observability import events
from autopost.observability.models import RefreshResult
from autopost.observability.refreshes import record_token_refresh
from autopost.platforms import get_provider
from autopost.platforms.base import Credentials
from autopost.platforms.errors import AuthExpired, PlatformError, TransientError

log = structlog.get_logger("autopost.connections.refresh")

LOCK_SECONDS = 60
WAIT_SECONDS = 30
# Refresh this long before the access token expires, so an upload never starts on a dying token.
REFRESH_AHEAD = timedelta(minutes=5)


def needs_refresh(connection: PlatformConnection) -> bool:
    return bool(
        connection.refresh_token_enc
        and connection.expires_at is not None
        and connection.expires_at - REFRESH_AHEAD <= timezone.now()
    )


class _Lock:
    def __init__(self, connection_id: int):
        self.key = f"autopost:refresh-lock:{connection_id}"
        self.token = uuid.uuid4().hex

    def __enter__(self):
        deadline = time.monotonic() + WAIT_SECONDS
        while not cache.add(self.key, self.token, LOCK_SECONDS):
            if time.monotonic() > deadline:
                raise TransientError("Обновление токена занято другим процессом", code="token_refresh_busy")
            time.sleep(0.1)
        return self

    def __exit__(self, *exc):
        if cache.get(self.key) == self.token:
            cache.delete(self.key)


def refresh_connection(connection: PlatformConnection) -> Credentials:
    """New credentials for ``connection`` (refreshed here or by a concurrent worker).

    Raises ``AuthExpired`` (and marks the connection expired) when the platform refuses the
    refresh, ``TransientError`` / ``RateLimited`` when it could not answer (nothing is changed).
    """
    seen_token = connection.get_credentials().access_token
    with _Lock(connection.pk):
        current = PlatformConnection.objects.get(pk=connection.pk)
        if current.status != ConnectionStatus.ACTIVE:
            raise AuthExpired()
        old = current.get_credentials()
        if old.access_token != seen_token and not needs_refresh(current):
            return old  # another worker refreshed while we waited
        provider = get_provider(current.platform)(old, current.target())
        context = {"connection_id": current.pk, "platform": current.platform}
        try:
            new = provider.refresh()
        except AuthExpired as exc:
            mark_connection_expired(current, "token_refresh_failed")
            record_token_refresh(current, RefreshResult.FAILED, exc.code)
            log.warning(events.TOKEN_REFRESH_FAILED, reason=exc.code, final=True, **context)
            raise AuthExpired(code="token_refresh_failed") from None
        except PlatformError as exc:
            record_token_refresh(current, RefreshResult.ERROR, exc.code)
            log.warning(events.TOKEN_REFRESH_FAILED, reason=exc.code, final=False, **context)
            raise
        if not new.access_token or (old.refresh_token and not new.refresh_token):
            mark_connection_expired(current, "token_refresh_failed")
            record_token_refresh(current, RefreshResult.FAILED, "empty_tokens")
            log.warning(events.TOKEN_REFRESH_FAILED, reason="empty_tokens", final=True, **context)
            raise AuthExpired(code="token_refresh_failed")
        current.set_credentials(new)
        # The lock makes this the only writer of the pair; the refresh token VK just burned is
        # replaced in the same statement as the access token.
        PlatformConnection.objects.filter(pk=current.pk).update(
            access_token_enc=current.access_token_enc,
            refresh_token_enc=current.refresh_token_enc,
            expires_at=current.expires_at,
            updated_at=timezone.now(),
        )
        record_token_refresh(current, RefreshResult.SUCCESS)
        log.info(events.TOKEN_REFRESH_SUCCESS, expires_at=str(new.expires_at), **context)
        return new
