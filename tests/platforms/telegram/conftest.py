from __future__ import annotations

import pytest

from .fakes import FakeCheckpoint, FakeTelegram
from .replies import BASE_URL


@pytest.fixture
def telegram(settings) -> FakeTelegram:
    settings.TELEGRAM_API_URL = BASE_URL
    settings.TELEGRAM_LOCAL_API = False
    return FakeTelegram()


@pytest.fixture
def checkpoint() -> FakeCheckpoint:
    return FakeCheckpoint()
