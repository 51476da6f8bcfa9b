import pytest
from django.test import Client

from autopost import ratelimit
from autopost.accounts.models import ApiToken


def bearer_client(user) -> Client:
    _, raw = ApiToken.issue(user)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    client.raw_token = raw
    return client


@pytest.fixture
def alice_api(alice) -> Client:
    return bearer_client(alice)


@pytest.fixture
def bob_api(bob) -> Client:
    return bearer_client(bob)


@pytest.fixture(autouse=True)
def _own_media_folder(media_root):
    """Each test stores clips in its own folder."""


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate windows live outside the test database (memory or Redis), and ids repeat between
    tests on SQLite: without a reset, one test's publishes would count against the next."""
    ratelimit.reset()
    yield
    ratelimit.reset()


@pytest.fixture(scope="session")
def sample_video(tmp_path_factory):
    """A real 2-second H.264 MP4 (made by PyAV), shared by the session's tests."""
    from autopost.clips.media import make_sample_clip

    path = tmp_path_factory.mktemp("media") / "sample.mp4"
    make_sample_clip(path, seconds=2, width=360, height=640)
    return path
