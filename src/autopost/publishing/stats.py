"""Stats of published publications: when each is due, the collector, and per-clip totals.

Schedule (docs/architecture.md, "Stats"): the first refresh an hour after publishing, then
whenever the numbers are five hours old until the publication is 30 days old, then weekly until
90 days, then never. Five hours, not six, so that "stats younger than 30 days are never more than
six hours old" holds with an hour to spare for the collector's interval and rate-limit deferrals.

The collector runs on its own queue (``autopost.publishing.tasks``), one job per connection. It
yields to publishing: a connection whose account has a publication running or due is skipped
this round, and a rate limit (ours or the platform's) defers the rest of the batch instead of
waiting for it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.connections.refresh import needs_refresh, refresh_connection
from autopost.connections.service import provider_for
from autopost.observability import events
from autopost.observability.stats_syncs import record_stats_sync
from autopost.platforms import PLATFORMS, get_provider, is_available
from autopost.platforms.base import Stats
from autopost.platforms.errors import AuthExpired, PlatformError, RateLimited
from autopost.publishing.models import LIVE_STATUSES, Publication, StatsSnapshot, Status

log = structlog.get_logger("autopost.publishing.stats")

FIRST_REFRESH_AFTER = timedelta(hours=1)
RECENT_FOR = timedelta(days=30)
RECENT_REFRESH_EVERY = timedelta(hours=5)
OLDER_REFRESH_EVERY = timedelta(days=7)
STOP_AFTER = timedelta(days=90)

# Publications per fetch_stats call: VK's video.get takes 200 ids, so one call per batch there.
BATCH_SIZE = 200
# Publications one job refreshes; the rest stay due for the next round.
MAX_PER_JOB = 5000
# A publish attempt starting within this much time counts as "publishing now".
PUBLISH_LOOKAHEAD = timedelta(minutes=1)
# After an auth or permanent error, leave the connection alone this long.
FAILURE_PAUSE_S = 3600
LOCK_SECONDS = 15 * 60
COUNTERS = ("views", "likes", "comments", "reposts")


# --- schedule ---------------------------------------------------------------------------------
def next_refresh_at(published_at: datetime, stats_updated_at: datetime | None) -> datetime | None:
    """The earliest time a publication's stats become due; None once it is past refreshing.

    A 5-hour refresh missed before the 30-day mark is not made up: the weekly one follows.
    """
    if stats_updated_at is None:
        return published_at + FIRST_REFRESH_AFTER
    candidates = [
        at
        for at, until in (
            (stats_updated_at + RECENT_REFRESH_EVERY, published_at + RECENT_FOR),
            (stats_updated_at + OLDER_REFRESH_EVERY, published_at + STOP_AFTER),
        )
        if at < until
    ]
    return min(candidates, default=None)


def stats_platforms() -> list[str]:
    return [slug for slug in PLATFORMS if is_available(slug) and get_provider(slug).capabilities.stats]


def due_for_stats(now: datetime | None = None) -> QuerySet[Publication]:
    """Published publications whose stats are due at ``now`` (the database form of
    ``next_refresh_at``), on active connections of platforms that have stats."""
    now = now or timezone.now()
    return (
        Publication.objects.filter(
            status=Status.PUBLISHED,
            platform__in=stats_platforms(),
            connection__status=ConnectionStatus.ACTIVE,
            published_at__lte=now - FIRST_REFRESH_AFTER,
        )
        .exclude(remote_id="")
        .filter(
            Q(stats_updated_at__isnull=True)
            | Q(published_at__gt=now - RECENT_FOR, stats_updated_at__lte=now - RECENT_REFRESH_EVERY)
            | Q(published_at__gt=now - STOP_AFTER, stats_updated_at__lte=now - OLDER_REFRESH_EVERY)
        )
    )


def due_connection_ids(now: datetime | None = None) -> list[int]:
    """Connections with due stats that are not pausing after a rate limit or failure."""
    ids = sorted(set(due_for_stats(now).values_list("connection_id", flat=True)))
    paused = cache.get_many([_pause_key(pk) for pk in ids])
    return [pk for pk in ids if _pause_key(pk) not in paused]


# --- collector --------------------------------------------------------------------------------
@dataclass
class SyncResult:
    outcome: str  # ok | deferred | failed | skipped
    reason: str = ""
    requested: int = 0
    updated: int = 0
    missing: int = 0
    due: int = 0  # publications the job selected
    error: PlatformError | None = None  # what ended the job early


def refresh_connection_stats(connection_id: int) -> SyncResult:
    """Refresh the due stats of one connection, batch by batch; logs ``stats_sync_complete``."""
    lock = _key("stats-lock", connection_id)
    if not cache.add(lock, 1, LOCK_SECONDS):
        return SyncResult("skipped", "already_running")
    started = time.monotonic()
    connection = PlatformConnection.objects.filter(pk=connection_id).first()
    try:
        result = _refresh(connection) if connection else SyncResult("skipped", "no_connection")
    finally:
        cache.delete(lock)
    log.info(
        events.STATS_SYNC_COMPLETE,
        connection_id=connection_id,
        platform=connection.platform if connection else "",
        outcome=result.outcome,
        reason=result.reason,
        requested=result.requested,
        updated=result.updated,
        missing=result.missing,
        seconds=round(time.monotonic() - started, 3),
    )
    if connection:
        record_stats_sync(connection, result)
    return result


def _refresh(connection: PlatformConnection) -> SyncResult:
    if connection.status != ConnectionStatus.ACTIVE:
        return SyncResult("skipped", f"connection_{connection.status}")
    if not get_provider(connection.platform).capabilities.stats:
        return SyncResult("skipped", "stats_unavailable")
    if _paused(connection.pk):
        return SyncResult("deferred", "paused")
    result = SyncResult("ok")
    publications = list(
        due_for_stats()
        .filter(connection=connection)
        .order_by(F("stats_updated_at").asc(nulls_first=True), "pk")
        .only("pk", "remote_id", *COUNTERS)[:MAX_PER_JOB]
    )
    result.due = len(publications)
    try:
        provider = _provider(connection)
        for start in range(0, len(publications), BATCH_SIZE):
            batch = publications[start:start + BATCH_SIZE]
            if publishing_busy(connection):
                return _deferred(result, "publishing")
            stats = _fetch(connection, provider, [p.remote_id for p in batch])
            result.requested += len(batch)
            updated = save_stats(batch, stats, timezone.now())
            result.updated += updated
            result.missing += len(batch) - updated
    except RateLimited as exc:
        _pause(connection.pk, exc.retry_after_s)
        return _deferred(result, exc.code, exc)
    except AuthExpired as exc:
        _pause(connection.pk, FAILURE_PAUSE_S)
        return _failed(result, exc.code, exc)
    except PlatformError as exc:  # transient or not, the rows stay due and the next round retries
        return _failed(result, exc.code, exc)
    return result


def _provider(connection: PlatformConnection):
    if get_provider(connection.platform).capabilities.refresh and needs_refresh(connection):
        refresh_connection(connection)
        connection.refresh_from_db()
    return provider_for(connection)


def _fetch(connection: PlatformConnection, provider, remote_ids: list[str]) -> dict[str, Stats]:
    try:
        return provider.fetch_stats(remote_ids)
    except AuthExpired:
        if not get_provider(connection.platform).capabilities.refresh:
            raise
        # Once, like the publish path: refresh_connection marks the connection expired if refused.
        refresh_connection(connection)
        connection.refresh_from_db()
        return provider_for(connection).fetch_stats(remote_ids)


def _deferred(result: SyncResult, reason: str, error: PlatformError | None = None) -> SyncResult:
    result.outcome, result.reason, result.error = "deferred", reason, error
    return result


def _failed(result: SyncResult, reason: str, error: PlatformError) -> SyncResult:
    result.outcome, result.reason, result.error = "failed", reason, error
    return result


def save_stats(publications: list[Publication], stats: dict[str, Stats], taken_at: datetime) -> int:
    """Append a snapshot per publication the platform reported and copy it onto the publication.

    A publication the platform did not report (deleted there, or unknown) keeps its numbers but is
    marked checked, so it does not cost a call every round. Returns how many were reported.
    """
    reported = [p for p in publications if p.remote_id in stats]
    for publication in reported:
        counters = stats[publication.remote_id]
        for name in COUNTERS:
            value = getattr(counters, name)
            if value is not None:
                setattr(publication, name, value)
        publication.stats_updated_at = taken_at
    with transaction.atomic():
        StatsSnapshot.objects.bulk_create(
            [
                StatsSnapshot(
                    publication=p,
                    taken_at=taken_at,
                    **{name: getattr(stats[p.remote_id], name) for name in COUNTERS},
                )
                for p in reported
            ],
            batch_size=BATCH_SIZE,
        )
        Publication.objects.bulk_update(reported, [*COUNTERS, "stats_updated_at"], batch_size=BATCH_SIZE)
        unreported = [p.pk for p in publications if p.remote_id not in stats]
        Publication.objects.filter(pk__in=unreported).update(stats_updated_at=taken_at)
    return len(reported)


def publishing_busy(connection: PlatformConnection, now: datetime | None = None) -> bool:
    """Whether a publication that shares one of this connection's call windows is being
    published or is about to be: stats then wait, so they never take a slot publishing needs."""
    scopes = {scope for _, scope in get_provider(connection.platform).call_limits}
    if not scopes:
        return False
    now = now or timezone.now()
    sharing = Q()
    if "global" not in scopes:
        if "account" in scopes:
            sharing |= Q(connection__account_id=connection.account_id)
        if "target" in scopes:
            sharing |= Q(connection__target_id=connection.target_id)
    return (
        Publication.objects.filter(platform=connection.platform, status__in=LIVE_STATUSES)
        .filter(sharing)
        .filter(Q(lease_until__gt=now) | Q(next_attempt_at__lte=now + PUBLISH_LOOKAHEAD))
        .exists()
    )


def _key(kind: str, connection_id: int) -> str:
    # Namespaced like the rate-limit windows: these outlive a test database on a shared Redis.
    return f"{settings.HUEY['name']}:{kind}:{connection_id}"


def _pause_key(connection_id: int) -> str:
    return _key("stats-pause", connection_id)


def _pause(connection_id: int, seconds: float) -> None:
    cache.set(_pause_key(connection_id), 1, max(int(seconds + 0.999), 1))


def _paused(connection_id: int) -> bool:
    return cache.get(_pause_key(connection_id)) is not None


# --- totals (the API and the web UI) ----------------------------------------------------------
def totals_annotations(prefix: str = "publications__") -> dict[str, Sum]:
    """``Sum`` annotations of the latest counters of a clip's published publications, for a Clip
    queryset: ``Clip.objects.annotate(**totals_annotations())`` gives ``total_views``, …
    A total is None when no publication reported that counter."""
    published = Q(**{f"{prefix}status": Status.PUBLISHED})
    return {f"total_{name}": Sum(f"{prefix}{name}", filter=published) for name in COUNTERS}


def clip_totals(clip) -> dict[str, int | None]:
    """The latest counters of one clip summed across its platforms. Owner-agnostic: the caller
    decides who may see the clip."""
    totals = Publication.objects.filter(clip=clip).aggregate(**totals_annotations(prefix=""))
    return {name: totals[f"total_{name}"] for name in COUNTERS}
