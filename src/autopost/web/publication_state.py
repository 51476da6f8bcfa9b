"""What a creator should read on a publication's badge, derived from its row.

The row's status alone is not enough: a publishing row without a lease and with a future
``next_attempt_at`` is waiting for its next attempt, and a due row nobody claimed for a while is
delayed. Both must be said plainly, with the time of the next attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from autopost.publishing.models import Status
from autopost.publishing.watchdog import is_unclaimed


@dataclass(frozen=True)
class DisplayState:
    key: str  # css suffix: scheduled, publishing, retrying, delayed, published, failed, cancelled
    label: str
    when: datetime | None = None  # the time the label refers to (scheduled, next attempt, published)
    reason: str = ""
    can_cancel: bool = False
    can_retry: bool = False

    @property
    def live(self) -> bool:
        """Still changing by itself: the page keeps polling while any badge is live."""
        return self.key in ("scheduled", "publishing", "retrying", "delayed")

    @property
    def poll_seconds(self) -> int:
        """How often the badge asks again: often while work runs or is about to, rarely while a
        publication waits for a time far ahead (a page may hold hundreds of scheduled badges)."""
        if self.key in ("scheduled", "retrying") and self.when is not None:
            if self.when - timezone.now() > timedelta(minutes=1):
                return 30
        return 3


def display_state(publication, now: datetime | None = None) -> DisplayState:
    now = now or timezone.now()
    status = publication.status
    leased = publication.lease_until is not None and publication.lease_until > now
    due_at = publication.next_attempt_at
    if status == Status.PUBLISHED:
        return DisplayState("published", _("Published"), when=publication.published_at)
    if status == Status.FAILED:
        return DisplayState("failed", _("Error"), reason=publication.last_error_message, can_retry=True)
    if status == Status.CANCELLED:
        return DisplayState("cancelled", _("Cancelled"))
    if is_unclaimed(publication, now):
        return DisplayState("delayed", _("Delayed"), when=due_at, reason=publication.last_error_message, can_cancel=True)
    if status == Status.SCHEDULED:
        return DisplayState("scheduled", _("Scheduled"), when=publication.scheduled_at or due_at, can_cancel=True)
    if not leased and due_at is not None and due_at > now and publication.attempts > 0:
        return DisplayState(
            "retrying", _("Retrying"), when=due_at, reason=publication.last_error_message, can_cancel=True
        )
    return DisplayState("publishing", _("Publishing"), can_cancel=not leased)
