"""/metrics reads shared state at scrape time: each metric follows the rows it is derived from."""

import math
from datetime import timedelta

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from autopost.observability.models import WorkerHeartbeat
from autopost.publishing import queue
from autopost.publishing.models import Publication, PublicationEvent, Status
from tests.factories import make_clip, make_connection

LEASE = 120


def publication(owner, target, platform="telegram", connection_status="active", **fields) -> Publication:
    now = timezone.now()
    values = dict(status=Status.PUBLISHING, next_attempt_at=now, enqueued_at=now)
    values.update(fields)
    return Publication.objects.create(
        clip=make_clip(owner),
        connection=make_connection(owner, platform=platform, target_id=target, status=connection_status),
        platform=platform,
        **values,
    )


def test_every_family_is_there_from_the_first_scrape(scrape):
    metrics = scrape()

    for platform in ("vk", "rutube", "dzen", "telegram"):
        assert metrics.value("autopost_publications", platform=platform, status="published") == 0
        assert metrics.value("autopost_publish_outcomes_total", platform=platform, outcome="failed") == 0
        assert metrics.value("autopost_publish_latency_seconds_count", platform=platform) == 0
        assert metrics.value("autopost_publish_retries_total", platform=platform, kind="scheduled") == 0
        assert metrics.value("autopost_watchdog_unclaimed_total", platform=platform) == 0
    assert metrics.value("autopost_token_refreshes_total", platform="vk", result="failed") == 0
    assert metrics.value("autopost_queue_depth", queue="publish", state="pending") == 0
    assert metrics.value("autopost_queue_depth", queue="stats", state="scheduled") == 0
    assert metrics.value("autopost_unclaimed_publications") == 0
    assert metrics.value("autopost_oldest_unclaimed_seconds") == 0
    assert metrics.value("autopost_worker_heartbeat_age_seconds") == math.inf
    assert metrics.value("autopost_workers") == 0
    # Telegram's Bot API has no stats, so there is no staleness to watch.
    assert ("autopost_stats_staleness_seconds", frozenset({("platform", "telegram")})) not in metrics
    assert metrics.value("autopost_stats_staleness_seconds", platform="vk") == 0


def test_a_first_attempt_success_moves_status_outcome_and_latency(scrape, alice, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    row = publication(alice, "-1")

    time_machine.shift(30)
    waiting = scrape()
    assert waiting.value("autopost_publications", platform="telegram", status="publishing") == 1
    assert waiting.value("autopost_unclaimed_publications") == 1
    assert waiting.value("autopost_oldest_unclaimed_seconds") == 30

    assert row.claim(LEASE)
    assert scrape().value("autopost_unclaimed_publications") == 0
    time_machine.shift(12)
    assert row.mark_published("42", "https://t.me/autopost_demo/42")
    done = scrape()

    assert done.value("autopost_publications", platform="telegram", status="published") == 1
    assert done.value("autopost_publications", platform="telegram", status="publishing") == 0
    assert done.value("autopost_publish_outcomes_total", platform="telegram", outcome="published") == 1
    assert done.value("autopost_publish_first_attempt_success_total", platform="telegram") == 1
    assert done.value("autopost_publish_first_attempt_success_ratio", platform="telegram") == 1.0
    latency = "autopost_publish_latency_seconds"
    assert done.value(f"{latency}_bucket", platform="telegram", le="30.0") == 0
    assert done.value(f"{latency}_bucket", platform="telegram", le="60.0") == 1
    assert done.value(f"{latency}_bucket", platform="telegram", le="+Inf") == 1
    assert done.value(f"{latency}_count", platform="telegram") == 1
    assert done.value(f"{latency}_sum", platform="telegram") == pytest.approx(42, abs=0.01)
    assert done.value(f"{latency}_count", platform="vk") == 0


def test_a_scheduled_publication_counts_latency_from_its_time(scrape, alice, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    at = timezone.now() + timedelta(hours=2)
    row = publication(alice, "-1", status=Status.SCHEDULED, scheduled_at=at, next_attempt_at=at)

    assert scrape().value("autopost_unclaimed_publications") == 0  # not due yet
    time_machine.shift(2 * 3600 + 3)
    assert row.claim(LEASE) and row.mark_published("1", "")

    metrics = scrape()
    assert metrics.value("autopost_publish_latency_seconds_sum", platform="telegram") == pytest.approx(3, abs=0.01)
    assert metrics.value("autopost_publish_latency_seconds_bucket", platform="telegram", le="5.0") == 1


def test_retries_rate_limits_failures_and_manual_retries_are_counted(scrape, alice, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    retried = publication(alice, "-1", platform="vk")
    assert retried.claim(LEASE)
    assert retried.schedule_retry(timezone.now() + timedelta(seconds=300), "http_500", "VK: 500")
    time_machine.shift(300)
    assert retried.claim(LEASE) and retried.mark_published("1_2", "https://vk.com/clip1_2")

    failed = publication(alice, "-2", platform="vk")
    assert failed.claim(LEASE)
    assert failed.schedule_retry(timezone.now() + timedelta(seconds=2), "rate_limited", "429", consume_attempt=False)
    time_machine.shift(2)
    assert failed.claim(LEASE) and failed.mark_failed("no_rights", "Нет прав")
    after_failure = scrape()
    assert failed.retry_now()

    metrics = scrape()
    assert metrics.value("autopost_publish_retries_total", platform="vk", kind="scheduled") == 1
    assert metrics.value("autopost_publish_retries_total", platform="vk", kind="rate_limited") == 1
    assert metrics.value("autopost_publish_retries_total", platform="vk", kind="manual") == 1
    assert metrics.value("autopost_publish_outcomes_total", platform="vk", outcome="published") == 1
    assert metrics.value("autopost_publish_outcomes_total", platform="vk", outcome="failed") == 1
    # Published on the second attempt; failed on the first real one (the 429 gave it back).
    assert metrics.value("autopost_publish_first_attempt_success_total", platform="vk") == 0
    assert metrics.value("autopost_publish_first_attempt_success_ratio", platform="vk") == 0.0
    # The failure stays counted when the creator retries; the row itself is live again.
    assert after_failure.value("autopost_publications", platform="vk", status="failed") == 1
    assert metrics.value("autopost_publications", platform="vk", status="failed") == 0
    assert metrics.value("autopost_publications", platform="vk", status="publishing") == 1


def test_the_first_attempt_ratio_covers_the_last_day(scrape, alice, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    old = publication(alice, "-1")
    assert old.claim(LEASE) and old.mark_failed("no_rights", "Нет прав")
    time_machine.shift(timedelta(hours=25))
    recent = publication(alice, "-2")
    assert recent.claim(LEASE) and recent.mark_published("1", "")

    metrics = scrape()
    assert metrics.value("autopost_publish_first_attempt_success_ratio", platform="telegram") == 1.0
    assert metrics.value("autopost_publish_outcomes_total", platform="telegram", outcome="failed") == 1
    assert ("autopost_publish_first_attempt_success_ratio", frozenset({("platform", "vk")})) not in metrics


def test_unclaimed_work_counts_from_when_it_became_due(scrape, alice, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    now = timezone.now()
    publication(alice, "-1", next_attempt_at=now - timedelta(seconds=200))
    # A worker died mid-upload 50 s ago: due again since its lease ran out, not since it was due.
    crashed = publication(alice, "-2", next_attempt_at=now - timedelta(hours=1), lease_until=now - timedelta(seconds=50))
    publication(alice, "-3", next_attempt_at=now - timedelta(hours=1), lease_until=now + timedelta(seconds=60))
    publication(alice, "-4", next_attempt_at=now + timedelta(seconds=60))
    # What the watchdog writes when due work waits too long (status unchanged).
    PublicationEvent.objects.create(
        publication=crashed, from_status=Status.PUBLISHING, to_status=Status.PUBLISHING, reason="unclaimed"
    )

    metrics = scrape()
    assert metrics.value("autopost_unclaimed_publications") == 2
    assert metrics.value("autopost_oldest_unclaimed_seconds") == 200
    assert metrics.value("autopost_watchdog_unclaimed_total", platform="telegram") == 1


def test_stats_staleness_watches_recent_publications_of_stats_platforms(scrape, alice, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    now = timezone.now()
    published = dict(status=Status.PUBLISHED, next_attempt_at=None)
    publication(alice, "-1", "vk", **published, published_at=now - timedelta(days=3),
                stats_updated_at=now - timedelta(hours=2))
    publication(alice, "-2", "vk", **published, published_at=now - timedelta(minutes=30))  # never read
    publication(alice, "-3", "vk", **published, published_at=now - timedelta(days=40),
                stats_updated_at=now - timedelta(days=35))  # too old to keep reading
    publication(alice, "-4", "rutube", **published, published_at=now - timedelta(days=1),
                stats_updated_at=now - timedelta(minutes=5))
    publication(alice, "-5", "telegram", **published, published_at=now - timedelta(days=1))
    publication(alice, "-6", "rutube", **published, published_at=now - timedelta(days=2),
                connection_status="expired")  # the creator has to reconnect first

    metrics = scrape()
    assert metrics.value("autopost_stats_staleness_seconds", platform="vk") == 2 * 3600
    assert metrics.value("autopost_stats_staleness_seconds", platform="rutube") == 300
    assert metrics.value("autopost_stats_staleness_seconds", platform="dzen") == 0


def test_worker_heartbeat_age_is_the_newest_beat(scrape, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    settings.READY_HEARTBEAT_SECONDS = 60
    now = timezone.now()
    for pid, age in [(1, 7), (2, 45), (3, 600)]:  # the last one was killed long ago
        WorkerHeartbeat.objects.create(hostname="w", pid=pid, started_at=now, beat_at=now - timedelta(seconds=age))

    metrics = scrape()
    assert metrics.value("autopost_worker_heartbeat_age_seconds") == 7
    assert metrics.value("autopost_workers") == 2


def test_queue_depth_reads_the_queue_storage(scrape, alice):
    row = publication(alice, "-1")
    queue.enqueue(row.pk, timezone.now() + timedelta(hours=1))
    queue.enqueue(row.pk, timezone.now() + timedelta(hours=2))
    queue.enqueue(row.pk)
    assert scrape().value("autopost_queue_depth", queue="publish", state="pending") == 3
    # A consumer moves a job due later from the queue to the schedule; do what it does.
    for _ in range(2):
        HUEY.add_schedule(HUEY.dequeue())

    metrics = scrape()
    assert metrics.value("autopost_queue_depth", queue="publish", state="pending") == 1
    assert metrics.value("autopost_queue_depth", queue="publish", state="scheduled") == 2
    HUEY.flush()
    assert scrape().value("autopost_queue_depth", queue="publish", state="scheduled") == 0


def test_a_scrape_is_reused_for_a_few_seconds(scrape, settings, alice):
    settings.METRICS_CACHE_SECONDS = 0
    scrape()
    settings.METRICS_CACHE_SECONDS = 60
    first = scrape()
    publication(alice, "-1")
    assert scrape() == first
    settings.METRICS_CACHE_SECONDS = 0
    assert scrape().value("autopost_unclaimed_publications") == 1
