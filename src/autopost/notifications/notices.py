"""The four things the owner is told about, worded once for the page and the e-mail.

The owner's language is not stored, so the text is written in the default language (Russian);
each builder names its event in the dedupe key, so calling it twice for one event tells once.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from autopost.notifications.models import Kind, Notification
from autopost.notifications.service import notify


def _when(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _target(connection) -> str:
    return f"{connection.get_platform_display()} «{connection.target_name or connection.target_id}»"


def _publications_url() -> str:
    # The publications page is newer than the clips page; fall back while it does not exist.
    for name in ("publications", "home"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/"


def publication_failed(publication) -> Notification | None:
    """A publication moved to ``failed``: it will not be tried again unless someone retries it."""
    failure = publication.events.order_by("-id").values_list("pk", flat=True).first()
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Publication to %(platform)s failed") % {
            "platform": publication.connection.get_platform_display()
        }
        body = _("«%(clip)s» was not published to %(target)s: %(error)s. You can retry it.") % {
            "clip": publication.clip.title,
            "target": _target(publication.connection),
            "error": (publication.last_error_message or publication.last_error_code).rstrip("."),
        }
    return notify(
        publication.clip.owner,
        Kind.PUBLICATION_FAILED,
        key=f"publication_failed:{publication.pk}:{failure}",
        title=title,
        body=body,
        url=_publications_url(),
        publication=publication,
        connection=publication.connection,
    )


def publication_unclaimed(publication, stall_event_id: int, due_at: datetime) -> Notification | None:
    """Due work nobody started: shown on the page only, since it usually resolves by itself."""
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Publication to %(platform)s is delayed") % {
            "platform": publication.connection.get_platform_display()
        }
        body = _(
            "«%(clip)s» to %(target)s was due at %(due)s but has not started yet. "
            "It will start as soon as a worker is free; the operators have been alerted."
        ) % {"clip": publication.clip.title, "target": _target(publication.connection), "due": _when(due_at)}
    return notify(
        publication.clip.owner,
        Kind.PUBLICATION_UNCLAIMED,
        key=f"publication_unclaimed:{stall_event_id}",
        title=title,
        body=body,
        url=_publications_url(),
        publication=publication,
        connection=publication.connection,
        email=False,
    )


def connection_expired(connection, expired_at: datetime) -> Notification | None:
    """The platform refused the connection's credentials: nothing publishes there until it is renewed."""
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(platform)s is disconnected: reconnect it") % {
            "platform": connection.get_platform_display()
        }
        body = _(
            "autopost can no longer publish to %(target)s: the platform no longer accepts its "
            "sign-in. Reconnect it on the Platforms page; publications to it fail until then."
        ) % {"target": _target(connection)}
    return notify(
        connection.owner,
        Kind.CONNECTION_EXPIRED,
        key=f"connection_expired:{connection.pk}:{expired_at.isoformat()}",
        title=title,
        body=body,
        url=reverse("settings"),
        connection=connection,
    )


def connection_expiring(connection, publication) -> Notification | None:
    """The token dies before a scheduled publication and cannot be refreshed: reconnect in time."""
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(platform)s sign-in expires before a scheduled publication") % {
            "platform": connection.get_platform_display()
        }
        body = _(
            "The sign-in for %(target)s expires at %(expires)s, before «%(clip)s» is published at "
            "%(when)s. Reconnect the platform before then, or the publication will fail."
        ) % {
            "target": _target(connection),
            "expires": _when(connection.expires_at),
            "clip": publication.clip.title,
            "when": _when(publication.next_attempt_at),
        }
    return notify(
        connection.owner,
        Kind.CONNECTION_EXPIRING,
        key=f"connection_expiring:{connection.pk}:{connection.expires_at.isoformat()}",
        title=title,
        body=body,
        url=reverse("settings"),
        publication=publication,
        connection=connection,
    )
