"""The channel model: who may read and post where; what getChat and getChatMember return."""

import pytest

from autopost.sandbox import demo
from autopost.sandbox.telegram.world import ADMIN_RIGHTS


def call(http, bot_api, method, **params):
    return http.post(f"{bot_api}/{method}", data=params)


def error_of(response) -> tuple[int, str]:
    body = response.json()
    assert body["ok"] is False and body["error_code"] == response.status_code
    return response.status_code, body["description"]


def test_get_chat_returns_full_info_by_username_and_by_id(http, bot_api):
    by_name = call(http, bot_api, "getChat", chat_id=demo.TELEGRAM_CHANNEL).json()["result"]
    by_id = call(http, bot_api, "getChat", chat_id=demo.TELEGRAM_CHANNEL_ID).json()["result"]

    assert by_name == by_id
    assert by_name["id"] == demo.TELEGRAM_CHANNEL_ID
    assert by_name["type"] == "channel"
    assert by_name["username"] == demo.TELEGRAM_CHANNEL.removeprefix("@")
    # Fields clients require (platform-apis.md §8).
    assert isinstance(by_name["accent_color_id"], int)
    assert isinstance(by_name["max_reaction_count"], int)


def test_usernames_match_case_insensitively(http, bot_api):
    response = call(http, bot_api, "getChat", chat_id="@AutoPost_Demo")
    assert response.json()["result"]["id"] == demo.TELEGRAM_CHANNEL_ID


@pytest.mark.parametrize("chat_id", ["@no_such_channel", "-1009999999999", "not-a-chat"])
def test_unknown_chat_is_400_chat_not_found(http, bot_api, chat_id):
    response = call(http, bot_api, "getChat", chat_id=chat_id)
    assert error_of(response) == (400, "Bad Request: chat not found")


def test_private_channel_is_reachable_by_id_for_its_admin_bot(http, bot_api):
    response = call(http, bot_api, "getChat", chat_id=demo.TELEGRAM_PRIVATE_CHANNEL_ID)
    result = response.json()["result"]
    assert result["title"] == demo.TELEGRAM_PRIVATE_CHANNEL_TITLE
    assert "username" not in result


def test_private_channel_is_not_found_for_a_bot_without_membership(sandbox_control, http):
    stranger = sandbox_control.create_bot()
    api = f"{sandbox_control.telegram_api_url}/bot{stranger['token']}"
    response = call(http, api, "getChat", chat_id=demo.TELEGRAM_PRIVATE_CHANNEL_ID)
    assert error_of(response) == (400, "Bad Request: chat not found")


def test_public_channel_is_readable_but_not_writable_for_a_non_member(http, bot_api):
    chat = demo.TELEGRAM_NOT_MEMBER_CHANNEL
    assert call(http, bot_api, "getChat", chat_id=chat).status_code == 200

    response = call(http, bot_api, "sendMessage", chat_id=chat, text="Привет")

    assert error_of(response) == (403, "Forbidden: bot is not a member of the channel chat")


def test_member_without_admin_rights_cannot_post(sandbox_control, http, bot_api):
    response = call(
        http, bot_api, "sendMessage", chat_id=demo.TELEGRAM_READONLY_CHANNEL, text="Привет"
    )
    assert error_of(response) == (
        400,
        "Bad Request: need administrator rights in the channel chat",
    )
    assert sandbox_control.telegram_messages() == []


def test_administrator_without_post_messages_right_cannot_post(sandbox_control, http):
    bot = sandbox_control.create_bot("editor_only_bot")
    channel = sandbox_control.create_channel(
        "Без права публикации",
        username="no_post_right",
        members=[{"user_id": bot["id"], "rights": {"can_post_messages": False}}],
    )
    api = f"{sandbox_control.telegram_api_url}/bot{bot['token']}"

    member = call(http, api, "getChatMember", chat_id=channel["id"], user_id=bot["id"])
    posted = call(http, api, "sendMessage", chat_id=channel["id"], text="Привет")

    assert member.json()["result"]["status"] == "administrator"
    assert member.json()["result"]["can_post_messages"] is False
    assert error_of(posted) == (400, "Bad Request: need administrator rights in the channel chat")


def test_kicked_bot_is_refused_even_reading(sandbox_control, http):
    bot = sandbox_control.create_bot()
    kicked = {"user_id": bot["id"], "status": "kicked"}
    sandbox_control.create_channel("Бот удалён", username="bot_was_kicked", members=[kicked])
    api = f"{sandbox_control.telegram_api_url}/bot{bot['token']}"

    response = call(http, api, "getChat", chat_id="@bot_was_kicked")

    assert error_of(response) == (403, "Forbidden: bot was kicked from the channel chat")


def test_private_channel_that_the_bot_left_is_forbidden(sandbox_control, http):
    bot = sandbox_control.create_bot()
    channel = sandbox_control.create_channel(
        "Бот вышел", members=[{"user_id": bot["id"], "status": "left"}]
    )
    api = f"{sandbox_control.telegram_api_url}/bot{bot['token']}"

    response = call(http, api, "getChat", chat_id=channel["id"])

    assert error_of(response) == (403, "Forbidden: bot is not a member of the channel chat")


def test_get_chat_member_of_the_admin_bot_has_user_and_every_right(http, bot_api):
    response = call(
        http, bot_api, "getChatMember", chat_id=demo.TELEGRAM_CHANNEL, user_id=demo.TELEGRAM_BOT_ID
    )
    member = response.json()["result"]

    assert member["status"] == "administrator"
    assert member["user"] == {
        "id": demo.TELEGRAM_BOT_ID,
        "is_bot": True,
        "first_name": demo.TELEGRAM_BOT_NAME,
        "username": demo.TELEGRAM_BOT_USERNAME,
    }
    assert {name: member[name] for name in ADMIN_RIGHTS} == dict.fromkeys(ADMIN_RIGHTS, True)
    assert member["can_be_edited"] is False
    assert member["is_anonymous"] is False


@pytest.mark.parametrize(
    ("chat_id", "status"),
    [
        (demo.TELEGRAM_READONLY_CHANNEL, "member"),
        (demo.TELEGRAM_NOT_MEMBER_CHANNEL, "left"),
    ],
)
def test_get_chat_member_of_itself_reports_its_status(http, bot_api, chat_id, status):
    response = call(http, bot_api, "getChatMember", chat_id=chat_id, user_id=demo.TELEGRAM_BOT_ID)
    assert response.json()["result"] == {
        "status": status,
        "user": {
            "id": demo.TELEGRAM_BOT_ID,
            "is_bot": True,
            "first_name": demo.TELEGRAM_BOT_NAME,
            "username": demo.TELEGRAM_BOT_USERNAME,
        },
    }


def test_admin_bot_sees_the_channel_creator(http, bot_api):
    response = call(
        http,
        bot_api,
        "getChatMember",
        chat_id=demo.TELEGRAM_CHANNEL,
        user_id=demo.TELEGRAM_OWNER_ID,
    )
    member = response.json()["result"]
    assert member["status"] == "creator"
    assert member["user"]["is_bot"] is False
    assert member["is_anonymous"] is False


def test_non_admin_bot_cannot_read_other_members(http, bot_api):
    response = call(
        http,
        bot_api,
        "getChatMember",
        chat_id=demo.TELEGRAM_READONLY_CHANNEL,
        user_id=demo.TELEGRAM_OWNER_ID,
    )
    assert error_of(response) == (400, "Bad Request: member list is inaccessible")


@pytest.mark.parametrize(
    ("user_id", "description"),
    [("", "Bad Request: invalid user_id specified"), ("424242", "Bad Request: user not found")],
)
def test_get_chat_member_rejects_bad_users(http, bot_api, user_id, description):
    response = call(
        http, bot_api, "getChatMember", chat_id=demo.TELEGRAM_CHANNEL, user_id=user_id
    )
    assert error_of(response) == (400, description)


def test_get_chat_member_count_is_the_subscriber_count(http, bot_api):
    response = call(http, bot_api, "getChatMemberCount", chat_id=demo.TELEGRAM_CHANNEL)
    assert response.json() == {"ok": True, "result": demo.TELEGRAM_CHANNEL_MEMBER_COUNT}


def test_new_channel_and_bot_work_together(sandbox_control, http):
    bot = sandbox_control.create_bot("fresh_channel_bot", "Свежий бот")
    channel = sandbox_control.create_channel(
        "Свежий канал", username="fresh_channel", members=[{"user_id": bot["id"]}]
    )
    api = f"{sandbox_control.telegram_api_url}/bot{bot['token']}"

    me = http.get(f"{api}/getMe").json()["result"]
    posted = call(http, api, "sendMessage", chat_id="@fresh_channel", text="Первый пост")

    assert me["username"] == "fresh_channel_bot"
    assert me["first_name"] == "Свежий бот"
    assert bot["token"].split(":")[0] == str(bot["id"])
    assert len(bot["token"].split(":")[1]) == 35
    assert posted.json()["result"]["chat"]["id"] == channel["id"]
    assert posted.json()["result"]["message_id"] == 1
