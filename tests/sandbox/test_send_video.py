"""sendVideo: the multipart shapes clients send, the received log, captions, video sources."""

import hashlib
import http.server
import os
import threading
import uuid
from collections.abc import Iterator

import pytest

from autopost.sandbox import demo

VIDEO = os.urandom(300_000)
VIDEO_SHA256 = hashlib.sha256(VIDEO).hexdigest()


def send_video(http, bot_api, *, data=None, files=None):
    return http.post(f"{bot_api}/sendVideo", data=data, files=files)


def posted(response) -> dict:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True
    return body["result"]


def test_file_part_named_video_is_posted_and_logged_by_hash(sandbox_control, http, bot_api):
    response = send_video(
        http,
        bot_api,
        data={
            "chat_id": demo.TELEGRAM_CHANNEL,
            "caption": "Закат над Невой",
            "duration": "27",
            "width": "720",
            "height": "1280",
            "supports_streaming": "true",
        },
        files={"video": ("clip.mp4", VIDEO, "video/mp4")},
    )

    message = posted(response)
    [logged] = sandbox_control.telegram_messages()
    assert message["chat"] == {
        "id": demo.TELEGRAM_CHANNEL_ID,
        "type": "channel",
        "title": demo.TELEGRAM_CHANNEL_TITLE,
        "username": demo.TELEGRAM_CHANNEL.removeprefix("@"),
    }
    assert message["sender_chat"] == message["chat"]
    assert message["caption"] == "Закат над Невой"
    assert message["video"]["file_size"] == len(VIDEO)
    assert message["video"]["mime_type"] == "video/mp4"
    assert (message["video"]["width"], message["video"]["height"]) == (720, 1280)
    assert message["video"]["duration"] == 27
    assert logged["sha256"] == VIDEO_SHA256
    assert logged["size"] == len(VIDEO)
    assert logged["video_source"] == "part"
    assert logged["part_name"] == "video"
    assert logged["filename"] == "clip.mp4"
    assert logged["supports_streaming"] is True
    assert (logged["duration"], logged["width"], logged["height"]) == (27, 720, 1280)
    assert logged["message_id"] == message["message_id"]
    assert logged["chat_id"] == demo.TELEGRAM_CHANNEL_ID


def test_attach_reference_to_a_randomly_named_part_is_posted(sandbox_control, http, bot_api):
    # aiogram's shape: the file under a random part name, `video` points at it.
    part = uuid.uuid4().hex
    response = send_video(
        http,
        bot_api,
        data={"chat_id": demo.TELEGRAM_CHANNEL, "video": f"attach://{part}"},
        files={part: ("clip.mp4", VIDEO, "video/mp4")},
    )

    posted(response)
    [logged] = sandbox_control.telegram_messages()
    assert logged["video_source"] == "attach"
    assert logged["part_name"] == part
    assert logged["sha256"] == VIDEO_SHA256


def test_attach_reference_to_a_missing_part_means_no_video(http, bot_api):
    response = send_video(
        http,
        bot_api,
        data={"chat_id": demo.TELEGRAM_CHANNEL, "video": "attach://nothing"},
        files={"other": ("clip.mp4", VIDEO, "video/mp4")},
    )
    assert response.status_code == 400
    assert response.json()["description"] == "Bad Request: there is no video in the request"


def test_request_without_video_is_a_bad_request(sandbox_control, http, bot_api):
    response = send_video(http, bot_api, data={"chat_id": demo.TELEGRAM_CHANNEL})
    assert response.status_code == 400
    assert response.json()["description"] == "Bad Request: there is no video in the request"
    assert sandbox_control.telegram_messages() == []


def test_empty_file_is_a_bad_request(http, bot_api):
    response = send_video(
        http,
        bot_api,
        data={"chat_id": demo.TELEGRAM_CHANNEL},
        files={"video": ("clip.mp4", b"", "video/mp4")},
    )
    assert response.status_code == 400
    assert response.json()["description"] == "Bad Request: file must be non-empty"


def test_message_ids_increase_per_channel(sandbox_control, http, bot_api):
    def post_to(chat_id):
        files = {"video": ("clip.mp4", VIDEO, "video/mp4")}
        return posted(send_video(http, bot_api, data={"chat_id": chat_id}, files=files))

    first = post_to(demo.TELEGRAM_CHANNEL)
    second = post_to(demo.TELEGRAM_CHANNEL_ID)
    private = post_to(demo.TELEGRAM_PRIVATE_CHANNEL_ID)

    assert (first["message_id"], second["message_id"], private["message_id"]) == (1, 2, 1)
    logged = sandbox_control.telegram_messages(demo.TELEGRAM_CHANNEL)
    assert [message["message_id"] for message in logged] == [1, 2]
    assert len(sandbox_control.telegram_messages(demo.TELEGRAM_PRIVATE_CHANNEL_ID)) == 1


def test_file_id_from_an_earlier_message_can_be_sent_again(sandbox_control, http, bot_api):
    first = posted(
        send_video(
            http,
            bot_api,
            data={"chat_id": demo.TELEGRAM_CHANNEL},
            files={"video": ("clip.mp4", VIDEO, "video/mp4")},
        )
    )

    again = posted(
        send_video(
            http,
            bot_api,
            data={"chat_id": demo.TELEGRAM_PRIVATE_CHANNEL_ID, "video": first["video"]["file_id"]},
        )
    )

    assert again["video"]["file_unique_id"] == first["video"]["file_unique_id"]
    logged = sandbox_control.telegram_messages(demo.TELEGRAM_PRIVATE_CHANNEL_ID)
    assert logged[0]["video_source"] == "file_id"
    assert logged[0]["sha256"] == VIDEO_SHA256


def test_unknown_file_id_is_a_bad_request(http, bot_api):
    response = send_video(
        http, bot_api, data={"chat_id": demo.TELEGRAM_CHANNEL, "video": "BAACAgIAAxkDAAnothing"}
    )
    assert response.status_code == 400
    assert response.json()["description"] == "Bad Request: wrong file identifier/HTTP URL specified"


@pytest.fixture
def file_server(tmp_path) -> Iterator[str]:
    """A plain HTTP server for the URL form of ``video``."""
    (tmp_path / "clip.mp4").write_bytes(VIDEO)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_video_by_url_is_downloaded_and_hashed(sandbox_control, http, bot_api, file_server):
    data = {"chat_id": demo.TELEGRAM_CHANNEL, "video": f"{file_server}/clip.mp4"}
    message = posted(send_video(http, bot_api, data=data))

    [logged] = sandbox_control.telegram_messages()
    assert message["video"]["file_size"] == len(VIDEO)
    assert logged["video_source"] == "url"
    assert logged["sha256"] == VIDEO_SHA256


@pytest.mark.parametrize("path", ["/missing.mp4", None])
def test_unreachable_url_is_failed_to_get_http_url_content(http, bot_api, file_server, path):
    url = f"{file_server}{path}" if path else "http://127.0.0.1:9/clip.mp4"
    response = send_video(http, bot_api, data={"chat_id": demo.TELEGRAM_CHANNEL, "video": url})
    assert response.status_code == 400
    assert response.json()["description"] == "Bad Request: failed to get HTTP URL content"


def test_caption_of_1024_characters_is_accepted(http, bot_api):
    response = send_video(
        http,
        bot_api,
        data={"chat_id": demo.TELEGRAM_CHANNEL, "caption": "я" * 1024},
        files={"video": ("clip.mp4", VIDEO, "video/mp4")},
    )
    assert posted(response)["caption"] == "я" * 1024


def test_caption_over_1024_characters_is_too_long(sandbox_control, http, bot_api):
    response = send_video(
        http,
        bot_api,
        data={"chat_id": demo.TELEGRAM_CHANNEL, "caption": "я" * 1025},
        files={"video": ("clip.mp4", VIDEO, "video/mp4")},
    )
    assert response.status_code == 400
    assert response.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message caption is too long",
    }
    assert sandbox_control.telegram_messages() == []


def test_caption_length_is_counted_after_html_parsing(sandbox_control, http, bot_api):
    caption = "<b>" + "я" * 1020 + "</b> &amp;"
    response = send_video(
        http,
        bot_api,
        data={"chat_id": demo.TELEGRAM_CHANNEL, "caption": caption, "parse_mode": "HTML"},
        files={"video": ("clip.mp4", VIDEO, "video/mp4")},
    )
    assert posted(response)["caption"] == "я" * 1020 + " &"


def multipart_stream(boundary: str, fields: dict[str, str], video: bytes) -> Iterator[bytes]:
    """A multipart body yielded in small pieces, so httpx sends it chunked, without a length."""
    for name, value in fields.items():
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="video"; filename="clip.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    for start in range(0, len(video), 7_000):
        yield video[start : start + 7_000]
    yield f"\r\n--{boundary}--\r\n".encode()


def test_chunked_upload_without_content_length_is_accepted(sandbox_control, http, bot_api):
    boundary = uuid.uuid4().hex
    fields = {"chat_id": demo.TELEGRAM_CHANNEL, "caption": "чанки"}
    response = http.post(
        f"{bot_api}/sendVideo",
        content=multipart_stream(boundary, fields, VIDEO),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )

    assert response.request.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in response.request.headers
    assert posted(response)["caption"] == "чанки"
    [logged] = sandbox_control.telegram_messages()
    assert logged["sha256"] == VIDEO_SHA256
    assert logged["size"] == len(VIDEO)


def test_send_message_is_posted_and_logged(sandbox_control, http, bot_api):
    response = http.post(
        f"{bot_api}/sendMessage", json={"chat_id": demo.TELEGRAM_CHANNEL, "text": "Новый клип"}
    )
    assert posted(response)["text"] == "Новый клип"
    [logged] = sandbox_control.telegram_messages()
    assert (logged["kind"], logged["text"]) == ("text", "Новый клип")


def test_get_file_describes_an_uploaded_video(http, bot_api):
    message = posted(
        send_video(
            http,
            bot_api,
            data={"chat_id": demo.TELEGRAM_CHANNEL},
            files={"video": ("clip.mp4", VIDEO, "video/mp4")},
        )
    )

    file = http.post(f"{bot_api}/getFile", data={"file_id": message["video"]["file_id"]}).json()

    assert file["result"]["file_size"] == len(VIDEO)
    assert file["result"]["file_path"].startswith("videos/")
    missing = http.post(f"{bot_api}/getFile", data={"file_id": "nope"}).json()
    assert missing["description"] == "Bad Request: invalid file_id"


def test_kept_upload_can_be_downloaded_by_file_path(sandbox_control, http, bot_api):
    sandbox_control.set_telegram_config(keep_files=True)
    message = posted(
        send_video(
            http,
            bot_api,
            data={"chat_id": demo.TELEGRAM_CHANNEL},
            files={"video": ("clip.mp4", VIDEO, "video/mp4")},
        )
    )
    described = http.post(f"{bot_api}/getFile", data={"file_id": message["video"]["file_id"]})
    file_path = described.json()["result"]["file_path"]

    download = http.get(
        f"{sandbox_control.telegram_api_url}/file/bot{demo.TELEGRAM_BOT_TOKEN}/{file_path}"
    )

    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == VIDEO_SHA256
