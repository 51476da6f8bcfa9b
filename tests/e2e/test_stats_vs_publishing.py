"""Stats never starve publishing in a real worker: with a slow VK stats job running and more of
it pending, a publication made now goes out at once, on the worker's only publish thread."""

from __future__ import annotations

import time

import pytest

from autopost.accounts.models import User
from autopost.observability.models import StatsSync
from autopost.publishing.models import Publication, Status
from autopost.publishing.tasks import STATS_HUEY, stats_job
from autopost.sandbox import demo
from autopost.testing.processes import wait_for
from tests.e2e.conftest import FAST
from tests.factories import make_connection
from tests.publishing.test_stats_collector import PAGE, published_rows

# Each video.get takes this long; the job has two batches (400 due publications).
VIDEO_GET_S = 4.0
DUE = 400


@pytest.fixture
def one_publish_thread(monkeypatch):
    """The stack's worker gets one publish thread: if stats ran on it, a publication would have
    to wait for them. (Requested before ``stack``, which reads FAST when it starts the worker.)"""
    monkeypatch.setitem(FAST, "AUTOPOST_WORKER_THREADS", "1")
    monkeypatch.setitem(FAST, "AUTOPOST_STATS_WORKER_THREADS", "1")
    STATS_HUEY.flush()
    yield
    STATS_HUEY.flush()


def video_get_faults_left(sandbox_control) -> int:
    return sum(f["count"] for f in sandbox_control.faults() if f["method"] == "video.get")


def test_a_publication_goes_out_while_a_slow_stats_job_runs(
    one_publish_thread, stack, sandbox_control, sample_clip
):
    owner = User.objects.get(email="creator@example.com")
    vk = make_connection(
        owner, platform="vk", token=demo.VK_USER_TOKEN, target_id=PAGE, account_id=PAGE,
        account_name="Иван Петров", target_name="Иван Петров", options={"publish_as": "video"},
    )
    published_rows(vk, [f"{PAGE}_{900000 + n}" for n in range(DUE)])
    clip = stack.upload_clip(sample_clip)
    sandbox_control.add_fault(
        "delay", platform="vk", method="video.get", delay_s=VIDEO_GET_S, count=2
    )

    # What the collector's round enqueues, on the stats queue the worker consumes; through a fresh
    # handle on the queue storage (an earlier test may have replaced the queue file under ours).
    close = getattr(STATS_HUEY.storage, "close", None)
    if close:
        close()
    stats_job(vk.pk)
    try:
        wait_for(lambda: video_get_faults_left(sandbox_control) == 1, 30,
                 message="the worker's stats job to be inside its first (slow) video.get")
    except AssertionError as timeout:
        raise AssertionError(f"{timeout}\n--- worker log ---\n{stack.logs()[-6000:]}") from None

    started = time.monotonic()
    [result] = stack.publish(clip["id"], [vk.pk])
    publication_id = result["publication"]["id"]
    publication = stack.wait_status(publication_id, {"published", "failed"}, timeout=20)
    took = time.monotonic() - started

    assert publication["status"] == "published", publication
    assert took < VIDEO_GET_S, f"published after {took:.1f} s, as slow as a stats call"
    assert not StatsSync.objects.exists(), "the stats job had ended: nothing was measured"

    # The stats job was running all along and finishes on its own thread.
    sync = wait_for(StatsSync.objects.first, 3 * VIDEO_GET_S, message="the stats job to finish")
    assert sync.result in {"ok", "deferred"}, sync.result
    checked = Publication.objects.filter(
        connection=vk, status=Status.PUBLISHED, stats_updated_at__isnull=False
    )
    assert checked.count() >= 200  # at least the first batch was saved
