"""/readyz is ready only with the database, the queue storage and a live worker heartbeat."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from autopost.observability.heartbeat import WorkerHeartbeatThread
from autopost.observability.models import WorkerHeartbeat


@pytest.fixture(autouse=True)
def limits(settings, db):
    settings.READY_HEARTBEAT_SECONDS = 60
    settings.WORKER_HEARTBEAT_SECONDS = 3600  # beats in these tests are explicit


def readyz():
    response = Client().get("/readyz")
    return response.status_code, response.json()


def test_without_any_worker_it_is_not_ready_and_says_why():
    status, body = readyz()

    assert status == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["queue"]["ok"] is True
    assert body["checks"]["worker"] == {"ok": False, "error": "no worker has ever sent a heartbeat"}


def test_a_started_worker_makes_it_ready_and_a_clean_stop_undoes_it():
    heartbeat = WorkerHeartbeatThread()
    heartbeat.start()
    try:
        status, body = readyz()
        assert status == 200, body
        assert body["status"] == "ok"
        assert body["checks"]["worker"]["ok"] is True
        assert body["checks"]["queue"] == {"ok": True, "publish": {"pending": 0}, "stats": {"pending": 0}}
    finally:
        heartbeat.stop()

    assert WorkerHeartbeat.objects.count() == 0
    assert readyz()[0] == 503


def test_a_worker_that_stopped_beating_goes_stale_after_the_limit(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    heartbeat = WorkerHeartbeatThread()
    heartbeat.start()
    try:
        time_machine.shift(59)
        assert readyz()[0] == 200
        heartbeat.beat()
        time_machine.shift(59)
        assert readyz()[0] == 200  # the beat moved it on
        time_machine.shift(2)
        status, body = readyz()
        assert status == 503
        assert body["checks"]["worker"] == {"ok": False, "error": "no worker heartbeat for 61 s (limit 60 s)"}
    finally:
        heartbeat.stop()


def test_a_worker_comes_back_when_its_row_was_tidied_away():
    heartbeat = WorkerHeartbeatThread()
    heartbeat.start()
    try:
        WorkerHeartbeat.objects.all().delete()
        heartbeat.beat()
        [row] = WorkerHeartbeat.objects.all()
        assert readyz()[0] == 200
    finally:
        heartbeat.stop()
    assert not WorkerHeartbeat.objects.filter(pk=row.pk).exists()


def test_rows_of_workers_killed_long_ago_are_forgotten_when_a_worker_starts():
    long_ago = timezone.now() - timedelta(days=2)
    WorkerHeartbeat.objects.create(hostname="gone", pid=1, started_at=long_ago, beat_at=long_ago)
    recent = timezone.now() - timedelta(minutes=5)
    WorkerHeartbeat.objects.create(hostname="crashed", pid=2, started_at=recent, beat_at=recent)

    heartbeat = WorkerHeartbeatThread()
    heartbeat.start()
    heartbeat.stop()

    assert list(WorkerHeartbeat.objects.values_list("hostname", flat=True)) == ["crashed"]


def test_healthz_stays_green_without_a_worker():
    assert Client().get("/healthz").status_code == 200
