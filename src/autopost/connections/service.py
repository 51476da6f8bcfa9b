"""Connecting and disconnecting platforms. Tokens are validated against the platform, then stored
encrypted; nothing here logs or returns a secret."""

from __future__ import annotations

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from autopost import ratelimit
from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.observability import events
from autopost.platforms import PLATFORMS, get_provider, is_available
from autopost.platforms.errors import PermanentError, PlatformError, RateLimited
from autopost.publishing.errors import NotFound, ServiceError

log = structlog.get_logger("autopost.connections")


def _check_connect_rate(user) -> None:
    if not ratelimit.hit(settings.CONNECT_RATE_PER_USER, "connect", str(user.pk)):
        raise ServiceError(
            "rate_limited",
            "Слишком много попыток подключения: попробуйте через час",
            status=429,
        )


def connect_platform(user, platform: str, **form: str) -> PlatformConnection:
    """Validate pasted credentials with the platform and save (or renew) the connection."""
    if platform not in PLATFORMS or not is_available(platform):
        raise ServiceError("platform_unavailable", "Эта платформа пока не поддерживается", status=404)
    _check_connect_rate(user)
    provider = get_provider(platform)
    try:
        info = provider.validate_credentials(**form)
    except RateLimited as exc:
        raise ServiceError(exc.code, exc.message, status=429) from None
    except PermanentError as exc:
        raise ServiceError(exc.code, exc.message) from None
    except PlatformError as exc:
        raise ServiceError(exc.code, exc.message, status=502) from None

    with transaction.atomic():
        connection = (
            PlatformConnection.objects.select_for_update()
            .exclude(status=ConnectionStatus.REVOKED)
            .filter(owner=user, platform=platform, target_id=info.target_id)
            .first()
        ) or PlatformConnection(owner=user, platform=platform, target_id=info.target_id)
        connection.account_id = info.account_id
        connection.account_name = info.account_name
        connection.target_name = info.target_name
        connection.target_url = info.target_url
        connection.options = {**connection.options, **info.options}
        connection.set_credentials(info.credentials)
        connection.status = ConnectionStatus.ACTIVE
        connection.status_reason = ""
        connection.save()
    log.info(
        events.PLATFORM_CONNECTED,
        user_id=user.pk,
        platform=platform,
        connection_id=connection.pk,
        target_id=connection.target_id,
    )
    return connection


def disconnect_platform(user, connection_id: int) -> PlatformConnection:
    """Revoke a connection: wipe its secrets, cancel its pending publications, revoke their jobs."""
    from autopost.publishing.service import cancel_pending_for_connection

    connection = PlatformConnection.objects.filter(owner=user, pk=connection_id).first()
    if connection is None or connection.status == ConnectionStatus.REVOKED:
        raise NotFound("Подключение не найдено")
    with transaction.atomic():
        PlatformConnection.objects.filter(pk=connection.pk).update(
            status=ConnectionStatus.REVOKED,
            status_reason="disconnected",
            access_token_enc="",
            refresh_token_enc="",
            updated_at=timezone.now(),
        )
    cancelled = cancel_pending_for_connection(connection.pk)
    connection.refresh_from_db()
    log.info(
        events.PLATFORM_DISCONNECTED,
        user_id=user.pk,
        platform=connection.platform,
        connection_id=connection.pk,
        cancelled_publications=cancelled,
    )
    return connection


def mark_connection_expired(connection: PlatformConnection, reason: str) -> None:
    PlatformConnection.objects.filter(pk=connection.pk, status=ConnectionStatus.ACTIVE).update(
        status=ConnectionStatus.EXPIRED, status_reason=reason[:255], updated_at=timezone.now()
    )
