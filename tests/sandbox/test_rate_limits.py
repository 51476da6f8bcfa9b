"""Per-channel flood control: 20 posts a minute by default, answered with 429 and retry-after."""

from autopost.sandbox import demo


def post_text(http, bot_api, chat_id=demo.TELEGRAM_CHANNEL):
    return http.post(f"{bot_api}/sendMessage", data={"chat_id": chat_id, "text": "пост"})


def test_21st_post_in_a_minute_is_429_with_both_retry_after_forms(sandbox_control, http, bot_api):
    assert sandbox_control.telegram_config()["channel_messages_per_minute"] == 20
    for _ in range(20):
        assert post_text(http, bot_api).status_code == 200

    response = post_text(http, bot_api)

    assert response.status_code == 429
    body = response.json()
    retry_after = body["parameters"]["retry_after"]
    assert 55 <= retry_after <= 60
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {retry_after}",
        "parameters": {"retry_after": retry_after},
    }
    assert response.headers["retry-after"] == str(retry_after)
    assert len(sandbox_control.telegram_messages()) == 20


def test_limit_is_per_channel(sandbox_control, http, bot_api):
    sandbox_control.set_telegram_config(channel_messages_per_minute=1)
    assert post_text(http, bot_api).status_code == 200
    assert post_text(http, bot_api).status_code == 429

    assert post_text(http, bot_api, demo.TELEGRAM_PRIVATE_CHANNEL_ID).status_code == 200


def test_rate_limit_can_be_switched_off(sandbox_control, http, bot_api):
    sandbox_control.set_telegram_config(rate_limit=False, channel_messages_per_minute=1)
    for _ in range(3):
        assert post_text(http, bot_api).status_code == 200


def test_rate_limited_video_is_not_stored(sandbox_control, http, bot_api):
    sandbox_control.set_telegram_config(channel_messages_per_minute=1)
    assert post_text(http, bot_api).status_code == 200

    response = http.post(
        f"{bot_api}/sendVideo",
        data={"chat_id": demo.TELEGRAM_CHANNEL},
        files={"video": ("clip.mp4", b"\x00" * 1000, "video/mp4")},
    )

    assert response.status_code == 429
    assert [m["kind"] for m in sandbox_control.telegram_messages()] == ["text"]
