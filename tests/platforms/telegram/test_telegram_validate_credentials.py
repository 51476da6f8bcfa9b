"""Connecting a bot and a channel: getMe → getChat → getChatMember (docs/platform-apis.md §3.1)."""

from __future__ import annotations

import pytest
from django.conf import settings

from autopost.platforms.errors import PermanentError, RateLimited, TransientError
from autopost.platforms.telegram.adapter import TelegramAdapter

from .fakes import form_fields
from .replies import (
    BOT_TOKEN,
    CHAT_ID,
    GET_CHAT,
    GET_CHAT_PRIVATE,
    GET_ME,
    chat_member,
    error,
    plain_member,
)


def connect(telegram, channel="@myclips", bot_token=BOT_TOKEN):
    return TelegramAdapter.validate_credentials(
        bot_token=bot_token, channel=channel, transport=telegram.transport
    )


def rejected(telegram, **kwargs) -> PermanentError:
    with pytest.raises(PermanentError) as caught:
        connect(telegram, **kwargs)
    return caught.value


def test_admin_bot_with_post_rights_connects(telegram):
    telegram.reply("getMe", GET_ME).reply("getChat", GET_CHAT).reply("getChatMember", chat_member())

    info = connect(telegram)

    assert info.account_id == "123456789"
    assert info.account_name == "@clipper_bot"
    assert info.target_id == str(CHAT_ID)
    assert info.target_name == "My clips"
    assert info.target_url == f"{settings.TELEGRAM_WEB_URL}/myclips"
    assert dict(info.options) == {"chat_username": "myclips", "bot_username": "clipper_bot"}
    assert info.credentials.access_token == BOT_TOKEN
    assert telegram.methods == ["getMe", "getChat", "getChatMember"]
    assert form_fields(telegram.requests[1]) == {"chat_id": "@myclips"}
    assert form_fields(telegram.requests[2]) == {"chat_id": str(CHAT_ID), "user_id": "123456789"}


def test_private_channel_has_no_public_link(telegram):
    telegram.reply("getMe", GET_ME).reply("getChat", GET_CHAT_PRIVATE)
    telegram.reply("getChatMember", chat_member())

    info = connect(telegram, channel=str(CHAT_ID))

    assert info.target_url == ""
    assert info.target_name == "Secret clips"
    assert info.options["chat_username"] == ""


def test_creator_may_post(telegram):
    telegram.reply("getMe", GET_ME).reply("getChat", GET_CHAT)
    telegram.reply("getChatMember", plain_member("creator"))

    assert connect(telegram).target_id == str(CHAT_ID)


@pytest.mark.parametrize(
    ("channel", "sent"),
    [
        ("@myclips", "@myclips"),
        ("myclips", "@myclips"),
        ("  @myclips  ", "@myclips"),
        ("https://t.me/myclips", "@myclips"),
        ("https://t.me/myclips/", "@myclips"),
        ("http://t.me/myclips", "@myclips"),
        ("t.me/myclips", "@myclips"),
        ("https://t.me/s/myclips", "@myclips"),
        ("-1001234567890", "-1001234567890"),
    ],
)
def test_channel_forms_are_accepted(telegram, channel, sent):
    telegram.reply("getMe", GET_ME).reply("getChat", GET_CHAT).reply("getChatMember", chat_member())

    connect(telegram, channel=channel)

    assert form_fields(telegram.requests[1]) == {"chat_id": sent}


@pytest.mark.parametrize(
    "channel",
    [
        "",
        "   ",
        "my clips",
        "@abc",
        "@1channel",
        "@channel_",
        "@мойканал",
        "https://t.me/+AbCdEfGh123",
        "https://t.me/joinchat/AbCdEfGh123",
        "https://example.com/myclips",
        "https://t.me/myclips/812",
        "1234567890",
        "-1234567890",
        "@myclips?x=1",
    ],
)
def test_malformed_channel_is_rejected_before_any_call(telegram, channel):
    exc = rejected(telegram, channel=channel)

    assert exc.code == "telegram_invalid_channel"
    assert "канал" in exc.message
    assert telegram.requests == []


@pytest.mark.parametrize(
    "bot_token",
    [
        "",
        "not-a-token",
        "123456789",
        ":secret",
        "123:abc/def",
        "123:abc?x=1",
        "123:abc def",
        "abc:def",
    ],
)
def test_malformed_token_is_rejected_before_any_call(telegram, bot_token):
    exc = rejected(telegram, bot_token=bot_token)

    assert exc.code == "telegram_invalid_token"
    assert exc.message == "Неверный токен бота: проверьте его в @BotFather"
    assert telegram.requests == []


@pytest.mark.parametrize(
    ("status", "body"),
    [(401, error(401, "Unauthorized")), (404, error(404, "Not Found"))],
)
def test_unknown_token_is_invalid(telegram, status, body):
    telegram.reply("getMe", body, status)

    exc = rejected(telegram)

    assert exc.code == "telegram_invalid_token"
    assert exc.message == "Неверный токен бота: проверьте его в @BotFather"
    assert BOT_TOKEN.split(":")[1] not in repr(exc)


def test_unknown_channel(telegram):
    telegram.reply("getMe", GET_ME).reply("getChat", error(400, "Bad Request: chat not found"), 400)

    exc = rejected(telegram)

    assert exc.code == "telegram_chat_not_found"
    assert exc.message == "Канал не найден: проверьте @имя или ID канала"
    assert telegram.methods == ["getMe", "getChat"]


def test_bot_outside_the_channel(telegram):
    body = error(403, "Forbidden: bot is not a member of the channel chat")
    telegram.reply("getMe", GET_ME).reply("getChat", body, 403)

    exc = rejected(telegram)

    assert exc.code == "telegram_bot_not_member"
    assert exc.message == "Бот не добавлен в канал: добавьте его администратором"


@pytest.mark.parametrize("status", ["left", "kicked"])
def test_bot_that_left_or_was_removed(telegram, status):
    telegram.reply("getMe", GET_ME).reply("getChat", GET_CHAT)
    telegram.reply("getChatMember", plain_member(status))

    assert rejected(telegram).code == "telegram_bot_not_member"


@pytest.mark.parametrize("status", ["member", "restricted"])
def test_bot_that_is_not_an_administrator(telegram, status):
    telegram.reply("getMe", GET_ME).reply("getChat", GET_CHAT)
    telegram.reply("getChatMember", plain_member(status))

    exc = rejected(telegram)

    assert exc.code == "telegram_bot_not_admin"
    assert exc.message == "Бот не администратор канала: выдайте ему права администратора"


@pytest.mark.parametrize("rights", [{"can_post_messages": False}, {"can_post_messages": None}])
def test_administrator_without_the_post_right(telegram, rights):
    member = chat_member(**rights)
    if rights["can_post_messages"] is None:
        del member["result"]["can_post_messages"]
    telegram.reply("getMe", GET_ME).reply("getChat", GET_CHAT).reply("getChatMember", member)

    exc = rejected(telegram)

    assert exc.code == "telegram_no_post_rights"
    assert exc.message == "У бота нет права «Публикация сообщений» в канале"


@pytest.mark.parametrize("chat_type", ["supergroup", "group", "private"])
def test_chats_that_are_not_channels_are_refused(telegram, chat_type):
    chat = {"ok": True, "result": {**GET_CHAT["result"], "type": chat_type}}
    telegram.reply("getMe", GET_ME).reply("getChat", chat)

    exc = rejected(telegram)

    assert exc.code == "telegram_not_a_channel"
    assert telegram.methods == ["getMe", "getChat"]


def test_rate_limit_while_connecting_is_not_a_verdict(telegram):
    body = error(429, "Too Many Requests: retry after 3", retry_after=3)
    telegram.reply("getMe", GET_ME).reply("getChat", body, 429)

    with pytest.raises(RateLimited) as caught:
        connect(telegram)

    assert caught.value.retry_after_s == 3


def test_server_error_while_connecting_is_transient(telegram):
    telegram.reply("getMe", content=b"<html>502</html>", status=502)

    with pytest.raises(TransientError):
        connect(telegram)
