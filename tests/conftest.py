pytest_plugins = ["autopost.testing.fixtures"]

import pytest

from autopost.accounts.models import User
from autopost.accounts.plans import Plan


@pytest.fixture
def alice(db):
    """The owner in most tests: a Pro user."""
    return User.objects.create_user("alice@example.com", "alice-password-1", plan=Plan.PRO)


@pytest.fixture
def bob(db):
    """A second user who must never see alice's data."""
    return User.objects.create_user("bob@example.com", "bob-password-1", plan=Plan.PRO)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit windows are keyed by ids, and ids repeat across rolled-back tests."""
    from autopost import ratelimit

    ratelimit.reset()
    yield


@pytest.fixture
def media_root(settings, tmp_path):
    """Clips stored in this test's own folder, so "nothing was stored" can be checked."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="session")
def video_bytes(tmp_path_factory) -> bytes:
    """A real 2-second H.264 portrait clip (360×640), made once per test session."""
    from autopost.clips.media import make_sample_clip

    path = tmp_path_factory.mktemp("video") / "sample.mp4"
    make_sample_clip(path, seconds=2, width=360, height=640)
    return path.read_bytes()
