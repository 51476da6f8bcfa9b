"""What the owner is told: shown on the notifications page and, for most kinds, sent by e-mail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PUBLICATION_FAILED = "publication_failed", _("Publication failed")
    PUBLICATION_UNCLAIMED = "publication_unclaimed", _("Publication delayed")
    CONNECTION_EXPIRED = "connection_expired", _("Connection expired")
    CONNECTION_EXPIRING = "connection_expiring", _("Connection expires soon")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    # Stored as sent: the e-mail and the page show the same words (in the default language).
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True, default="")
    url = models.CharField(_("link"), max_length=500, blank=True, default="")
    publication = models.ForeignKey(
        "publishing.Publication", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    connection = models.ForeignKey(
        "connections.PlatformConnection", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # One notification per event: the same failure or stall reported twice is stored once.
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["owner", "dedupe_key"], name="one_notification_per_event")
        ]
        indexes = [models.Index(fields=["owner", "read_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def tone(self) -> str:
        """The status colour the badge borrows from the publication and connection badges."""
        return {
            Kind.PUBLICATION_FAILED: "failed",
            Kind.CONNECTION_EXPIRED: "expired",
            Kind.PUBLICATION_UNCLAIMED: "delayed",
            Kind.CONNECTION_EXPIRING: "retrying",
        }.get(self.kind, "scheduled")
