"""Browser tests: Playwright for Python driving Debian's Chromium against the real web server,
worker and sandbox (the ``stack`` fixture of tests/e2e). Screenshots of every page land in
``$AUTOPOST_ARTIFACTS_DIR/screenshots`` (default ``test-artifacts/screenshots``)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("AUTOPOST_ARTIFACTS_DIR", "test-artifacts")) / "screenshots"



def pytest_collection_modifyitems(config, items):
    """Every test in this folder is an e2e browser test (``pytestmark`` in a conftest marks
    nothing, and CI deselects ``browser`` on its second backend)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.browser)

@pytest.fixture(scope="module")
def chromium():
    """One Chromium per test module. Playwright's sync API runs an event loop in this thread for as
    long as it is open, so it must not outlive the browser tests (other tests use asyncio.run)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run does it)")
    from playwright.sync_api import sync_playwright

    # The test's own ORM calls are synchronous and safe; Django's async-context guard would see
    # Playwright's loop and refuse them, so it is off while the browser is open, and only then.
    guard = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            yield browser
            browser.close()
    finally:
        if guard is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = guard


@pytest.fixture
def browser_page(chromium, stack):
    """A fresh browser profile pointed at the running stack; Russian, as a new visitor sees it."""
    context = chromium.new_context(
        base_url=stack.url,
        viewport={"width": 1280, "height": 860},
        locale="ru-RU",
        timezone_id="Europe/Moscow",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Saves a full-page screenshot as a test artifact and returns its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, email: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label(re.compile("почта|e-mail", re.I)).fill(email)
    page.get_by_label(re.compile("пароль|password", re.I)).fill(password)
    page.get_by_role("button", name=re.compile("^(Вход|Войти|Sign in)$")).click()
    page.wait_for_url(re.compile(r"/(\?.*)?$"))
