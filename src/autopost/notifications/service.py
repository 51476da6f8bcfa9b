"""Telling the owner: a stored notification for the page and, after commit, an e-mail.

Every notification carries a dedupe key naming the event it reports (a publication's failure, one
stall, one expiry), so a hook that runs twice for the same event tells the owner once.
"""

from __future__ import annotations

from functools import partial

import structlog
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from autopost.notifications.models import Kind, Notification

log = structlog.get_logger("autopost.notifications")


def notify(
    owner,
    kind: str,
    *,
    key: str,
    title: str,
    body: str,
    url: str = "",
    publication=None,
    connection=None,
    email: bool = True,
) -> Notification | None:
    """Store a notification for ``owner`` (and e-mail it after commit); None if already told."""
    notification, created = Notification.objects.get_or_create(
        owner=owner,
        dedupe_key=key[:200],
        defaults={
            "kind": kind,
            "title": title[:200],
            "body": body,
            "url": url,
            "publication": publication,
            "connection": connection,
        },
    )
    if not created:
        return None
    log.info("notification_created", notification_id=notification.pk, owner_id=owner.pk, kind=kind)
    if email and owner.email:
        transaction.on_commit(partial(send_notification_email, notification.pk))
    return notification


def send_notification_email(notification_id: int) -> bool:
    """Send one notification by e-mail; a mail server problem is logged, never raised to the caller.

    The caller is a worker finishing an attempt or a periodic check: neither should fail, or
    retry its own work, because an SMTP server is down.
    """
    notification = Notification.objects.select_related("owner").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        message = _email_text(notification)
    try:
        send_mail(notification.title, message, None, [notification.owner.email])
    except Exception as exc:  # smtplib, socket and SSL errors alike
        log.warning(
            "notification_email_failed",
            notification_id=notification.pk,
            error_type=type(exc).__name__,
        )
        return False
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


def _email_text(notification: Notification) -> str:
    parts = [notification.body]
    if notification.url:
        parts.append(f"{settings.PUBLIC_URL}{notification.url}")
    parts.append("—\n" + _("autopost: your notifications are at %(url)s") % {
        "url": f"{settings.PUBLIC_URL}{reverse('notifications')}"
    })
    return "\n\n".join(parts)


def unread_count(owner) -> int:
    return Notification.objects.filter(owner=owner).unread().count()


def mark_all_read(owner) -> int:
    return Notification.objects.filter(owner=owner).unread().update(read_at=timezone.now())


__all__ = ["Kind", "mark_all_read", "notify", "send_notification_email", "unread_count"]
