"""The aggregate queries behind /metrics: one snapshot of shared state per scrape.

Each group is one query with conditional aggregation (``COUNT(*) FILTER (WHERE …)`` on PostgreSQL,
``CASE`` on SQLite), grouped by platform; series are zero-filled so rates and alerts see every
platform from the first scrape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import (
    Count,
    DateTimeField,
    F,
    FloatField,
    Func,
    Max,
    Min,
    Q,
    Sum,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from autopost.connections.models import ConnectionStatus
from autopost.observability import totals
from autopost.observability.models import RefreshResult, StatsSyncResult, WorkerHeartbeat
from autopost.platforms import PLATFORMS, get_provider, is_available
from autopost.publishing.models import LIVE_STATUSES, Publication, PublicationEvent, Status

# Seconds; from "right away" to "the last retry of the default schedule has run".
LATENCY_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 3 * 3600, 24 * 3600)
RECENT = timedelta(hours=24)
STATS_WINDOW = timedelta(days=30)
# PublicationEvent reason → the retries metric's "kind" label.
RETRY_REASONS = {
    "retry_scheduled": "scheduled",
    "rate_limited": "rate_limited",
    "manual_retry": "manual",
}
UNCLAIMED_REASON = "unclaimed"  # written by the watchdog


@dataclass
class EventCounts:
    published: int = 0
    failed: int = 0
    first_attempt: int = 0
    recent_outcomes: int = 0
    recent_first_attempt: int = 0
    retries: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(RETRY_REASONS.values(), 0)
    )
    unclaimed: int = 0


@dataclass
class Histogram:
    buckets: list[tuple[float, int]]  # cumulative: (upper bound in seconds, count)
    count: int = 0
    sum_seconds: float = 0.0


@dataclass
class Snapshot:
    by_status: dict[tuple[str, str], int]
    events: dict[str, EventCounts]
    latency: dict[str, Histogram]
    refreshes: dict[tuple[str, str], int]
    stats_syncs: dict[tuple[str, str], int]
    stats_refreshed: dict[str, int]
    queues: dict[str, tuple[int, int]]
    unclaimed: int
    oldest_unclaimed_seconds: float
    stats_staleness: dict[str, float]
    heartbeat_age_seconds: float | None
    workers: int


def take_snapshot() -> Snapshot:
    now = timezone.now()
    unclaimed, oldest = unclaimed_publications(now)
    heartbeat_age, workers = worker_heartbeats(now)
    refreshes, syncs, refreshed = counter_totals()
    return Snapshot(
        by_status=publications_by_status(),
        events=event_counts(now),
        latency=publish_latency(),
        refreshes=refreshes,
        stats_syncs=syncs,
        stats_refreshed=refreshed,
        queues=queue_depths(),
        unclaimed=unclaimed,
        oldest_unclaimed_seconds=oldest,
        stats_staleness=stats_staleness(now),
        heartbeat_age_seconds=heartbeat_age,
        workers=workers,
    )


def publications_by_status() -> dict[tuple[str, str], int]:
    counts = {(platform, status): 0 for platform in PLATFORMS for status in Status.values}
    for row in Publication.objects.order_by().values("platform", "status").annotate(n=Count("id")):
        counts[(row["platform"], row["status"])] = row["n"]
    return counts


def event_counts(now: datetime) -> dict[str, EventCounts]:
    outcome = Q(to_status__in=[Status.PUBLISHED, Status.FAILED])
    # Retries move a row to publishing; the watchdog writes its report at the live status the row
    # has. Naming to_status in both arms lets the (to_status, reason) index serve the whole filter.
    retry = Q(to_status=Status.PUBLISHING)
    unclaimed = Q(to_status__in=LIVE_STATUSES, reason=UNCLAIMED_REASON)
    first = Q(to_status=Status.PUBLISHED, attempt=1)
    recent = Q(created_at__gte=now - RECENT)
    aggregates = {
        "published": Count("id", filter=Q(to_status=Status.PUBLISHED)),
        "failed": Count("id", filter=Q(to_status=Status.FAILED)),
        "first_attempt": Count("id", filter=first),
        "recent_outcomes": Count("id", filter=outcome & recent),
        "recent_first_attempt": Count("id", filter=first & recent),
        "unclaimed": Count("id", filter=unclaimed),
        **{
            f"retry_{kind}": Count("id", filter=retry & Q(reason=reason))
            for reason, kind in RETRY_REASONS.items()
        },
    }
    counts = {platform: EventCounts() for platform in PLATFORMS}
    rows = (
        PublicationEvent.objects.order_by()
        .filter(outcome | (retry & Q(reason__in=RETRY_REASONS)) | unclaimed)
        .values(platform=F("publication__platform"))
        .annotate(**aggregates)
    )
    for row in rows:
        retries = {kind: row[f"retry_{kind}"] for kind in RETRY_REASONS.values()}
        counts[row["platform"]] = EventCounts(
            retries=retries, **{k: row[k] for k in aggregates if not k.startswith("retry_")}
        )
    return counts


class SecondsBetween(Func):
    """``later - earlier`` in seconds, in the database's own arithmetic.

    Django's portable datetime arithmetic runs as Python functions on SQLite (3.2 s for 20,000
    published rows and a dozen buckets, measured); ``julianday`` (millisecond precision) and
    ``EXTRACT(EPOCH …)`` are native (0.2 s for the same rows).
    """

    arity = 2
    arg_joiner = " - "
    template = "EXTRACT(EPOCH FROM (%(expressions)s))::double precision"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def _latency_seconds() -> SecondsBetween:
    """Publish latency: from when the job became runnable (its enqueue, or its scheduled time
    if later) to ``published_at``."""
    start = Greatest(
        Coalesce("enqueued_at", "created_at"),
        Coalesce("scheduled_at", "created_at"),
        output_field=DateTimeField(),
    )
    return SecondsBetween("published_at", start)


def publish_latency() -> dict[str, Histogram]:
    aggregates = {
        f"le_{i}": Count("id", filter=Q(latency__lte=bound))
        for i, bound in enumerate(LATENCY_BUCKETS)
    }
    aggregates["total"] = Count("id")
    aggregates["sum"] = Sum("latency")
    histograms = {
        platform: Histogram(buckets=[(bound, 0) for bound in LATENCY_BUCKETS])
        for platform in PLATFORMS
    }
    rows = (
        Publication.objects.order_by()
        .filter(status=Status.PUBLISHED, published_at__isnull=False)
        .alias(latency=_latency_seconds())
        .values("platform")
        .annotate(**aggregates)
    )
    for row in rows:
        histograms[row["platform"]] = Histogram(
            buckets=[(bound, row[f"le_{i}"]) for i, bound in enumerate(LATENCY_BUCKETS)],
            count=row["total"],
            sum_seconds=max(float(row["sum"] or 0.0), 0.0),
        )
    return histograms


Series = dict[tuple[str, str], int]


def counter_totals() -> tuple[Series, Series, dict[str, int]]:
    """Token refreshes by (platform, result), stats syncs by (platform, result) and refreshed
    publications by platform: cumulative totals kept as the rows are written (``totals.py``)."""
    refreshable = [slug for slug in PLATFORMS if _capable(slug, "refresh")]
    with_stats = [slug for slug in PLATFORMS if _capable(slug, "stats")]
    refreshes = {(p, result): 0 for p in refreshable for result in RefreshResult.values}
    syncs = {(p, result): 0 for p in with_stats for result in StatsSyncResult.values}
    refreshed = dict.fromkeys(with_stats, 0)
    for (metric, platform, result), value in totals.read(
        [totals.TOKEN_REFRESHES, totals.STATS_SYNCS, totals.STATS_REFRESHED]
    ).items():
        if metric == totals.TOKEN_REFRESHES:
            refreshes[(platform, result)] = value
        elif metric == totals.STATS_SYNCS:
            syncs[(platform, result)] = value
        else:
            refreshed[platform] = value
    return refreshes, syncs, refreshed


def queue_depths() -> dict[str, tuple[int, int]]:
    from autopost.observability.queues import queues

    return {name: (huey.pending_count(), huey.scheduled_count()) for name, huey in queues().items()}


def unclaimed_publications(now: datetime) -> tuple[int, float]:
    """Due rows no worker holds; a row whose lease expired has waited since the lease ended."""
    waiting_since = Greatest(
        "next_attempt_at", Coalesce("lease_until", "next_attempt_at"), output_field=DateTimeField()
    )
    row = Publication.objects.due(now).aggregate(n=Count("id"), oldest=Min(waiting_since))
    oldest = (now - row["oldest"]).total_seconds() if row["oldest"] else 0.0
    return row["n"], max(oldest, 0.0)


def stats_staleness(now: datetime) -> dict[str, float]:
    """Per stats platform: how old the stalest numbers of a recent publication are.

    A publication whose stats were never read counts from its publication time. Connections
    that are expired or disconnected are left out: nobody can read their stats until the
    creator reconnects, and the stats collector skips them too.
    """
    platforms = [slug for slug in PLATFORMS if _capable(slug, "stats")]
    staleness = dict.fromkeys(platforms, 0.0)
    rows = (
        Publication.objects.order_by()
        .filter(status=Status.PUBLISHED, platform__in=platforms)
        .filter(published_at__gte=now - STATS_WINDOW, connection__status=ConnectionStatus.ACTIVE)
        .values("platform")
        .annotate(oldest=Min(Coalesce("stats_updated_at", "published_at")))
    )
    for row in rows:
        staleness[row["platform"]] = max((now - row["oldest"]).total_seconds(), 0.0)
    return staleness


def worker_heartbeats(now: datetime) -> tuple[float | None, int]:
    fresh = now - timedelta(seconds=settings.READY_HEARTBEAT_SECONDS)
    row = WorkerHeartbeat.objects.aggregate(
        newest=Max("beat_at"), alive=Count("id", filter=Q(beat_at__gte=fresh))
    )
    age = max((now - row["newest"]).total_seconds(), 0.0) if row["newest"] else None
    return age, row["alive"]


def _capable(slug: str, capability: str) -> bool:
    return is_available(slug) and getattr(get_provider(slug).capabilities, capability)
