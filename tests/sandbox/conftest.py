"""Helpers for the sandbox's own tests: the demo bot's API base and a plain HTTP client."""

import httpx
import pytest

from autopost.sandbox import demo


@pytest.fixture
def bot_api(sandbox_control) -> str:
    """``<sandbox>/telegram/bot<demo token>``: append ``/<method>``."""
    return f"{sandbox_control.telegram_api_url}/bot{demo.TELEGRAM_BOT_TOKEN}"


@pytest.fixture
def http():
    with httpx.Client(timeout=30) as client:
        yield client
