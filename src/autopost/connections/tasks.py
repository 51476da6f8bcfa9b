"""Periodic checks of connections whose credentials can die without notice (Дзен sessions), or
will die before work scheduled on them."""

from datetime import datetime, timedelta

import structlog
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.connections.service import mark_connection_expired, provider_for
from autopost.notifications import notices
from autopost.platforms import get_provider
from autopost.platforms.errors import AuthExpired, PlatformError
from autopost.publishing.models import LIVE_STATUSES, Publication

log = structlog.get_logger("autopost.connections.tasks")
SESSION_PLATFORMS = ("dzen",)


def verify_sessions() -> dict[str, int]:
    """Ask the platform once per active session; an expired one is marked for the creator to renew."""
    counts = {"ok": 0, "expired": 0, "unknown": 0}
    for connection in PlatformConnection.objects.filter(platform__in=SESSION_PLATFORMS, status=ConnectionStatus.ACTIVE):
        try:
            provider_for(connection).verify()
        except AuthExpired:
            mark_connection_expired(connection, "session_expired")
            log.warning("session_expired", connection_id=connection.pk, platform=connection.platform)
            counts["expired"] += 1
        except PlatformError as exc:
            log.info("session_check_inconclusive", connection_id=connection.pk, reason=exc.code)
            counts["unknown"] += 1
        else:
            counts["ok"] += 1
    return counts


@db_periodic_task(crontab(hour="4", minute="17"))
def verify_sessions_daily() -> None:
    log.info("session_check_complete", **verify_sessions())


EXPIRY_LOOKAHEAD = timedelta(hours=24)


def _can_refresh(connection: PlatformConnection) -> bool:
    return bool(connection.refresh_token_enc) and get_provider(connection.platform).capabilities.refresh


def warn_expiring_connections(now: datetime | None = None) -> int:
    """Tell owners whose sign-in expires before a publication due within a day and cannot be
    refreshed (the worker refreshes the others itself). Once per connection and expiry time."""
    now = now or timezone.now()
    horizon = now + EXPIRY_LOOKAHEAD
    warned = 0
    expiring = PlatformConnection.objects.filter(
        status=ConnectionStatus.ACTIVE, expires_at__isnull=False, expires_at__lt=horizon
    ).select_related("owner")
    for connection in expiring:
        if _can_refresh(connection):
            continue
        first_hit = (
            Publication.objects.filter(connection=connection, status__in=LIVE_STATUSES)
            .filter(next_attempt_at__gt=max(connection.expires_at, now), next_attempt_at__lte=horizon)
            .select_related("clip")
            .order_by("next_attempt_at")
            .first()
        )
        if first_hit is not None and notices.connection_expiring(connection, first_hit):
            log.info("connection_expiry_warned", connection_id=connection.pk, publication_id=first_hit.pk)
            warned += 1
    return warned


@db_periodic_task(crontab(minute="23"))
def warn_expiring_connections_hourly() -> None:
    warn_expiring_connections()
