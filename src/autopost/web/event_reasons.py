"""A publication's event log in words a creator understands.

``PublicationEvent.reason`` is a machine code: a state-machine step (publishing/models.py,
service.py, watchdog.py) or, for a failure, the provider's error code (platforms/errors.py and each
adapter). Steps and the shared error codes get a short phrase; platform-specific error codes are
recognised by their suffix; anything else is shown as it is, beside the event's own message (which
providers already write in Russian).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from autopost.publishing.models import Status

UNCLAIMED = "unclaimed"  # publishing/watchdog.py's reason for a stall it reports

REASONS = {
    # State-machine steps.
    "publish_requested": _("Publishing was requested"),
    "scheduled": _("Scheduled for later"),
    "attempt_started": _("A worker started an attempt"),
    "published": _("The platform accepted the post"),
    "retry_scheduled": _("Temporary error: the next attempt is scheduled"),
    "rate_limited": _("The platform's rate limit: waiting, the attempt is not counted"),
    "cancelled_by_user": _("Cancelled by you"),
    "connection_disconnected": _("The platform was disconnected"),
    "manual_retry": _("Retried by you"),
    UNCLAIMED: _("No worker took it up in time; the operators are notified"),
    # Error codes shared by every platform.
    "token_expired": _("Access to the platform expired"),
    "invalid_grant": _("Access to the platform expired"),
    "connection_revoked": _("The platform was disconnected"),
    "clip_file_missing": _("The clip's file was not found"),
    "file_too_large": _("The file is too large for the platform"),
    "platform_rejected": _("The platform rejected the clip"),
    "platform_unavailable": _("The platform is temporarily unavailable"),
    "platform_timeout": _("The platform did not answer in time"),
    "platform_network_error": _("Network error on the way to the platform"),
    "platform_connection_error": _("Could not connect to the platform"),
    "platform_http_error": _("The platform answered with an error"),
    "rate_limited_locally": _("Waiting for the platform's rate-limit window"),
    "internal_error": _("Internal error; we will try again"),
}

# Platform-specific codes («vk_token_expired», «telegram_server_error», …) by what they end with.
SUFFIXES = (
    (("_token_expired", "_token_invalid", "_invalid_token", "_session_expired", "_refresh_expired"),
     _("Access to the platform expired")),
    (("_server_error", "_bad_reply"), _("The platform is temporarily unavailable")),
    (("_rate_limited", "_too_many_requests", "_flood_control"), _("The platform's rate limit")),
    (("_forbidden", "_no_post_rights", "_no_permission", "_not_group_admin", "_wall_denied"),
     _("No permission to post there")),
    (("_not_found", "_chat_not_found", "_video_gone"), _("The platform could not find the target")),
    (("_processing_failed", "_conversion_failed", "_upload_failed", "_upload_rejected"),
     _("The platform could not process the video")),
    (("_bad_request", "_rejected", "_wrong_file"), _("The platform rejected the clip")),
)

STATUS_WORDS = {
    Status.SCHEDULED: _("Scheduled"),
    Status.PUBLISHING: _("Publishing"),
    Status.PUBLISHED: _("Published"),
    Status.FAILED: _("Error"),
    Status.CANCELLED: _("Cancelled"),
}


def reason_text(code: str) -> str:
    if code in REASONS:
        return str(REASONS[code])
    for endings, text in SUFFIXES:
        if code.endswith(endings):
            return str(text)
    return code


def status_word(status: str) -> str:
    return str(STATUS_WORDS.get(status, status)) if status else ""


@dataclass(frozen=True)
class EventLine:
    """One row of the event log as the page shows it."""

    at: datetime
    from_word: str
    to_word: str
    reason: str
    code: str  # kept for the title attribute: support can match it against the logs
    attempt: int
    message: str
    link: str = ""  # the post's address for a «published» event
    moment: datetime | None = None  # a time the message names (scheduled for, due since)


def event_line(event) -> EventLine:
    message, link, moment = event.message, "", None
    if event.reason == "published" and message.startswith(("http://", "https://")):
        message, link = "", message
    elif event.reason in ("scheduled", UNCLAIMED):
        moment = _parse_moment(message.removeprefix("due since "))
        if moment is not None:
            message = ""
    return EventLine(
        at=event.created_at,
        from_word=status_word(event.from_status),
        to_word=status_word(event.to_status),
        reason=reason_text(event.reason),
        code=event.reason,
        attempt=event.attempt,
        message=message,
        link=link,
        moment=moment,
    )


def _parse_moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else None
