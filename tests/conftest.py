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
