"""Fixtures of the VK sandbox tests."""

import pytest

from tests.sandbox.vk.helpers import call


@pytest.fixture
def vk(sandbox_control):
    """The sandbox reset to the demo world with VK's per-token rate limit off: most tests make
    quick bursts of calls with one token (the rate-limit tests switch it back on)."""
    sandbox_control.set_vk_config(rate_limit=False)
    return sandbox_control


@pytest.fixture
def api(vk, http):
    """``api(method, token=…, v=…, **params)``: one VK API call with the demo user's token."""

    def api_call(method: str, **kwargs):
        return call(http, vk.vk_api_url, method, **kwargs)

    return api_call
