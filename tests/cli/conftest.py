import threading
import time

import pytest
import uvicorn
from django.db import connections

from autopost import ratelimit
from autopost.accounts.models import ApiToken
from autopost.testing.processes import free_port


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    ratelimit.reset()
    yield
    ratelimit.reset()


@pytest.fixture(autouse=True)
def _own_media_folder(media_root):
    """Each test stores clips in its own folder."""


@pytest.fixture
def api_server(transactional_db, monkeypatch):
    """The Django ASGI app under uvicorn in a thread, on a free port, using the test database.

    Requests run in other threads, so the data a test creates must be committed
    (``transactional_db``). Connections are not kept between requests there: a persistent one
    would outlive the test and block PostgreSQL from flushing or dropping the test database.
    """
    from autopost.asgi import application

    for alias in connections:
        monkeypatch.setitem(connections.settings[alias], "CONN_MAX_AGE", 0)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            application, host="127.0.0.1", port=port, lifespan="off", log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, name="api-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def alice_token(alice) -> str:
    return ApiToken.issue(alice, name="cli-test")[1]


@pytest.fixture(scope="session")
def sample_video(tmp_path_factory):
    from autopost.clips.media import make_sample_clip

    path = tmp_path_factory.mktemp("cli-media") / "my clip.mp4"
    make_sample_clip(path, seconds=2, width=360, height=640)
    return path
