"""Fixtures of the Дзен sandbox tests."""

import pytest

from tests.sandbox.dzen.helpers import studio_client


@pytest.fixture
def dzen(sandbox_control):
    """The sandbox reset to the demo world, with conversion over as soon as an upload finishes
    (tests about conversion set a delay and move the Дзен clock)."""
    sandbox_control.set_dzen_config(conversion_s=0)
    return sandbox_control


@pytest.fixture
def studio(dzen):
    """The demo channel's session: ``Session_id`` cookie and ``X-Csrf-Token``."""
    with studio_client(dzen.dzen_url) as client:
        yield client
