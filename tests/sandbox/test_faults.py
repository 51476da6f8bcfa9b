"""Injected faults: error answers, a really dropped connection, slow reads, delays, ordering."""

import hashlib
import io
import os
import time

import httpx
import pytest

from autopost.sandbox import demo

VIDEO = os.urandom(1_000_000)


def send_video(http, bot_api):
    return http.post(
        f"{bot_api}/sendVideo",
        data={"chat_id": demo.TELEGRAM_CHANNEL},
        files={"video": ("clip.mp4", VIDEO, "video/mp4")},
    )


@pytest.mark.parametrize(
    ("kind", "code", "description"),
    [
        ("http_500", 500, "Internal Server Error"),
        ("http_502", 502, "Bad Gateway"),
        ("unauthorized", 401, "Unauthorized"),
    ],
)
def test_error_fault_answers_once_then_the_call_works(
    sandbox_control, http, bot_api, kind, code, description
):
    sandbox_control.add_fault(kind, method="sendVideo")

    failed = send_video(http, bot_api)
    succeeded = send_video(http, bot_api)

    assert failed.status_code == code
    assert failed.json() == {"ok": False, "error_code": code, "description": description}
    assert succeeded.status_code == 200
    assert len(sandbox_control.telegram_messages()) == 1


def test_rate_limit_fault_carries_its_retry_after(sandbox_control, http, bot_api):
    sandbox_control.add_fault("rate_limit", method="sendVideo", retry_after=7)

    response = send_video(http, bot_api)

    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert response.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    assert sandbox_control.telegram_messages() == []


def test_count_and_order_of_faults(sandbox_control, http, bot_api):
    sandbox_control.add_fault("http_500", method="sendVideo", count=2)
    sandbox_control.add_fault("http_502", method="sendVideo")

    codes = [send_video(http, bot_api).status_code for _ in range(4)]

    assert codes == [500, 500, 502, 200]


def test_fault_for_one_method_spares_the_others(sandbox_control, http, bot_api):
    sandbox_control.add_fault("http_500", method="SENDVIDEO")

    assert http.get(f"{bot_api}/getMe").status_code == 200
    assert send_video(http, bot_api).status_code == 500


def test_method_fault_comes_before_a_wildcard_one(sandbox_control, http, bot_api):
    sandbox_control.add_fault("http_502", method="*")
    sandbox_control.add_fault("http_500", method="getMe")

    assert http.get(f"{bot_api}/getMe").status_code == 500
    assert http.get(f"{bot_api}/getChat").status_code == 502
    assert http.get(f"{bot_api}/getMe").status_code == 200


def test_pending_faults_can_be_listed_and_cleared(sandbox_control, http, bot_api):
    sandbox_control.add_fault("http_500", method="sendVideo", count=3)
    send_video(http, bot_api)

    [pending] = sandbox_control.faults()
    cleared = sandbox_control.clear_faults()

    assert (pending["kind"], pending["count"]) == ("http_500", 2)
    assert cleared == 1
    assert sandbox_control.faults() == []
    assert send_video(http, bot_api).status_code == 200


def test_reset_clears_faults(sandbox_control, http, bot_api):
    sandbox_control.add_fault("http_500")
    sandbox_control.reset()
    assert http.get(f"{bot_api}/getMe").status_code == 200


def test_unknown_fault_kind_is_rejected(sandbox_control):
    with pytest.raises(httpx.HTTPStatusError) as raised:
        sandbox_control.add_fault("meteor_strike")
    assert raised.value.response.status_code == 400
    assert "kind" in raised.value.response.json()["error"]


def test_dropped_connection_is_a_transport_error_mid_upload(sandbox_control, bot_api):
    sandbox_control.add_fault("drop_connection", method="sendVideo")

    with httpx.Client(timeout=10) as client:
        with pytest.raises(httpx.TransportError):
            send_video(client, bot_api)
        # The server itself is fine: the next request on a new connection works.
        assert send_video(client, bot_api).status_code == 200

    assert len(sandbox_control.telegram_messages()) == 1


def test_dropped_connection_without_a_body(sandbox_control, bot_api):
    sandbox_control.add_fault("drop_connection", method="getMe")
    with httpx.Client(timeout=10) as client, pytest.raises(httpx.TransportError):
        client.get(f"{bot_api}/getMe")


def test_slow_upload_is_read_slowly_but_completes(sandbox_control, http, bot_api):
    sandbox_control.add_fault("slow_upload", method="sendVideo", delay_s=0.05)

    started = time.monotonic()
    response = send_video(http, bot_api)
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    # 1 MB arrives in several chunks, each followed by a pause.
    assert elapsed >= 0.1
    [logged] = sandbox_control.telegram_messages()
    assert logged["sha256"] == hashlib.sha256(VIDEO).hexdigest()


def test_slow_upload_makes_a_client_write_timeout_fire(sandbox_control, bot_api):
    # More than the socket buffers hold, sent in 64 KB writes that each get 0.1 s.
    def upload(client):
        return client.post(
            f"{bot_api}/sendVideo",
            data={"chat_id": demo.TELEGRAM_CHANNEL},
            files={"video": ("clip.mp4", io.BytesIO(bytes(32 * 1024 * 1024)), "video/mp4")},
        )

    with httpx.Client(timeout=httpx.Timeout(5, write=0.1)) as client:
        assert upload(client).status_code == 200
        sandbox_control.add_fault("slow_upload", method="sendVideo", delay_s=0.3)
        with pytest.raises(httpx.WriteTimeout):
            upload(client)


def test_delay_holds_the_answer(sandbox_control, http, bot_api):
    sandbox_control.add_fault("delay", method="getMe", delay_s=0.3)

    started = time.monotonic()
    response = http.get(f"{bot_api}/getMe")

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3
