"""Every stats job that asks a platform leaves one StatsSync record, so /metrics counts stats
syncs by result and refreshed publications across all processes."""

import pytest

from autopost.connections.models import PlatformConnection
from autopost.observability.models import StatsSync
from autopost.publishing.models import Publication, Status
from autopost.publishing.stats import refresh_connection_stats
from autopost.publishing.tasks import stats_job
from tests.factories import make_clip, make_connection
from tests.publishing.test_stats_collector import PAGE, published_rows, upload_videos

SYNCS = "autopost_stats_syncs_total"
REFRESHED = "autopost_stats_refreshed_total"


def records() -> list[tuple[str, int, int]]:
    return list(StatsSync.objects.order_by("id").values_list("result", "refreshed", "failed"))


def test_every_stats_platform_has_zeroed_series_from_the_first_scrape(scrape):
    metrics = scrape()

    for platform in ("vk", "rutube", "dzen"):
        for result in ("ok", "deferred", "rate_limited", "auth_failed", "error"):
            assert metrics.value(SYNCS, platform=platform, result=result) == 0
        assert metrics.value(REFRESHED, platform=platform) == 0
    # Telegram's Bot API has no stats: no series to alert on.
    assert (SYNCS, frozenset({("platform", "telegram"), ("result", "ok")})) not in metrics
    assert (REFRESHED, frozenset({("platform", "telegram")})) not in metrics


def test_an_ok_sync_counts_the_publications_it_refreshed(vk, sandbox_control, scrape):
    keys = upload_videos(sandbox_control, 3)
    gone = f"{PAGE}_999999"  # not on VK (any more): checked, not refreshed
    published_rows(vk, [*keys, gone])

    refresh_connection_stats(vk.pk)
    refresh_connection_stats(vk.pk)  # nothing is due any more: an ok sync of nothing

    assert records() == [("ok", 3, 0), ("ok", 0, 0)]
    assert StatsSync.objects.filter(connection=vk, platform="vk").count() == 2
    metrics = scrape()
    assert metrics.value(SYNCS, platform="vk", result="ok") == 2
    assert metrics.value(REFRESHED, platform="vk") == 3
    assert metrics.value(SYNCS, platform="vk", result="error") == 0


def test_a_server_error_counts_what_it_left_unrefreshed(vk, sandbox_control, scrape):
    published_rows(vk, [f"{PAGE}_{n}" for n in range(250)])
    # The first batch of 200 goes through; the second meets a 5xx burst.
    sandbox_control.add_fault("delay", platform="vk", method="video.get", delay_s=0, count=1)
    sandbox_control.add_fault("http_500", platform="vk", method="video.get", count=3)

    refresh_connection_stats(vk.pk)

    assert records() == [("error", 0, 50)]  # 200 checked (gone from VK), 50 still due
    metrics = scrape()
    assert metrics.value(SYNCS, platform="vk", result="error") == 1
    assert metrics.value(REFRESHED, platform="vk") == 0


def test_a_rate_limit_is_counted_once_and_the_pause_after_it_is_not(vk, sandbox_control, scrape):
    published_rows(vk, [f"{PAGE}_1", f"{PAGE}_2"])
    # VK's flood control: wait ten minutes.
    sandbox_control.add_fault("api_error", platform="vk", method="video.get", error_code=9)

    refresh_connection_stats(vk.pk)
    paused = refresh_connection_stats(vk.pk)

    assert paused.reason == "paused"
    assert records() == [("rate_limited", 0, 2)]
    assert scrape().value(SYNCS, platform="vk", result="rate_limited") == 1


def test_refused_credentials_count_as_auth_failed(vk, sandbox_control, scrape):
    published_rows(vk, [f"{PAGE}_1"])
    # A pasted token (no refresh token): VK's error 5 cannot be cured by a refresh.
    sandbox_control.add_fault("api_error", platform="vk", method="video.get", error_code=5, count=2)

    refresh_connection_stats(vk.pk)

    assert records() == [("auth_failed", 0, 1)]
    assert scrape().value(SYNCS, platform="vk", result="auth_failed") == 1


def test_yielding_to_publishing_counts_as_deferred_and_skips_count_nothing(
    vk, alice, sandbox_control, scrape
):
    published_rows(vk, [f"{PAGE}_1"])
    Publication.objects.create(
        clip=make_clip(alice), connection=vk, platform="vk", status=Status.SCHEDULED,
        scheduled_at=vk.created_at, next_attempt_at=vk.created_at,
    )
    telegram = make_connection(alice)

    refresh_connection_stats(vk.pk)
    refresh_connection_stats(telegram.pk)  # no stats on Telegram: skipped
    PlatformConnection.objects.filter(pk=vk.pk).update(status="expired")
    refresh_connection_stats(vk.pk)  # skipped too

    assert records() == [("deferred", 0, 0)]
    metrics = scrape()
    assert metrics.value(SYNCS, platform="vk", result="deferred") == 1
    assert sum(v for (name, _), v in metrics.items() if name == SYNCS) == 1


def test_the_stats_queue_depth_is_reported(vk, scrape):
    stats_job(vk.pk)
    stats_job(vk.pk)

    metrics = scrape()
    assert metrics.value("autopost_queue_depth", queue="stats", state="pending") == 2
    assert metrics.value("autopost_queue_depth", queue="publish", state="pending") == 0


@pytest.mark.parametrize("result", ["ok", "error"])
def test_a_deleted_connection_keeps_its_syncs_counted(vk, sandbox_control, scrape, result):
    published_rows(vk, [f"{PAGE}_1"])
    if result == "error":
        sandbox_control.add_fault("http_500", platform="vk", method="video.get", count=3)
    refresh_connection_stats(vk.pk)

    Publication.objects.filter(connection=vk).delete()
    vk.delete()

    assert StatsSync.objects.get().connection_id is None
    assert scrape().value(SYNCS, platform="vk", result=result) == 1
