"""Every row of docs/platform-apis.md §3.5 (+ §8) maps to one error class and one stable code."""

from __future__ import annotations

import traceback

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
from autopost.platforms.telegram.client import DEFAULT_RETRY_AFTER_S, TelegramClient

from .replies import BASE_URL, BOT_TOKEN, GET_ME, error

TOKEN_SECRET = BOT_TOKEN.split(":", 1)[1]

ROWS = [
    # (status, body, error class, code)
    (401, error(401, "Unauthorized"), AuthExpired, "telegram_token_invalid"),
    (
        401,
        error(401, "Unauthorized: invalid token specified"),
        AuthExpired,
        "telegram_token_invalid",
    ),
    (404, error(404, "Not Found"), AuthExpired, "telegram_token_invalid"),
    (404, error(404, "Not Found: method not found"), AuthExpired, "telegram_token_invalid"),
    (400, error(400, "Bad Request: chat not found"), PermanentError, "telegram_chat_not_found"),
    (
        403,
        error(403, "Forbidden: bot is not a member of the channel chat"),
        PermanentError,
        "telegram_bot_not_member",
    ),
    (
        403,
        error(403, "Forbidden: bot was kicked from the channel chat"),
        PermanentError,
        "telegram_bot_not_member",
    ),
    (
        400,
        error(400, "Bad Request: need administrator rights in the channel chat"),
        PermanentError,
        "telegram_no_post_rights",
    ),
    (
        400,
        error(400, "Bad Request: not enough rights to send videos to the chat"),
        PermanentError,
        "telegram_no_post_rights",
    ),
    (
        400,
        error(400, "Bad Request: wrong file identifier/HTTP URL specified"),
        PermanentError,
        "telegram_wrong_file",
    ),
    (
        400,
        error(400, "Bad Request: failed to get HTTP URL content"),
        PermanentError,
        "telegram_url_content",
    ),
    (
        400,
        error(400, "Bad Request: message caption is too long"),
        PermanentError,
        "telegram_caption_too_long",
    ),
    (
        400,
        error(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            migrate_to_chat_id=-1009876543210,
        ),
        PermanentError,
        "telegram_chat_migrated",
    ),
    (413, error(413, "Request Entity Too Large"), PermanentError, "file_too_large"),
    (
        429,
        error(429, "Too Many Requests: retry after 35", retry_after=35),
        RateLimited,
        "rate_limited",
    ),
    (500, error(500, "Internal Server Error"), TransientError, "telegram_server_error"),
    (502, error(502, "Bad Gateway"), TransientError, "telegram_server_error"),
    (400, error(400, "Bad Request: message text is empty"), PermanentError, "telegram_bad_request"),
    (
        403,
        error(403, "Forbidden: bot can't initiate conversation"),
        PermanentError,
        "telegram_forbidden",
    ),
]


def call_get_me(telegram) -> PlatformError:
    with (
        TelegramClient(BOT_TOKEN, transport=telegram.transport) as client,
        pytest.raises(PlatformError) as caught,
    ):
        client.get_me()
    return caught.value


def assert_no_token(exc: BaseException) -> None:
    rendered = [
        str(exc),
        repr(exc),
        repr(exc.args),
        getattr(exc, "message", ""),
        "".join(traceback.format_exception(exc)),
    ]
    for text in rendered:
        assert TOKEN_SECRET not in text
        assert BOT_TOKEN not in text


@pytest.mark.parametrize(("status", "body", "error_class", "code"), ROWS)
def test_each_documented_error_maps_to_its_class_and_code(
    telegram, status, body, error_class, code
):
    telegram.reply("getMe", body, status)

    exc = call_get_me(telegram)

    assert type(exc) is error_class
    assert exc.code == code
    assert exc.message
    assert_no_token(exc)


@pytest.mark.parametrize("status", [401, 404])
def test_bad_token_says_reconnect_in_the_exact_words(telegram, status):
    telegram.reply("getMe", error(status, "Unauthorized"), status)

    exc = call_get_me(telegram)

    assert exc.message == "Токен истёк, переподключите платформу"


def test_chat_errors_carry_the_users_words(telegram):
    telegram.reply("getMe", error(400, "Bad Request: chat not found"), 400)
    assert call_get_me(telegram).message == "Канал не найден: проверьте @имя или ID канала"
    telegram.reply("getMe", error(403, "Forbidden: bot is not a member of the channel chat"), 403)
    assert call_get_me(telegram).message == "Бот не добавлен в канал: добавьте его администратором"
    telegram.reply(
        "getMe", error(400, "Bad Request: need administrator rights in the channel chat"), 400
    )
    assert call_get_me(telegram).message == "У бота нет права «Публикация сообщений» в канале"


def test_too_large_names_the_cloud_limit(telegram):
    telegram.reply("getMe", content=b"<html>413 Request Entity Too Large</html>", status=413)

    exc = call_get_me(telegram)

    assert exc.code == "file_too_large"
    assert exc.message == "Файл слишком большой для Telegram (максимум 50 МБ)"


def test_too_large_names_the_local_server_limit(telegram, settings):
    settings.TELEGRAM_LOCAL_API = True
    telegram.reply("getMe", error(413, "Request Entity Too Large"), 413)

    exc = call_get_me(telegram)

    assert exc.message == "Файл слишком большой для Telegram (максимум 2000 МБ)"


def test_migrated_chat_names_the_new_id(telegram):
    body = error(
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=-1009876543210,
    )
    telegram.reply("getMe", body, 400)

    exc = call_get_me(telegram)

    assert "-1009876543210" in exc.message


# --- 429 -------------------------------------------------------------------------------------


def test_retry_after_comes_from_the_parameters(telegram):
    body = error(429, "Too Many Requests: retry after 35", retry_after=35)
    telegram.reply("getMe", body, 429, headers={"Retry-After": "99"})

    exc = call_get_me(telegram)

    assert isinstance(exc, RateLimited)
    assert exc.retry_after_s == 35


def test_retry_after_falls_back_to_the_header(telegram):
    telegram.reply(
        "getMe", error(429, "Too Many Requests: retry after 7"), 429, headers={"Retry-After": "7"}
    )

    exc = call_get_me(telegram)

    assert isinstance(exc, RateLimited)
    assert exc.retry_after_s == 7


def test_retry_after_header_is_used_when_the_body_is_not_json(telegram):
    telegram.reply("getMe", content=b"Too Many Requests", status=429, headers={"Retry-After": "12"})

    assert call_get_me(telegram).retry_after_s == 12


@pytest.mark.parametrize("headers", [None, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}])
def test_retry_after_defaults_when_telegram_gives_none(telegram, headers):
    telegram.reply("getMe", error(429, "Too Many Requests"), 429, headers=headers)

    assert call_get_me(telegram).retry_after_s == DEFAULT_RETRY_AFTER_S


# --- replies we cannot read --------------------------------------------------------------------


def test_non_json_bad_gateway_is_transient(telegram):
    telegram.reply(
        "getMe",
        content=b"<html><h1>502 Bad Gateway</h1></html>",
        status=502,
        headers={"Content-Type": "text/html"},
    )

    exc = call_get_me(telegram)

    assert isinstance(exc, TransientError)
    assert exc.code == "telegram_server_error"


@pytest.mark.parametrize(
    ("status", "content"),
    [
        (200, b"<html>hello</html>"),
        (200, b'{"ok":true,"result":{"id":"not a number","is_bot":true,"first_name":"C"}}'),
        (200, b'{"ok":true}'),
        (200, b'{"ok":false}'),
        (200, b"[1, 2]"),
        (400, b"<html>Bad Request</html>"),
        (403, b'{"unexpected":"shape"}'),
        (302, b""),
    ],
)
def test_unreadable_reply_is_transient_and_logged_without_the_token(telegram, status, content):
    telegram.reply("getMe", content=content, status=status)

    with capture_logs() as logs:
        exc = call_get_me(telegram)

    assert isinstance(exc, TransientError)
    assert exc.code == "telegram_bad_reply"
    assert_no_token(exc)
    assert {
        "event": "telegram_bad_reply",
        "method": "getMe",
        "status": status,
        "log_level": "warning",
    } in logs
    assert TOKEN_SECRET not in repr(logs)


def test_error_under_http_200_is_classified_by_its_error_code(telegram):
    telegram.reply("getMe", error(400, "Bad Request: chat not found"), 200)

    assert call_get_me(telegram).code == "telegram_chat_not_found"


# --- transport failures ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "exc_class",
    [httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.DecodingError],
)
def test_transport_failures_become_transient_without_the_url(telegram, exc_class):
    url = f"{BASE_URL}/bot{BOT_TOKEN}/getMe"
    telegram.fail_with(
        "getMe", exc_class(f"failed talking to {url}", request=httpx.Request("POST", url))
    )

    exc = call_get_me(telegram)

    assert isinstance(exc, TransientError)
    assert_no_token(exc)


# --- request shape ---------------------------------------------------------------------------


def test_calls_go_to_the_bot_path_under_the_configured_url(telegram):
    telegram.reply("getMe", GET_ME)

    with TelegramClient(BOT_TOKEN, transport=telegram.transport) as client:
        bot = client.get_me()

    assert bot.id == 123456789
    assert str(telegram.requests[0].url) == f"{BASE_URL}/bot{BOT_TOKEN}/getMe"


def test_client_repr_hides_the_token(telegram):
    with TelegramClient(BOT_TOKEN, transport=telegram.transport) as client:
        assert TOKEN_SECRET not in repr(client)


def test_a_base_url_with_a_path_keeps_it(telegram, settings):
    settings.TELEGRAM_API_URL = "http://127.0.0.1:8001/telegram"
    telegram.reply("getMe", GET_ME)

    with TelegramClient(BOT_TOKEN, transport=telegram.transport) as client:
        client.get_me()

    assert str(telegram.requests[0].url) == f"http://127.0.0.1:8001/telegram/bot{BOT_TOKEN}/getMe"
