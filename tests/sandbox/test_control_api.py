"""The control API and the demo page: reset, world building, validation, configuration."""

import httpx
import pytest

from autopost.sandbox import demo

BOT = demo.TELEGRAM_BOT_ID


def test_reset_forgets_messages_bots_and_revocations(sandbox_control, http, bot_api):
    post = {"chat_id": demo.TELEGRAM_CHANNEL, "text": "пост"}
    http.post(f"{bot_api}/sendMessage", data=post)
    extra = sandbox_control.create_bot()
    sandbox_control.revoke_bot(demo.TELEGRAM_BOT_ID)
    sandbox_control.set_telegram_config(rate_limit=False, keep_files=True)

    sandbox_control.reset()

    assert sandbox_control.telegram_messages() == []
    assert http.get(f"{bot_api}/getMe").status_code == 200
    stale = f"{sandbox_control.telegram_api_url}/bot{extra['token']}/getMe"
    assert http.get(stale).status_code == 401
    assert sandbox_control.telegram_config() == {
        "mode": "cloud",
        "rate_limit": True,
        "channel_messages_per_minute": 20,
        "keep_files": False,
    }
    # Message ids start over too.
    again = http.post(f"{bot_api}/sendMessage", data=post)
    assert again.json()["result"]["message_id"] == 1


def test_messages_can_be_filtered_by_chat(sandbox_control, http, bot_api):
    for chat_id in (demo.TELEGRAM_CHANNEL, demo.TELEGRAM_PRIVATE_CHANNEL_ID):
        http.post(f"{bot_api}/sendMessage", data={"chat_id": chat_id, "text": "пост"})

    assert len(sandbox_control.telegram_messages()) == 2
    [private] = sandbox_control.telegram_messages(demo.TELEGRAM_PRIVATE_CHANNEL_ID)
    assert private["chat_id"] == demo.TELEGRAM_PRIVATE_CHANNEL_ID
    assert sandbox_control.telegram_messages("@no_such_channel") == []


def test_created_bot_has_its_own_identity(sandbox_control):
    bot = sandbox_control.create_bot("clips_test_bot", "Тестовый", bot_id=5_555_555_555)
    assert bot == {
        "id": 5_555_555_555,
        "token": bot["token"],
        "username": "clips_test_bot",
        "first_name": "Тестовый",
        "revoked": False,
    }
    assert bot["token"].startswith("5555555555:")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"username": "x"}, "username"),
        ({"id": demo.TELEGRAM_BOT_ID}, "taken"),
        ({"username": demo.TELEGRAM_BOT_USERNAME}, "taken"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_invalid_bots_are_rejected_with_a_reason(sandbox_control, payload, message):
    response = httpx.post(f"{sandbox_control.base_url}/_control/telegram/bots", json=payload)
    assert response.status_code == 400
    assert message in response.json()["error"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"title": "Без id", "id": 5}, "id"),
        ({"title": "Занят", "username": demo.TELEGRAM_CHANNEL[1:]}, "taken"),
        ({"title": "Никто", "members": [{"user_id": 999}]}, "unknown user"),
        ({"title": "Права", "members": [{"user_id": BOT, "rights": {"can_fly": True}}]}, "can_fly"),
        ({"title": "Статус", "members": [{"user_id": BOT, "status": "king"}]}, "status"),
    ],
)
def test_invalid_channels_are_rejected_with_a_reason(sandbox_control, payload, message):
    response = httpx.post(f"{sandbox_control.base_url}/_control/telegram/channels", json=payload)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_revoking_an_unknown_bot_is_404(sandbox_control):
    with pytest.raises(httpx.HTTPStatusError) as raised:
        sandbox_control.revoke_bot(1)
    assert raised.value.response.status_code == 404


def test_config_rejects_unknown_modes(sandbox_control):
    with pytest.raises(httpx.HTTPStatusError) as raised:
        sandbox_control.set_telegram_config(mode="moon")
    assert raised.value.response.status_code == 400
    assert sandbox_control.telegram_config()["mode"] == "cloud"


def test_control_client_hides_nothing_secret_in_repr(sandbox_control):
    assert repr(sandbox_control) == f"SandboxControl({sandbox_control.base_url!r})"


def test_demo_page_lists_the_world_in_russian(sandbox_control, http):
    sandbox_control.add_fault("http_500", method="sendVideo")

    page = http.get(f"{sandbox_control.base_url}/")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "Песочница autopost" in html
    assert demo.TELEGRAM_BOT_TOKEN in html
    assert demo.TELEGRAM_CHANNEL in html
    assert str(demo.TELEGRAM_PRIVATE_CHANNEL_ID) in html
    assert "Добавить сбой" in html
    assert "HTTP 500 (внутренняя ошибка)" in html  # the queued fault
    assert 'data-url="/_control/reset"' in html


def test_demo_page_form_payloads_are_accepted(sandbox_control):
    # The page's script posts form values as strings (numbers included) and true/false as booleans.
    control = f"{sandbox_control.base_url}/_control"
    fault = {"platform": "telegram", "method": "getMe", "kind": "delay"}
    fault |= {"count": "2", "delay_s": "1"}

    added = httpx.post(f"{control}/faults", json=fault)
    switches = {"mode": "local", "rate_limit": False}
    configured = httpx.put(f"{control}/telegram/config", json=switches)

    assert added.status_code == 201
    assert added.json()["fault"] == {**fault, "count": 2, "delay_s": 1.0, "retry_after": 5}
    assert configured.json()["mode"] == "local"
    assert configured.json()["rate_limit"] is False
