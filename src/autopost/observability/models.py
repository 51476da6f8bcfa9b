"""What the metrics and readiness checks read besides publications: token refreshes and workers."""

from django.db import models


class RefreshResult(models.TextChoices):
    SUCCESS = "success", "success"
    # The platform refused the refresh: the connection is now expired.
    FAILED = "failed", "failed"
    # The platform did not answer (5xx, timeout, rate limit): nothing changed; a later try may work.
    ERROR = "error", "error"


class TokenRefresh(models.Model):
    """One token refresh attempt; counted by ``autopost_token_refreshes_total``."""

    connection = models.ForeignKey(
        "connections.PlatformConnection", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    platform = models.CharField(max_length=16)
    result = models.CharField(max_length=16, choices=RefreshResult.choices)
    reason = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["platform", "result"])]

    def __str__(self) -> str:
        return f"{self.platform} refresh {self.result}"


class WorkerHeartbeat(models.Model):
    """A running ``autopost worker``: beaten every few seconds, removed on a clean stop.

    A killed worker leaves its row behind; its ``beat_at`` simply stops moving.
    """

    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.hostname}:{self.pid}"
