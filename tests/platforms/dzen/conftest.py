from __future__ import annotations

import pytest

from .fakes import DZEN_URL, FakeCheckpoint, FakeDzen
from .helpers import CHUNK


@pytest.fixture
def dzen(settings) -> FakeDzen:
    settings.DZEN_URL = DZEN_URL
    settings.DZEN_POLL_SECONDS = 5.0
    settings.DZEN_POLL_ATTEMPTS = 4
    settings.DZEN_TUS_CHUNK_BYTES = CHUNK
    return FakeDzen()


@pytest.fixture
def checkpoint(dzen) -> FakeCheckpoint:
    return FakeCheckpoint(events=dzen.events)


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """Polling and TUS resume waits, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr("autopost.platforms.dzen.publishing.time.sleep", slept.append)
    monkeypatch.setattr("autopost.platforms.dzen.tus.time.sleep", slept.append)
    return slept
