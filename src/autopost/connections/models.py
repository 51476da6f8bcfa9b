from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from autopost import crypto
from autopost.platforms import platform_choices
from autopost.platforms.base import Credentials, Target


class ConnectionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Token expired")
    REVOKED = "revoked", _("Disconnected")


class PlatformConnection(models.Model):
    """A creator's account on a platform and the target (channel, page, community) to post to.

    Secrets live only in the ``*_enc`` columns, encrypted with ``autopost.crypto``; they are
    decrypted by the worker at the moment of use and never rendered back.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="connections"
    )
    platform = models.CharField(max_length=16, choices=platform_choices())
    account_id = models.CharField(max_length=64, blank=True, default="")
    account_name = models.CharField(max_length=255, blank=True, default="")
    target_id = models.CharField(max_length=64)
    target_name = models.CharField(max_length=255, blank=True, default="")
    target_url = models.CharField(max_length=500, blank=True, default="")
    access_token_enc = models.TextField(blank=True, default="")
    refresh_token_enc = models.TextField(blank=True, default="")
    # Non-secret platform settings (channel username, device_id, publish mode...).
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=16, choices=ConnectionStatus.choices, default=ConnectionStatus.ACTIVE
    )
    status_reason = models.CharField(max_length=255, blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["platform", "target_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "platform", "target_id"],
                condition=~Q(status="revoked"),
                name="one_live_connection_per_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}: {self.target_name or self.target_id}"

    def __repr__(self) -> str:
        return f"<PlatformConnection {self.pk} {self.platform} {self.target_id} {self.status}>"

    @property
    def is_active(self) -> bool:
        return self.status == ConnectionStatus.ACTIVE

    def set_credentials(self, credentials: Credentials) -> None:
        self.access_token_enc = crypto.encrypt(credentials.access_token)
        self.refresh_token_enc = (
            crypto.encrypt(credentials.refresh_token) if credentials.refresh_token else ""
        )
        self.expires_at = credentials.expires_at

    def get_credentials(self) -> Credentials:
        return Credentials(
            access_token=crypto.decrypt(self.access_token_enc),
            refresh_token=crypto.decrypt(self.refresh_token_enc) if self.refresh_token_enc else "",
            expires_at=self.expires_at,
        )

    def target(self) -> Target:
        return Target(
            account_id=self.account_id,
            target_id=self.target_id,
            target_name=self.target_name,
            options=dict(self.options),
        )
