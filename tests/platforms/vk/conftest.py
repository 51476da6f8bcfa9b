from __future__ import annotations

import pytest

from .fakes import FakeCheckpoint, FakeVk
from .replies import API_URL, CLIENT_ID, OAUTH_URL


@pytest.fixture
def vk(settings) -> FakeVk:
    settings.VK_API_URL = API_URL
    settings.VK_OAUTH_URL = OAUTH_URL
    settings.VK_CLIENT_ID = CLIENT_ID
    settings.VK_API_VERSION = "5.199"
    settings.VK_CLIP_POLL_SECONDS = 10.0
    settings.VK_CLIP_POLL_ATTEMPTS = 12
    return FakeVk()


@pytest.fixture
def checkpoint() -> FakeCheckpoint:
    return FakeCheckpoint()


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """Clip polling sleeps, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr("autopost.platforms.vk.publishing.time.sleep", slept.append)
    return slept
