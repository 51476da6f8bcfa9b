"""Pruning the rows behind the counters: token refreshes and stats syncs older than
``AUTOPOST_METRICS_RETENTION_DAYS``.

Nothing a scrape reports depends on these rows any more: their counters live in ``MetricTotal``
(added to when each row is written), and Prometheus computes every window itself. The rows stay a
while for people looking into a failure (which connection, which reason).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from autopost.observability.models import StatsSync, TokenRefresh

PRUNED = {"token_refreshes": TokenRefresh, "stats_syncs": StatsSync}
# Rows deleted per statement, so a long-neglected table is not deleted in one long transaction.
CHUNK = 5000


def prune_metric_rows(now: datetime | None = None) -> dict[str, int]:
    """Delete rows older than the retention; returns how many of each kind went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.METRICS_RETENTION_DAYS)
    return {name: _prune(model, cutoff) for name, model in PRUNED.items()}


def _prune(model, cutoff: datetime) -> int:
    deleted = 0
    while True:
        ids = list(model.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[:CHUNK])
        if not ids:
            return deleted
        deleted += model.objects.filter(pk__in=ids).delete()[0]
