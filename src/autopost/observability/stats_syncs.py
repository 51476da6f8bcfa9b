"""Recording stats jobs for ``autopost_stats_syncs_total`` and
``autopost_stats_refreshed_total``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from autopost.observability import totals
from autopost.observability.models import StatsSync, StatsSyncResult
from autopost.platforms.errors import AuthExpired, RateLimited

if TYPE_CHECKING:
    from autopost.connections.models import PlatformConnection
    from autopost.publishing.stats import SyncResult


def sync_result(result: SyncResult) -> StatsSyncResult | None:
    """The metric's result for a finished job; None for a job that did not ask the platform
    (skipped, or its connection still pausing after a rate limit)."""
    if result.error is not None:
        if isinstance(result.error, RateLimited):
            return StatsSyncResult.RATE_LIMITED
        if isinstance(result.error, AuthExpired):
            return StatsSyncResult.AUTH_FAILED
        return StatsSyncResult.ERROR
    if result.outcome == "ok":
        return StatsSyncResult.OK
    if result.outcome == "deferred" and result.reason == "publishing":
        return StatsSyncResult.DEFERRED
    return None


def record_stats_sync(connection: PlatformConnection, result: SyncResult) -> StatsSync | None:
    outcome = sync_result(result)
    if outcome is None:
        return None
    failed = result.due - result.requested if result.error is not None else 0
    with transaction.atomic():
        sync = StatsSync.objects.create(
            connection_id=connection.pk,
            platform=connection.platform,
            result=outcome,
            refreshed=result.updated,
            failed=max(failed, 0),
        )
        totals.add(totals.STATS_SYNCS, connection.platform, outcome)
        if result.updated:
            totals.add(totals.STATS_REFRESHED, connection.platform, amount=result.updated)
    return sync
