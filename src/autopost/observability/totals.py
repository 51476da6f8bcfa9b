"""Cumulative counters kept in ``MetricTotal`` rows, one per series.

A row that a counter counts (a token refresh, a stats sync) is written together with the addition
to its totals, in one transaction: the counter is then exactly the number of rows ever written,
whatever has been pruned since, and every process reads the same value.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F

from autopost.observability.models import MetricTotal

TOKEN_REFRESHES = "token_refreshes"
STATS_SYNCS = "stats_syncs"
STATS_REFRESHED = "stats_refreshed"


def add(metric: str, platform: str, result: str = "", amount: int = 1) -> None:
    """Add ``amount`` to one series; call it inside the transaction that writes what it counts."""
    series = MetricTotal.objects.filter(metric=metric, platform=platform, result=result)
    if series.update(value=F("value") + amount):
        return
    # The first addition to this series. A racing first addition makes this insert a no-op (the
    # unique constraint), and the update then adds to the row the other one created.
    MetricTotal.objects.bulk_create(
        [MetricTotal(metric=metric, platform=platform, result=result)], ignore_conflicts=True
    )
    series.update(value=F("value") + amount)


def read(metrics: Iterable[str]) -> dict[tuple[str, str, str], int]:
    """``{(metric, platform, result): value}`` of every series of these metrics, in one query."""
    rows = MetricTotal.objects.filter(metric__in=list(metrics)).values_list(
        "metric", "platform", "result", "value"
    )
    return {(metric, platform, result): value for metric, platform, result, value in rows}
