"""Token refresh and stats sync rows are pruned after AUTOPOST_METRICS_RETENTION_DAYS, and the
counters built from them never go down when that happens."""

from datetime import datetime, timedelta

from django.utils import timezone
from huey.contrib.djhuey import HUEY

from autopost.observability.models import RefreshResult, StatsSync, TokenRefresh
from autopost.observability.refreshes import record_token_refresh
from autopost.observability.retention import prune_metric_rows
from autopost.observability.stats_syncs import record_stats_sync
from autopost.observability.tasks import prune_metric_rows_daily
from autopost.platforms.errors import TransientError
from autopost.publishing.stats import SyncResult
from tests.factories import make_connection

COUNTERS = (
    "autopost_token_refreshes_total",
    "autopost_stats_syncs_total",
    "autopost_stats_refreshed_total",
)


def counters(metrics) -> dict:
    return {key: value for key, value in metrics.items() if key[0] in COUNTERS}


def record_some(vk) -> None:
    record_token_refresh(vk, RefreshResult.SUCCESS)
    record_token_refresh(vk, RefreshResult.FAILED, "vk_refresh_expired")
    record_stats_sync(vk, SyncResult("ok", requested=200, updated=180, missing=20, due=200))
    record_stats_sync(vk, SyncResult("failed", "vk_server_error", due=50, error=TransientError()))


def test_a_prune_never_lowers_a_counter(alice, scrape, settings, time_machine):
    settings.METRICS_RETENTION_DAYS = 7
    vk = make_connection(alice, platform="vk", target_id="1", account_id="1")
    time_machine.move_to(timezone.now() - timedelta(days=10), tick=False)
    record_some(vk)
    time_machine.move_to(timezone.now() + timedelta(days=4), tick=False)
    record_some(vk)
    time_machine.move_to(timezone.now() + timedelta(days=6), tick=False)
    record_some(vk)

    before = counters(scrape())
    pruned = prune_metric_rows()
    after = counters(scrape())

    assert pruned == {"token_refreshes": 2, "stats_syncs": 2}
    assert after == before
    metrics = scrape()
    assert metrics.value("autopost_token_refreshes_total", platform="vk", result="failed") == 3
    assert metrics.value("autopost_stats_syncs_total", platform="vk", result="error") == 3
    assert metrics.value("autopost_stats_refreshed_total", platform="vk") == 3 * 180
    # The two newer rounds stay for people looking into a failure.
    assert TokenRefresh.objects.count() == 4
    assert list(StatsSync.objects.order_by("id").values_list("result", "refreshed", "failed")) == [
        ("ok", 180, 0), ("error", 0, 50)
    ] * 2

    record_some(vk)
    assert scrape().value("autopost_stats_syncs_total", platform="vk", result="ok") == 4


def test_the_retention_is_a_setting(alice, settings, time_machine):
    vk = make_connection(alice, platform="vk", target_id="1", account_id="1")
    time_machine.move_to(timezone.now() - timedelta(days=2), tick=False)
    record_some(vk)
    time_machine.move_to(timezone.now() + timedelta(days=2), tick=False)

    settings.METRICS_RETENTION_DAYS = 7
    assert prune_metric_rows() == {"token_refreshes": 0, "stats_syncs": 0}
    settings.METRICS_RETENTION_DAYS = 1
    assert prune_metric_rows() == {"token_refreshes": 2, "stats_syncs": 2}


def test_the_prune_runs_daily_in_the_periodic_worker(alice, settings, time_machine):
    settings.METRICS_RETENTION_DAYS = 7
    vk = make_connection(alice, platform="vk", target_id="1", account_id="1")
    time_machine.move_to(timezone.now() - timedelta(days=8), tick=False)
    record_some(vk)
    time_machine.move_to(timezone.now() + timedelta(days=8), tick=False)

    def runs_at(hour: int, minute: int) -> bool:
        due = HUEY.read_periodic(datetime(2030, 1, 1, hour, minute))
        return any(isinstance(task, prune_metric_rows_daily.task_class) for task in due)

    assert runs_at(3, 41) and not runs_at(3, 42) and not runs_at(15, 41)
    prune_metric_rows_daily.call_local()

    assert not TokenRefresh.objects.exists() and not StatsSync.objects.exists()
