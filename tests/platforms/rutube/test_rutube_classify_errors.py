"""Every row of docs/platform-apis.md §4.3 (and §6's Rutube column) maps to one error class."""

from __future__ import annotations

import traceback
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest
from structlog.testing import capture_logs

from autopost.platforms.errors import (
    AuthExpired,
    PermanentError,
    PlatformError,
    RateLimited,
    TransientError,
)
from autopost.platforms.rutube.client import DEFAULT_RETRY_AFTER_S, RutubeClient, platform_detail

from .replies import NOT_FOUND, TOKEN, VIDEO_ID, video, video_route

ROWS = [
    # (status, body or raw bytes, error class, code, message)
    (401, {"detail": "Invalid token."}, AuthExpired, "rutube_token_invalid",
     "Токен Rutube недействителен: подключите Rutube заново"),
    (401, b"", AuthExpired, "rutube_token_invalid", None),
    (429, {"detail": "Request was throttled."}, RateLimited, "rutube_rate_limited", None),
    (500, b"<html>Internal Server Error</html>", TransientError, "rutube_server_error",
     "Rutube временно недоступен (HTTP 500)"),
    (502, b"", TransientError, "rutube_server_error", None),
    (503, {"detail": "Service unavailable"}, TransientError, "rutube_server_error", None),
    (408, b"", TransientError, "rutube_server_error", None),
    (302, b"", TransientError, "rutube_bad_reply", None),
    (200, b"<html>login</html>", TransientError, "rutube_bad_reply",
     "Rutube вернул непонятный ответ"),
    (200, [1, 2], TransientError, "rutube_bad_reply", None),
    (200, {"id": VIDEO_ID, "hits": "many"}, TransientError, "rutube_bad_reply", None),
    (200, {"id": "../../etc"}, TransientError, "rutube_bad_reply", None),
    (400, {"url": ["This field is required."]}, PermanentError, "rutube_bad_request",
     "Rutube отклонил запрос: поле «url»: This field is required."),
    (400, {"non_field_errors": ["Bad input."], "title": ["Too long.", "Bad."]}, PermanentError,
     "rutube_bad_request", "Rutube отклонил запрос: Bad input.; поле «title»: Too long.; Bad."),
    (400, b"", PermanentError, "rutube_bad_request", "Rutube отклонил запрос"),
    (403, {"detail": "You do not have permission to perform this action."}, PermanentError,
     "rutube_forbidden",
     "Rutube запретил действие: You do not have permission to perform this action."),
    (404, NOT_FOUND, PermanentError, "rutube_not_found",
     "Rutube не нашёл запрошенное: Not found."),
    (405, {"detail": 'Method "PUT" not allowed.'}, PermanentError, "rutube_rejected",
     'Rutube отклонил запрос (HTTP 405): Method "PUT" not allowed.'),
]


def get_video(rutube, status, body, headers=None):
    content = body if isinstance(body, bytes) else None
    rutube.reply(video_route(), None if content is not None else body, status,
                 content=content, headers=headers)
    with RutubeClient(TOKEN, transport=rutube.transport) as client:
        return client.video(VIDEO_ID)


@pytest.mark.parametrize(("status", "body", "error", "code", "message"), ROWS)
def test_reply_is_classified(rutube, status, body, error, code, message):
    with capture_logs() as logs, pytest.raises(PlatformError) as caught:
        get_video(rutube, status, body)

    assert type(caught.value) is error
    assert caught.value.code == code
    if message is not None:
        assert caught.value.message == message
    shown = repr(caught.value) + str(caught.value) + "".join(
        traceback.format_exception(caught.value)) + repr(logs)
    assert TOKEN not in shown


def test_good_reply_parses(rutube):
    assert get_video(rutube, 200, video()).hits == 5321


@pytest.mark.parametrize(("header", "expected"), [
    ("17", 17.0), ("0", 0.0), ("", DEFAULT_RETRY_AFTER_S), ("soon", DEFAULT_RETRY_AFTER_S),
    ("-5", DEFAULT_RETRY_AFTER_S), ("nan", DEFAULT_RETRY_AFTER_S),
])
def test_rate_limit_honours_retry_after(rutube, header, expected):
    headers = {"Retry-After": header} if header else None
    with pytest.raises(RateLimited) as caught:
        get_video(rutube, 429, {}, headers)

    assert caught.value.retry_after_s == expected


def test_retry_after_may_be_a_date(rutube):
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=90), usegmt=True)
    with pytest.raises(RateLimited) as caught:
        get_video(rutube, 429, {}, {"Retry-After": when})

    assert 80 <= caught.value.retry_after_s <= 90


@pytest.mark.parametrize(("exc", "code"), [
    (httpx.ConnectTimeout("timed out"), "platform_timeout"),
    (httpx.ConnectError("refused"), "platform_connection_error"),
    (httpx.RemoteProtocolError("reset"), "platform_connection_error"),
])
def test_network_failures_are_transient_without_the_request(rutube, exc, code):
    rutube.fail_with(video_route(), exc)

    with pytest.raises(TransientError) as caught:
        with RutubeClient(TOKEN, transport=rutube.transport) as client:
            client.video(VIDEO_ID)

    assert caught.value.code == code
    assert caught.value.__context__ is None and caught.value.__cause__ is None


def test_client_repr_hides_the_token():
    assert TOKEN not in repr(RutubeClient(TOKEN))


def test_platform_words_drop_query_strings_and_stay_short():
    body = {"url": ["Cannot download https://files.example.net/c.mp4?sig=s3cr3t&e=1 (403)"]}
    expected = "поле «url»: Cannot download https://files.example.net/c.mp4 (403)"
    assert platform_detail(body) == expected

    long = platform_detail({"detail": "x" * 1000})
    assert len(long) == 300 and long.endswith("…")
