"""Publications: the database is the source of truth; the queue only carries ids.

States: scheduled → publishing → published | failed; scheduled → cancelled;
failed → publishing (manual retry). A publication waiting for its next retry stays ``publishing``
with ``next_attempt_at`` and ``last_error_*`` set and no lease.

Every status change goes through a method here that updates the row conditionally and writes a
``PublicationEvent``; views and tasks never assign ``status`` themselves.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from autopost.clips.models import Clip
from autopost.connections.models import PlatformConnection


class Status(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


LIVE_STATUSES = (Status.SCHEDULED, Status.PUBLISHING)


def cancellable_q(now: datetime) -> Q:
    """Rows a cancel (or a disconnect) may stop: scheduled, or waiting for a retry with no live
    lease; an attempt that is running finishes."""
    waiting = Q(status=Status.PUBLISHING) & (Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    return Q(status=Status.SCHEDULED) | waiting


class PublicationQuerySet(models.QuerySet):
    def owned_by(self, user) -> PublicationQuerySet:
        return self.filter(clip__owner=user)

    def live(self) -> PublicationQuerySet:
        return self.filter(status__in=LIVE_STATUSES)

    def due(self, now: datetime) -> PublicationQuerySet:
        """Rows a worker may claim now: due and not leased (or the lease expired)."""
        return self.filter(status__in=LIVE_STATUSES, next_attempt_at__lte=now).filter(
            Q(lease_until__isnull=True) | Q(lease_until__lt=now)
        )


class Publication(models.Model):
    clip = models.ForeignKey(Clip, on_delete=models.CASCADE, related_name="publications")
    connection = models.ForeignKey(
        PlatformConnection, on_delete=models.CASCADE, related_name="publications"
    )
    platform = models.CharField(max_length=16)  # denormalised from the connection for metrics
    status = models.CharField(max_length=16, choices=Status.choices)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    # When a worker should next take the row: the schedule time, now, or the next retry.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    lease_token = models.UUIDField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    job_id = models.CharField(max_length=64, blank=True, default="")
    enqueued_at = models.DateTimeField(null=True, blank=True)
    last_error_code = models.CharField(max_length=64, blank=True, default="")
    last_error_message = models.CharField(max_length=1000, blank=True, default="")
    remote_id = models.CharField(max_length=128, blank=True, default="")
    remote_url = models.URLField(max_length=500, blank=True, default="")
    checkpoint = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    views = models.BigIntegerField(null=True, blank=True)
    likes = models.BigIntegerField(null=True, blank=True)
    comments = models.BigIntegerField(null=True, blank=True)
    reposts = models.BigIntegerField(null=True, blank=True)
    stats_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Invariant 1: a double click or two racing requests cannot create two live rows.
            models.UniqueConstraint(
                fields=["clip", "connection"],
                condition=Q(status__in=["scheduled", "publishing"]),
                name="one_live_publication_per_clip_and_connection",
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["connection", "status"]),
            # Due stats (publishing/stats.py) were never read, or were published within 90 days:
            # an index for each arm of that OR (the second also serves the staleness metric).
            # Not led by status: SQLite without ANALYZE would then prefer them to (connection,
            # status) for a single connection's rows (docs/architecture.md).
            models.Index(fields=["stats_updated_at", "platform"], name="publication_stats_read_idx"),
            models.Index(fields=["published_at"], name="publication_published_at_idx"),
        ]

    def __str__(self) -> str:
        return f"Publication {self.pk} ({self.platform}, {self.status})"

    # --- transitions ------------------------------------------------------------------------
    def _transition(self, match: Q, to_status: str, reason: str, message: str = "", **values) -> bool:
        """Conditionally move this row to ``to_status``; record the event. False if it did not match."""
        now = timezone.now()
        from_status = self.status
        with transaction.atomic():
            updated = Publication.objects.filter(match, pk=self.pk).update(
                status=to_status, updated_at=now, **values
            )
            if updated:
                self.refresh_from_db()
                PublicationEvent.objects.create(
                    publication_id=self.pk,
                    from_status=from_status,
                    to_status=to_status,
                    reason=reason,
                    message=message[:1000],
                    attempt=self.attempts,
                )
        return bool(updated)

    def claim(self, lease_seconds: int) -> bool:
        """Take the row for one attempt (invariant 2). Exactly one concurrent caller wins."""
        now = timezone.now()
        token = uuid.uuid4()
        match = Q(status__in=LIVE_STATUSES, next_attempt_at__lte=now) & (
            Q(lease_until__isnull=True) | Q(lease_until__lt=now)
        )
        claimed = self._transition(
            match,
            Status.PUBLISHING,
            "attempt_started",
            lease_token=token,
            lease_until=now + timedelta(seconds=lease_seconds),
            attempts=F("attempts") + 1,
        )
        return claimed and self.lease_token == token

    def _ours(self) -> Q:
        return Q(status=Status.PUBLISHING, lease_token=self.lease_token)

    def renew_lease(self, lease_seconds: int) -> bool:
        return bool(
            Publication.objects.filter(self._ours(), pk=self.pk).update(
                lease_until=timezone.now() + timedelta(seconds=lease_seconds)
            )
        )

    def save_checkpoint(self, data: dict) -> bool:
        return bool(Publication.objects.filter(self._ours(), pk=self.pk).update(checkpoint=data))

    def mark_published(self, remote_id: str, url: str) -> bool:
        return self._transition(
            self._ours(),
            Status.PUBLISHED,
            "published",
            url,
            remote_id=remote_id,
            remote_url=url,
            published_at=timezone.now(),
            lease_token=None,
            lease_until=None,
            next_attempt_at=None,
            last_error_code="",
            last_error_message="",
        )

    def mark_failed(self, code: str, message: str) -> bool:
        return self._transition(
            self._ours(),
            Status.FAILED,
            code,
            message,
            last_error_code=code,
            last_error_message=message[:1000],
            lease_token=None,
            lease_until=None,
            next_attempt_at=None,
        )

    def schedule_retry(self, at: datetime, code: str, message: str, *, consume_attempt: bool = True) -> bool:
        """Release the lease and wait until ``at``; a rate-limit wait gives the attempt back."""
        return self._transition(
            self._ours(),
            Status.PUBLISHING,
            "retry_scheduled" if consume_attempt else "rate_limited",
            message,
            next_attempt_at=at,
            last_error_code=code,
            last_error_message=message[:1000],
            lease_token=None,
            lease_until=None,
            attempts=F("attempts") if consume_attempt else F("attempts") - 1,
        )

    def cancel(self, reason: str = "cancelled_by_user") -> bool:
        """Cancel a scheduled row, or one waiting for a retry (not while an attempt runs)."""
        return self._transition(
            cancellable_q(timezone.now()),
            Status.CANCELLED,
            reason,
            next_attempt_at=None,
            lease_token=None,
            lease_until=None,
        )

    def retry_now(self) -> bool:
        """Manual retry of a failed row: a fresh set of attempts, due now."""
        return self._transition(
            Q(status=Status.FAILED),
            Status.PUBLISHING,
            "manual_retry",
            next_attempt_at=timezone.now(),
            attempts=0,
            last_error_code="",
            last_error_message="",
        )


class PublicationEvent(models.Model):
    """Every state change of a publication, with time and reason."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=16, blank=True, default="")
    to_status = models.CharField(max_length=16)
    reason = models.CharField(max_length=64)
    message = models.CharField(max_length=1000, blank=True, default="")
    attempt = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]
        # The metrics count outcomes and retries by (to_status, reason) at every scrape.
        indexes = [models.Index(fields=["to_status", "reason"], name="event_to_status_reason_idx")]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status} ({self.reason})"


class StatsSnapshot(models.Model):
    """A publication's counters as the platform reported them at one refresh (a time series).

    The latest values are also copied onto the publication; a counter the platform did not report
    is null here and keeps its previous value there.
    """

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="stats_snapshots")
    taken_at = models.DateTimeField()
    views = models.BigIntegerField(null=True, blank=True)
    likes = models.BigIntegerField(null=True, blank=True)
    comments = models.BigIntegerField(null=True, blank=True)
    reposts = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["taken_at", "id"]
        indexes = [models.Index(fields=["publication", "taken_at"])]

    def __str__(self) -> str:
        return f"Stats of publication {self.publication_id} at {self.taken_at:%Y-%m-%d %H:%M}"
