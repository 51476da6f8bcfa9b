from __future__ import annotations

import pytest

from .fakes import FakeCheckpoint, FakeRutube
from .replies import API_URL


@pytest.fixture
def rutube(settings) -> FakeRutube:
    settings.RUTUBE_API_URL = API_URL
    settings.RUTUBE_POLL_SECONDS = 10.0
    settings.RUTUBE_POLL_ATTEMPTS = 5
    return FakeRutube()


@pytest.fixture
def checkpoint() -> FakeCheckpoint:
    return FakeCheckpoint()


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """Polling sleeps, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr("autopost.platforms.rutube.publishing.time.sleep", slept.append)
    return slept
