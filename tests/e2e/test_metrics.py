"""/metrics and /readyz through real processes: a publish run moves every metric, readiness
follows the workers, and the metrics endpoint refuses strangers."""

from __future__ import annotations

import math

import httpx
import pytest
from django.utils import timezone

from autopost.connections.models import PlatformConnection
from autopost.testing.processes import wait_for
from tests.e2e.conftest import FAST, Stack, running_stack, signed_in_session
from tests.e2e.test_vk import VK_FAST, connect_vk
from tests.observability.scrape import Scrape, parse

METRICS_TOKEN = "e2e-metrics-token-3f9a"
OBSERVED = {
    **FAST,
    **VK_FAST,
    "AUTOPOST_METRICS_CACHE_SECONDS": "0",
    "AUTOPOST_WORKER_HEARTBEAT_SECONDS": "0.5",
    "AUTOPOST_READY_HEARTBEAT_SECONDS": "5",
    # One publish thread, so a slow upload keeps the next publication waiting for the watchdog.
    "AUTOPOST_WORKER_THREADS": "1",
    "AUTOPOST_WATCHDOG_SECONDS": "1",
    "AUTOPOST_METRICS_TOKEN": METRICS_TOKEN,
}


@pytest.fixture
def observed(transactional_db, sandbox_control):
    """The web server alone (tests start workers when they want them)."""
    with running_stack(OBSERVED, worker=False) as stack:
        yield stack


@pytest.fixture
def browser(observed):
    """A signed-in browser session on the real web server (VK connects through VK ID in it)."""
    with signed_in_session(observed.url) as client:
        yield client


def scrape(stack: Stack) -> Scrape:
    response = httpx.get(f"{stack.url}/metrics", timeout=10)  # from 127.0.0.1: allow-listed
    assert response.status_code == 200, response.text
    return parse(response.text)


def scrape_when(stack: Stack, condition, message: str) -> Scrape:
    def satisfied():
        metrics = scrape(stack)
        return metrics if condition(metrics) else None

    return wait_for(satisfied, 10, message=message)


def assert_published(stack: Stack, result: dict) -> None:
    publication = stack.wait_status(result["publication"]["id"], {"published", "failed"}, 60)
    assert publication["status"] == "published", publication


def wait_ready(stack: Stack, worker) -> None:
    try:
        wait_for(lambda: readyz(stack)[0] == 200, 60, message="a worker to make /readyz ready")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; the worker's log:\n{worker.log_text()}") from None


def readyz(stack: Stack) -> tuple[int, dict]:
    response = httpx.get(f"{stack.url}/readyz", timeout=10)
    return response.status_code, response.json()


def test_a_publish_run_moves_every_metric(observed, browser, sandbox_control, sample_clip):
    stack = observed
    sandbox_control.set_vk_config(processing_s=0.5, clip_not_ready_polls=1)
    telegram = stack.connect_demo_channel()
    vk = connect_vk(browser, stack)
    # The access token is about to expire: the worker refreshes it before publishing.
    PlatformConnection.objects.filter(pk=vk["id"]).update(expires_at=timezone.now())
    before = scrape(stack)
    assert before.value("autopost_workers") == 0
    assert before.value("autopost_worker_heartbeat_age_seconds") == math.inf

    # No worker yet: the work waits, visibly.
    sandbox_control.add_fault(platform="telegram", method="sendVideo", kind="http_500", count=1)
    first = stack.upload_clip(sample_clip, title="Первый")
    results = stack.publish(first["id"], [telegram["id"], vk["id"]])
    waiting = scrape_when(stack, lambda s: s.value("autopost_oldest_unclaimed_seconds") >= 1,
                          "the unclaimed age to grow")
    assert waiting.value("autopost_unclaimed_publications") == 2
    assert waiting.value("autopost_queue_depth", queue="publish", state="pending") == 2
    assert waiting.value("autopost_publications", platform="telegram", status="publishing") == 1
    assert readyz(stack)[0] == 503

    stack.start_worker()
    for result in results:
        assert_published(stack, result)

    # A slow upload holds the only publish thread; the next publication waits past the watchdog.
    sandbox_control.add_fault(platform="telegram", method="sendVideo", kind="delay", delay_s=4, count=1)
    slow = stack.publish(stack.upload_clip(sample_clip, title="Второй")["id"], [telegram["id"]])[0]
    held = stack.publish(stack.upload_clip(sample_clip, title="Третий")["id"], [telegram["id"]])[0]
    for result in (slow, held):
        assert_published(stack, result)

    after = scrape_when(stack, lambda s: s.value("autopost_queue_depth", queue="publish", state="pending") == 0,
                        "an empty queue")

    def grew(name: str, **labels) -> float:
        return after.value(name, **labels) - before.value(name, **labels)

    assert grew("autopost_publications", platform="telegram", status="published") == 3
    assert grew("autopost_publications", platform="vk", status="published") == 1
    assert grew("autopost_publish_outcomes_total", platform="telegram", outcome="published") == 3
    assert grew("autopost_publish_outcomes_total", platform="vk", outcome="published") == 1
    assert grew("autopost_publish_outcomes_total", platform="telegram", outcome="failed") == 0
    assert grew("autopost_publish_retries_total", platform="telegram", kind="scheduled") == 1
    assert grew("autopost_publish_first_attempt_success_total", platform="telegram") == 2
    assert grew("autopost_publish_first_attempt_success_total", platform="vk") == 1
    assert after.value("autopost_publish_first_attempt_success_ratio", platform="telegram") == pytest.approx(2 / 3)
    assert after.value("autopost_publish_first_attempt_success_ratio", platform="vk") == 1.0
    assert grew("autopost_publish_latency_seconds_count", platform="telegram") == 3
    assert grew("autopost_publish_latency_seconds_count", platform="vk") == 1
    # The retried one waited out its retry delay (1 s) and the time without a worker.
    assert after.value("autopost_publish_latency_seconds_bucket", platform="telegram", le="1.0") <= 2
    assert after.value("autopost_publish_latency_seconds_sum", platform="telegram") > 1
    assert grew("autopost_token_refreshes_total", platform="vk", result="success") == 1
    assert grew("autopost_token_refreshes_total", platform="vk", result="failed") == 0
    assert grew("autopost_watchdog_unclaimed_total", platform="telegram") >= 1
    assert after.value("autopost_unclaimed_publications") == 0
    assert after.value("autopost_oldest_unclaimed_seconds") == 0
    # VK's clip has no stats yet: stale since it was published a moment ago.
    assert 0 < after.value("autopost_stats_staleness_seconds", platform="vk") < 120
    assert after.value("autopost_workers") == 1
    assert after.value("autopost_worker_heartbeat_age_seconds") < 5


def test_readyz_follows_the_workers(observed):
    stack = observed
    status, body = readyz(stack)
    assert status == 503
    assert body["checks"]["worker"] == {"ok": False, "error": "no worker has ever sent a heartbeat"}
    assert body["checks"]["database"]["ok"] and body["checks"]["queue"]["ok"]

    worker = stack.start_worker()
    wait_ready(stack, worker)

    worker.kill()  # SIGKILL: its row stays, its heartbeat stops
    status, body = wait_for(lambda: (r := readyz(stack))[0] == 503 and r, 20, message="the heartbeat to go stale")
    assert body["checks"]["worker"]["error"].startswith("no worker heartbeat for ")

    replacement = stack.start_worker()
    wait_ready(stack, replacement)

    replacement.stop()  # a clean stop takes its heartbeat away at once
    status, body = readyz(stack)
    assert status == 503 and body["checks"]["worker"]["ok"] is False


def test_metrics_need_the_token_outside_the_allow_list(observed):
    # The allow-list is the default 127.0.0.1/32; 127.0.0.2 is loopback too, but not allowed.
    elsewhere = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=10)
    with elsewhere:
        anonymous = elsewhere.get(f"{observed.url}/metrics")
        wrong = elsewhere.get(f"{observed.url}/metrics", headers={"Authorization": "Bearer guess"})
        right = elsewhere.get(f"{observed.url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    local = httpx.get(f"{observed.url}/metrics", timeout=10)

    assert anonymous.status_code == wrong.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert "autopost_" not in anonymous.text + wrong.text
    assert right.status_code == 200 and parse(right.text).value("autopost_workers") == 0
    assert local.status_code == 200 and parse(local.text) == parse(right.text)
