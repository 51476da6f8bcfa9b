"""Shared pytest fixtures (the sandbox server and its control client live here)."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings

from autopost.sandbox.client import SandboxControl
from autopost.sandbox.testing import run_sandbox


@pytest.fixture(scope="session")
def sandbox():
    """The sandbox at ``settings.SANDBOX_URL`` (a free port per test session), for the whole
    session; yields its control client. Tests that change its world use ``sandbox_control``."""
    url = urlsplit(settings.SANDBOX_URL)
    with run_sandbox(url.hostname, url.port), SandboxControl(settings.SANDBOX_URL) as control:
        yield control


@pytest.fixture
def sandbox_control(sandbox):
    """The running sandbox, reset to the demo world (no faults, no messages) for this test."""
    sandbox.reset()
    return sandbox
