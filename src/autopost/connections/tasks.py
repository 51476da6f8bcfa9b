"""Periodic checks of connections whose credentials can die without notice (Дзен sessions)."""

import structlog
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.connections.service import mark_connection_expired, provider_for
from autopost.platforms.errors import AuthExpired, PlatformError

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
