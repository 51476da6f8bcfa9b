"""End-to-end: the web server and the worker run as real processes against the test database,
the queue backend under test, and the sandbox's real HTTP Telegram."""

from __future__ import annotations

import hashlib
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from huey.contrib.djhuey import HUEY

from autopost.accounts.models import ApiToken, User
from autopost.accounts.plans import Plan
from autopost.clips.media import make_sample_clip
from autopost.publishing.models import Publication
from autopost.sandbox import demo
from autopost.testing.processes import ServiceProcess, child_env, free_port, start_web, start_worker, wait_for

pytestmark = pytest.mark.e2e

# Short leases, sweeps and retry delays keep these tests in seconds; the logic is the production one.
FAST = {
    "AUTOPOST_PUBLISH_LEASE_SECONDS": "3",
    "AUTOPOST_SWEEPER_INTERVAL_SECONDS": "1",
    "AUTOPOST_RETRY_DELAYS": "1,1,1",
    "AUTOPOST_WORKER_THREADS": "2",
    "AUTOPOST_RUTUBE_POLL_SECONDS": "0.2",
    "AUTOPOST_DZEN_POLL_SECONDS": "0.2",
}


@dataclass
class Stack:
    url: str
    env: dict[str, str]
    web: ServiceProcess
    workers: list[ServiceProcess] = field(default_factory=list)
    api: httpx.Client = None
    raw_token: str = ""

    def start_worker(self) -> ServiceProcess:
        worker = start_worker(self.env)
        self.workers.append(worker)
        return worker

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.web.stop()
        self.api.close()

    def logs(self) -> str:
        return "\n".join(p.log_text() for p in [self.web, *self.workers])

    # --- API shortcuts ------------------------------------------------------------------------
    def connect_demo_channel(self) -> dict:
        response = self.api.post(
            "/api/v1/connections/telegram",
            json={"bot_token": demo.TELEGRAM_BOT_TOKEN, "channel": demo.TELEGRAM_CHANNEL},
        )
        assert response.status_code == 201, response.text
        return response.json()

    def upload_clip(self, path: Path, title: str = "Закат над Невой") -> dict:
        with path.open("rb") as fh:
            response = self.api.post(
                "/api/v1/clips",
                data={"title": title, "description": "Снято на телефон"},
                files={"file": (path.name, fh, "video/mp4")},
            )
        assert response.status_code == 201, response.text
        return response.json()

    def publish(self, clip_id: int, targets: list[int], scheduled_at: str | None = None) -> list[dict]:
        response = self.api.post(
            f"/api/v1/clips/{clip_id}/publish", json={"targets": targets, "scheduled_at": scheduled_at}
        )
        assert response.status_code == 200, response.text
        return response.json()["results"]

    def publication(self, publication_id: int) -> dict:
        response = self.api.get(f"/api/v1/publications/{publication_id}")
        assert response.status_code == 200, response.text
        return response.json()

    def wait_status(self, publication_id: int, statuses: set[str], timeout: float = 30) -> dict:
        return wait_for(
            lambda: (p := self.publication(publication_id))["status"] in statuses and p,
            timeout,
            message=f"publication {publication_id} to reach {statuses}",
        )


@pytest.fixture
def sample_clip(tmp_path) -> Path:
    path = tmp_path / "sample.mp4"
    make_sample_clip(path, seconds=2)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextmanager
def running_stack(env_overrides: dict[str, str], *, worker: bool = True):
    """A creator with an API token, the web server (and a worker) on the test database; queues
    and publications are emptied afterwards."""
    from django.core.cache import cache

    from autopost.publishing.tasks import STATS_HUEY

    HUEY.flush()
    STATS_HUEY.flush()
    # Locks and pauses are keyed by row ids, and ids repeat across tests: start from a clean cache.
    cache.clear()
    user = User.objects.create_user("creator@example.com", "creator-password-1", plan=Plan.PRO)
    _, raw = ApiToken.issue(user)
    port = free_port()
    # Signed download links (Rutube pulls clips) must point at this web server.
    env = child_env(**env_overrides, AUTOPOST_PUBLIC_URL=f"http://127.0.0.1:{port}", AUTOPOST_PORT=str(port))
    web, url = start_web(env, port)
    running = Stack(url=url, env=env, web=web, raw_token=raw)
    running.api = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {raw}"}, timeout=30)
    if worker:
        running.start_worker()
    try:
        yield running
    finally:
        running.stop()
        HUEY.flush()
        STATS_HUEY.flush()
        Publication.objects.all().delete()


@pytest.fixture
def stack(transactional_db, sandbox_control, settings):
    with running_stack(FAST) as running:
        yield running


@contextmanager
def signed_in_session(url: str):
    """A browser-like HTTP session signed in through the real login form (cookies, CSRF)."""
    client = httpx.Client(base_url=url, follow_redirects=False, timeout=30)
    page = client.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    signed_in = client.post(
        "/login/",
        data={"username": "creator@example.com", "password": "creator-password-1", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{url}/login/"},
    )
    assert signed_in.status_code == 302, signed_in.text
    try:
        yield client
    finally:
        client.close()
