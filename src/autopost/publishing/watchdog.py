"""The watchdog: due work that no worker claimed within ``AUTOPOST_WATCHDOG_SECONDS`` (default 120).

The sweeper repairs lost jobs; the watchdog says when repair is not enough (no worker running, a
queue nobody consumes, a sweeper that cannot enqueue). A publication is *unclaimed* when it is live,
was due at least that long ago, and holds no lease that ended less than that long ago: a lease
that just expired (a worker died mid-upload) makes the row due again from that moment.

Each stall is reported once: a ``PublicationEvent`` with reason ``unclaimed`` (from and to the
current status; the metrics count these rows), the log event ``publication_unclaimed``, and a
notification on the owner's page. The event also marks the stall as reported: as long as it is the
row's latest event, nothing happened since. A claim writes ``attempt_started``, so a later stall is
a new one and is reported again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from autopost.notifications import notices
from autopost.observability import events
from autopost.publishing.models import LIVE_STATUSES, Publication, PublicationEvent

log = structlog.get_logger("autopost.publishing.watchdog")

UNCLAIMED = "unclaimed"  # the PublicationEvent reason; autopost_watchdog_unclaimed_total counts it
BATCH = 500


def threshold() -> timedelta:
    return timedelta(seconds=settings.AUTOPOST_WATCHDOG_SECONDS)


def unclaimed_q(now: datetime | None = None) -> Q:
    """The condition itself, for filters and annotations (``ExpressionWrapper(unclaimed_q(), …)``)."""
    cutoff = (now or timezone.now()) - threshold()
    return Q(status__in=LIVE_STATUSES, next_attempt_at__lte=cutoff) & (
        Q(lease_until__isnull=True) | Q(lease_until__lte=cutoff)
    )


def is_unclaimed(publication: Publication, now: datetime | None = None) -> bool:
    """``unclaimed_q`` for one loaded row (a badge), without a query."""
    cutoff = (now or timezone.now()) - threshold()
    lease_until = publication.lease_until
    return (
        publication.status in LIVE_STATUSES
        and publication.next_attempt_at is not None
        and publication.next_attempt_at <= cutoff
        and (lease_until is None or lease_until <= cutoff)
    )


def unclaimed(queryset: QuerySet[Publication], now: datetime | None = None) -> QuerySet[Publication]:
    """Narrow ``queryset`` to publications that are unclaimed at ``now`` (the "delayed" badge)."""
    return queryset.filter(unclaimed_q(now))


def unclaimed_ids(publication_ids: Iterable[int], now: datetime | None = None) -> set[int]:
    """Which of ``publication_ids`` are unclaimed at ``now``: one query for a page of badges."""
    ids = list(publication_ids)
    if not ids:
        return set()
    return set(unclaimed(Publication.objects.filter(pk__in=ids), now).values_list("pk", flat=True))


def _latest_reason() -> Subquery:
    return Subquery(
        PublicationEvent.objects.filter(publication=OuterRef("pk")).order_by("-id").values("reason")[:1]
    )


def check_unclaimed(now: datetime | None = None) -> int:
    """Report every stall not reported yet; returns how many were reported now."""
    now = now or timezone.now()
    candidates = (
        unclaimed(Publication.objects.all(), now)
        .annotate(latest_reason=_latest_reason())
        .filter(Q(latest_reason__isnull=True) | ~Q(latest_reason=UNCLAIMED))  # SQL NULL ≠ anything
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    return sum(_report(publication_id, now) for publication_id in list(candidates))


def _report(publication_id: int, now: datetime) -> bool:
    with transaction.atomic():
        # Lock the row and look again: a worker may have claimed it, or another sweeper reported it.
        publication = (
            unclaimed(Publication.objects.select_for_update(of=("self",)), now)
            .filter(pk=publication_id)
            .select_related("clip__owner", "connection")
            .first()
        )
        if publication is None or _latest_reason_of(publication) == UNCLAIMED:
            return False
        due_at = max(publication.next_attempt_at, publication.lease_until or publication.next_attempt_at)
        event = PublicationEvent.objects.create(
            publication=publication,
            from_status=publication.status,
            to_status=publication.status,
            reason=UNCLAIMED,
            message=f"due since {due_at.isoformat()}",
            attempt=publication.attempts,
        )
        notices.publication_unclaimed(publication, event.pk, due_at)
    log.warning(
        events.PUBLICATION_UNCLAIMED,
        publication_id=publication.pk,
        platform=publication.platform,
        status=publication.status,
        due_at=due_at.isoformat(),
        late_s=round((now - due_at).total_seconds()),
    )
    return True


def _latest_reason_of(publication: Publication) -> str | None:
    return publication.events.order_by("-id").values_list("reason", flat=True).first()
