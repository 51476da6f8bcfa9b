"""Logs never carry a token: secret-looking keys are dropped and token-shaped strings masked.

The in-process tests send records through the formatter the app configured for its stderr
handler; the subprocess test reads a real process's stderr in both log formats.
"""

import io
import json
import logging
import os
import subprocess
import sys

import pytest
import structlog

BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-"  # Telegram's shape, ends in "-"
BOT_SECRET_PART = BOT_TOKEN.split(":")[1]
VK_TOKEN = "vk1.a.Xy7_secretVkAccessToken0123456789abcdef"
API_TOKEN = "ap_Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTA"


@pytest.fixture
def log_output():
    """What the app's stderr formatter renders, read from a second handler that shares it."""
    root = logging.getLogger()
    [formatter] = [
        h.formatter
        for h in root.handlers
        if isinstance(h.formatter, structlog.stdlib.ProcessorFormatter)
    ]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def assert_no_secrets(text: str) -> None:
    for secret in (BOT_SECRET_PART, BOT_SECRET_PART[:-1], VK_TOKEN, API_TOKEN, "s3cr3t-pass"):
        assert secret not in text


@pytest.mark.parametrize(
    "key", ["token", "bot_token", "access_token", "refresh_token", "authorization", "password"]
)
def test_secret_keys_are_dropped(log_output, key):
    structlog.get_logger("test").info("platform_connected", connection_id=7, **{key: VK_TOKEN})

    [line] = lines(log_output)
    assert line["event"] == "platform_connected"
    assert line["connection_id"] == 7
    assert line[key] == "***"
    assert_no_secrets(log_output.getvalue())


def test_bot_token_inside_any_string_is_masked(log_output):
    structlog.get_logger("test").warning(
        "publish_job_failed",
        reason=f"bad token {BOT_TOKEN} rejected",
        url=f"https://api.telegram.org/bot{BOT_TOKEN}/sendVideo",
    )

    [line] = lines(log_output)
    assert line["reason"] == "bad token *** rejected"
    assert line["url"] == "https://api.telegram.org/bot***/sendVideo"
    assert_no_secrets(log_output.getvalue())


def test_token_in_the_event_text_itself_is_masked(log_output):
    structlog.get_logger("test").info(f"sending with {BOT_TOKEN}")
    assert_no_secrets(log_output.getvalue())
    assert "sending with ***" in log_output.getvalue()


def test_tokens_in_query_strings_and_bearer_headers_are_masked(log_output):
    structlog.get_logger("test").warning(
        "publish_job_retry",
        request=f"POST https://api.vk.ru/method/video.save?access_token={VK_TOKEN}&v=5.199",
        header=f"Bearer {API_TOKEN}",
    )

    [line] = lines(log_output)
    assert line["request"] == "POST https://api.vk.ru/method/video.save?access_token=***&v=5.199"
    assert line["header"] == "Bearer ***"
    assert_no_secrets(log_output.getvalue())


def test_nested_values_are_scrubbed(log_output):
    structlog.get_logger("test").info(
        "token_refresh_failed",
        response={"status": 401, "access_token": VK_TOKEN, "hint": f"bot{BOT_TOKEN}"},
        headers=[("Authorization", f"Bearer {API_TOKEN}")],
    )

    [line] = lines(log_output)
    assert line["response"]["status"] == 401
    assert line["response"]["access_token"] == "***"
    assert_no_secrets(log_output.getvalue())


def test_exception_values_and_tracebacks_are_scrubbed(log_output):
    log = structlog.get_logger("test")
    error = RuntimeError(f"401 for url 'https://api.telegram.org/bot{BOT_TOKEN}/getMe'")
    try:
        raise error
    except RuntimeError:
        log.exception("publish_job_failed", error=error)

    [line] = lines(log_output)
    assert "RuntimeError" in line["exception"]
    assert "bot***/getMe" in line["exception"]
    assert "bot***/getMe" in line["error"]
    assert_no_secrets(log_output.getvalue())


def test_standard_library_loggers_are_scrubbed_too(log_output):
    logging.getLogger("some.library").warning(
        "POST https://api.telegram.org/bot%s/sendVideo failed", BOT_TOKEN
    )

    try:
        raise ConnectionError(f"reset by https://api.telegram.org/bot{BOT_TOKEN}/sendVideo")
    except ConnectionError:
        logging.getLogger("some.library").exception("upload failed")

    first, second = lines(log_output)
    assert first["event"] == "POST https://api.telegram.org/bot***/sendVideo failed"
    assert "ConnectionError: reset by https://api.telegram.org/bot***/sendVideo" in (
        second["exception"]
    )
    assert_no_secrets(log_output.getvalue())


def test_harmless_values_are_left_alone(log_output):
    structlog.get_logger("test").info(
        "stats_sync_complete",
        platform="telegram",
        posts=12,
        at="2026-01-02T03:04:05+00:00",
        chat_id=-1001234567890,
        message_id="1001234567:42",
    )

    [line] = lines(log_output)
    assert line["posts"] == 12
    assert line["at"] == "2026-01-02T03:04:05+00:00"
    assert line["chat_id"] == -1001234567890
    assert line["message_id"] == "1001234567:42"


@pytest.mark.parametrize("log_format", ["json", "console"])
def test_a_real_process_writes_no_secret_to_stderr(log_format):
    script = (
        "import django, logging, os, structlog; django.setup();"
        "log = structlog.get_logger('autopost');"
        "log.info('platform_connected', bot_token=os.environ['T_BOT'], channel='@news');"
        "log.info('publish_job_start', authorization='Bearer ' + os.environ['T_API']);"
        "log.warning('publish_job_failed', reason='token ' + os.environ['T_BOT'] + ' revoked');"
        "logging.getLogger('x').warning('url https://api.telegram.org/bot%s/x', os.environ['T_BOT'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "autopost.settings",
        "AUTOPOST_LOG_FORMAT": log_format,
        "T_BOT": BOT_TOKEN,
        "T_API": API_TOKEN,
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert "platform_connected" in result.stderr and "@news" in result.stderr
    assert "publish_job_failed" in result.stderr
    assert_no_secrets(result.stderr + result.stdout)


def test_exception_passed_as_exc_info_keeps_its_traceback_and_loses_the_token(log_output):
    try:
        raise ValueError(f"token {BOT_TOKEN} is invalid")
    except ValueError as exc:
        error = exc

    structlog.get_logger("test").error("token_refresh_failed", exc_info=error)

    [line] = lines(log_output)
    assert "Traceback" in line["exception"]
    assert "ValueError: token *** is invalid" in line["exception"]
    assert_no_secrets(log_output.getvalue())
