"""What the metrics and readiness checks read besides publications: token refreshes, stats syncs,
the totals of pruned rows, and workers."""

from django.db import models


class RefreshResult(models.TextChoices):
    SUCCESS = "success", "success"
    # The platform refused the refresh: the connection is now expired.
    FAILED = "failed", "failed"
    # The platform did not answer (5xx, timeout, rate limit): nothing changed; a later try may work.
    ERROR = "error", "error"


class TokenRefresh(models.Model):
    """One token refresh attempt, counted into ``MetricTotal`` (``autopost_token_refreshes_total``)
    as it is written; rows older than ``AUTOPOST_METRICS_RETENTION_DAYS`` are pruned."""

    connection = models.ForeignKey(
        "connections.PlatformConnection", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    platform = models.CharField(max_length=16)
    result = models.CharField(max_length=16, choices=RefreshResult.choices)
    reason = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.platform} refresh {self.result}"


class StatsSyncResult(models.TextChoices):
    OK = "ok", "ok"
    # Yielded to publishing on the same account before it was done; the rest stays due.
    DEFERRED = "deferred", "deferred"
    # The platform (or our shared window) said wait: the connection's stats pause meanwhile.
    RATE_LIMITED = "rate_limited", "rate_limited"
    # The platform refused the credentials (and a refresh did not help).
    AUTH_FAILED = "auth_failed", "auth_failed"
    # Any other platform error (5xx, timeout, a rejected request): the next round retries.
    ERROR = "error", "error"


class StatsSync(models.Model):
    """One stats job that asked a platform, counted into ``MetricTotal``
    (``autopost_stats_syncs_total``, ``autopost_stats_refreshed_total``) as it is written; rows
    older than ``AUTOPOST_METRICS_RETENTION_DAYS`` are pruned."""

    connection = models.ForeignKey(
        "connections.PlatformConnection", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    platform = models.CharField(max_length=16)
    result = models.CharField(max_length=16, choices=StatsSyncResult.choices)
    # Publications whose numbers the platform reported and that were saved.
    refreshed = models.PositiveIntegerField(default=0)
    # Due publications the error left unrefreshed (the batch that met it and those after it).
    failed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.platform} stats sync {self.result}"


class MetricTotal(models.Model):
    """A cumulative counter of one series (metric and labels), added to in the same transaction
    that writes the row it counts (``observability/totals.py``). The rows themselves can then be
    pruned without the counter ever going down, and a scrape reads a few totals instead of
    counting a week of rows."""

    metric = models.CharField(max_length=32)
    platform = models.CharField(max_length=16)
    result = models.CharField(max_length=16, blank=True, default="")
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "platform", "result"], name="one_total_per_metric_series"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric}{{{self.platform},{self.result}}} = {self.value}"


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
