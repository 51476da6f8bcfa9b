import pytest
from django.test import Client
from huey.contrib.djhuey import HUEY

from autopost.publishing.tasks import STATS_HUEY

from tests.observability.scrape import Scrape, parse
from tests.publishing.test_stats_collector import vk  # noqa: F401  (the VK connection fixture)


@pytest.fixture(autouse=True)
def empty_queues():
    HUEY.flush()
    STATS_HUEY.flush()
    yield
    HUEY.flush()
    STATS_HUEY.flush()


@pytest.fixture
def scrape(settings, db):
    """Scrape /metrics from localhost (allow-listed by default), without the scrape cache."""
    settings.METRICS_CACHE_SECONDS = 0

    def read() -> Scrape:
        response = Client(REMOTE_ADDR="127.0.0.1").get("/metrics")
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("text/plain; version=0.0.4")
        return parse(response.content.decode())

    return read
