"""Upload size modes (cloud 50 MB, local 2000 MB) and constant-memory streaming of large bodies."""

import hashlib
import tracemalloc

import pytest

from autopost.sandbox import demo

MB = 1024 * 1024
JUST_OVER_CLOUD_LIMIT = 50 * MB + 1


@pytest.fixture(scope="module")
def big_video(tmp_path_factory):
    """A file one byte over 50 MB on disk (written in pieces, never held whole) and its SHA-256."""
    path = tmp_path_factory.mktemp("big") / "big.mp4"
    hasher = hashlib.sha256()
    piece = bytes(range(256)) * 4096  # 1 MB of a non-constant pattern
    with path.open("wb") as fh:
        for _ in range(50):
            fh.write(piece)
            hasher.update(piece)
        fh.write(b"\x01")
        hasher.update(b"\x01")
    assert path.stat().st_size == JUST_OVER_CLOUD_LIMIT
    return path, hasher.hexdigest()


def upload(http, bot_api, path):
    with path.open("rb") as fh:
        return http.post(
            f"{bot_api}/sendVideo",
            data={"chat_id": demo.TELEGRAM_CHANNEL, "caption": "большой"},
            files={"video": ("big.mp4", fh, "video/mp4")},
        )


def test_cloud_mode_answers_413_to_a_file_over_50_mb(sandbox_control, http, bot_api, big_video):
    path, _ = big_video
    assert sandbox_control.telegram_config()["mode"] == "cloud"

    response = upload(http, bot_api, path)

    # The client finished sending and read the answer: no reset, a proper 413.
    assert response.status_code == 413
    assert response.json() == {
        "ok": False,
        "error_code": 413,
        "description": "Request Entity Too Large",
    }
    assert sandbox_control.telegram_messages() == []


def test_connection_stays_usable_after_a_413(sandbox_control, http, bot_api, big_video):
    path, _ = big_video
    assert upload(http, bot_api, path).status_code == 413
    assert http.get(f"{bot_api}/getMe").status_code == 200


def test_local_mode_accepts_the_same_file_and_logs_its_hash(
    sandbox_control, http, bot_api, big_video
):
    path, sha256 = big_video
    sandbox_control.set_telegram_config(mode="local")

    response = upload(http, bot_api, path)

    assert response.status_code == 200, response.text
    assert response.json()["result"]["video"]["file_size"] == JUST_OVER_CLOUD_LIMIT
    [logged] = sandbox_control.telegram_messages()
    assert logged["sha256"] == sha256
    assert logged["size"] == JUST_OVER_CLOUD_LIMIT


def test_reset_returns_to_the_initial_mode(sandbox_control):
    sandbox_control.set_telegram_config(mode="local")
    sandbox_control.reset()
    assert sandbox_control.telegram_config()["mode"] == "cloud"


def test_upload_is_streamed_in_constant_memory(sandbox_control, http, bot_api, big_video):
    # The sandbox runs on a thread of this process, so tracemalloc sees its allocations too.
    path, sha256 = big_video
    sandbox_control.set_telegram_config(mode="local")
    tracemalloc.start()
    try:
        response = upload(http, bot_api, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 200
    assert sandbox_control.telegram_messages()[0]["sha256"] == sha256
    assert peak < 8 * MB, f"peak {peak / MB:.1f} MB while uploading 50 MB"
