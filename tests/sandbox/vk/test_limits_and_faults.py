"""Per-token rate limit (error 6), the video.save daily quota (29), and injected faults on the
API, the upload server and the OAuth endpoints."""

import time

import httpx
import pytest

from autopost.sandbox import demo
from tests.sandbox.vk.helpers import error_of, pkce, result, upload

VIDEO = bytes(range(256)) * 400


@pytest.fixture
def limited(vk):
    vk.set_vk_config(rate_limit=True)
    return vk


def test_fourth_call_within_a_second_is_error_6(api, limited):
    answers = [api("users.get") for _ in range(4)]

    assert all("response" in answer for answer in answers[:3])
    assert error_of(answers[3]) == (6, "Too many requests per second")


def test_the_limit_is_per_token(api, limited):
    for _ in range(3):
        result(api("users.get"))
    assert error_of(api("users.get"))[0] == 6

    assert result(api("users.get", token=demo.VK_NO_VIDEO_TOKEN))


def test_calls_spaced_like_vk_api_stay_under_the_limit(api, limited):
    # vk_api waits 0.34 s between calls (platform-apis.md §2.6).
    for _ in range(5):
        assert "response" in api("users.get")
        time.sleep(0.34)


def test_community_tokens_get_20_per_second(api, limited):
    answers = [api("groups.getById", token=demo.VK_COMMUNITY_TOKEN) for _ in range(21)]
    assert all("response" in answer for answer in answers[:20])
    assert error_of(answers[20])[0] == 6


def test_rate_limit_switch(api, vk):
    assert vk.vk_config()["rate_limit"] is False
    for _ in range(10):
        assert "response" in api("users.get")


def test_video_save_daily_quota_is_error_29_until_the_next_day(api, vk):
    vk.set_vk_config(video_save_daily_quota=2)
    for _ in range(2):
        result(api("video.save"))

    assert error_of(api("video.save")) == (29, "Rate limit reached")
    vk.advance_vk_clock(86400)
    assert result(api("video.save"))
    assert len(vk.vk_videos()) == 3


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (1, "Unknown error occurred"),
        (6, "Too many requests per second"),
        (9, "Flood control"),
        (10, "Internal server error"),
        (29, "Rate limit reached"),
        (100, "One of the parameters specified was missing or invalid"),
    ],
)
def test_injected_api_errors(api, vk, code, message):
    vk.add_fault("api_error", platform="vk", method="video.save", error_code=code)

    failed = api("video.save", name="Клип")
    succeeded = api("video.save", name="Клип")

    assert error_of(failed) == (code, message)
    assert failed["error"]["request_params"][0] == {"key": "method", "value": "video.save"}
    assert "upload_url" in result(succeeded)
    assert len(vk.vk_videos()) == 1


def test_injected_captcha_carries_sid_and_image(api, vk, http):
    vk.add_fault("api_error", platform="vk", method="wall.post", error_code=14)

    answer = api("wall.post", message="Привет")

    error = answer["error"]
    assert (error["error_code"], error["error_msg"]) == (14, "Captcha needed")
    assert error["captcha_sid"].isdigit()
    image = http.get(error["captcha_img"])
    assert image.headers["content-type"] == "image/png"
    # Sending it again with the captcha answer goes through.
    again = api("wall.post", message="Привет", captcha_sid=error["captcha_sid"], captcha_key="x")
    assert "post_id" in result(again)


def test_generic_kinds_on_the_api(api, vk, http):
    vk.add_fault("rate_limit", platform="vk", method="users.get")
    vk.add_fault("unauthorized", platform="vk", method="users.get")
    vk.add_fault("http_502", platform="vk", method="users.get")

    assert error_of(api("users.get"))[0] == 6
    assert error_of(api("users.get"))[0] == 5
    response = http.post(f"{vk.vk_api_url}/method/users.get", data={"v": "5.199"})
    assert response.status_code == 502
    assert "text/html" in response.headers["content-type"]
    assert result(api("users.get"))


def test_fault_for_one_method_spares_the_others_and_telegram(api, vk, http):
    vk.add_fault("api_error", platform="vk", method="*", error_code=10)
    bot_api = f"{vk.telegram_api_url}/bot{demo.TELEGRAM_BOT_TOKEN}"

    assert http.get(f"{bot_api}/getMe").status_code == 200
    assert error_of(api("users.get"))[0] == 10
    assert result(api("users.get"))


def test_upload_server_500_then_the_same_url_works(api, vk, http):
    saved = result(api("video.save"))
    vk.add_fault("http_500", platform="vk", method="upload")

    failed = upload(http, saved["upload_url"], VIDEO)
    succeeded = upload(http, saved["upload_url"], VIDEO)

    assert failed.status_code == 500
    assert succeeded.status_code == 200
    assert vk.vk_videos()[0]["uploaded"] is True


def test_upload_server_error_json(api, vk, http):
    saved = result(api("video.save"))
    vk.add_fault("upload_error", platform="vk", method="upload", error_code=22)

    reply = upload(http, saved["upload_url"], VIDEO)

    assert reply.status_code == 200
    assert reply.json() == {
        "error": "upload_error",
        "error_code": 22,
        "error_descr": "upload failed (sandbox fault)",
    }
    assert vk.vk_videos()[0]["uploaded"] is False


def test_dropped_upload_is_a_transport_error_and_can_be_retried(api, vk):
    saved = result(api("video.save"))
    vk.add_fault("drop_connection", platform="vk", method="upload")
    big = bytes(2 * 1024 * 1024)

    with httpx.Client(timeout=10) as client:
        with pytest.raises(httpx.TransportError):
            upload(client, saved["upload_url"], big)
        assert upload(client, saved["upload_url"], big).status_code == 200

    assert vk.vk_videos()[0]["size"] == len(big)


def test_slow_upload_still_completes(api, vk, http):
    saved = result(api("video.save"))
    vk.add_fault("slow_upload", platform="vk", method="upload", delay_s=0.05)

    started = time.monotonic()
    response = upload(http, saved["upload_url"], bytes(1024 * 1024))

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.1


def test_delay_on_an_api_method(api, vk):
    vk.add_fault("delay", platform="vk", method="video.get", delay_s=0.3)
    started = time.monotonic()
    assert result(api("video.get"))
    assert time.monotonic() - started >= 0.3


def test_faults_on_oauth_endpoints(vk, http):
    vk.add_fault("oauth_error", platform="vk", method="vk-id/oauth2/auth", oauth_error="slow_down")
    vk.add_fault("http_500", platform="vk", method="vk-oauth/access_token")

    token = http.post(
        f"{vk.vk_id_url}/oauth2/auth", data={"grant_type": "refresh_token", "state": "s"}
    )
    legacy = http.get(f"{vk.vk_legacy_oauth_url}/access_token")

    assert token.status_code == 400
    assert token.json() == {
        "error": "slow_down",
        "error_description": "injected by the sandbox",
        "state": "s",
    }
    assert legacy.status_code == 500


def test_oauth_error_on_authorize_redirects_back_to_the_app(vk, http):
    vk.add_fault("oauth_error", platform="vk", method="vk-id/authorize", oauth_error="server_error")
    _, challenge = pkce()
    params = {
        "response_type": "code",
        "client_id": demo.VK_ID_CLIENT_ID,
        "redirect_uri": "http://localhost:9/oauth/vk/callback",
        "state": "st",
        "code_challenge": challenge,
        "code_challenge_method": "s256",
    }

    response = http.get(f"{vk.vk_id_url}/authorize", params=params)

    assert response.status_code == 302
    assert response.headers["location"].startswith(
        "http://localhost:9/oauth/vk/callback?error=server_error&"
    )


def test_unknown_vk_fault_kind_and_extra_fields_are_rejected(vk):
    with pytest.raises(httpx.HTTPStatusError):
        vk.add_fault("meteor_strike", platform="vk")
    # VK-only fields are not accepted for Telegram.
    with pytest.raises(httpx.HTTPStatusError):
        vk.add_fault("http_500", platform="telegram", error_code=6)


def test_pending_vk_faults_are_listed_with_their_code(vk):
    vk.add_fault("api_error", platform="vk", method="video.save", error_code=9, count=2)
    [pending] = vk.faults()
    assert (pending["platform"], pending["method"], pending["error_code"], pending["count"]) == (
        "vk",
        "video.save",
        9,
        2,
    )
