"""video.save and its upload server (platform-apis.md §2.3): the returned shape, validation, the
``video_file`` part, the reply, the received log, chunked and large bodies."""

import os
import tracemalloc
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from autopost.sandbox import demo
from tests.sandbox.vk.helpers import error_of, result, sha256, upload

MB = 1024 * 1024
VIDEO = os.urandom(300_000)


def save(api, **params):
    return result(api("video.save", **params))


def test_video_save_to_a_community(api, vk):
    saved = save(api, name="Клип 1", description="Описание", group_id=demo.VK_GROUP_ID)

    assert set(saved) == {
        "upload_url",
        "video_id",
        "owner_id",
        "title",
        "description",
        "access_key",
    }
    assert saved["owner_id"] == -demo.VK_GROUP_ID
    assert (saved["title"], saved["description"]) == ("Клип 1", "Описание")
    assert saved["video_id"] > 0
    url = urlsplit(saved["upload_url"])
    assert f"{url.scheme}://{url.netloc}" == vk.base_url
    assert url.path == "/vk/upload/video.do"
    query = parse_qs(url.query)
    assert query["vkOwnerId"] == [str(-demo.VK_GROUP_ID)]
    assert query["vkVideoId"] == [str(saved["video_id"])]


def test_video_save_to_the_own_page(api):
    assert save(api)["owner_id"] == demo.VK_USER_ID


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"name": "я" * 129}, "name is too long"),
        ({"description": "я" * 5001}, "description is too long"),
        ({"group_id": -demo.VK_GROUP_ID}, "group_id should be positive"),
        ({"group_id": "abc"}, "group_id not integer"),
    ],
)
def test_video_save_validation_is_error_100(api, vk, params, detail):
    code, message = error_of(api("video.save", **params))

    assert code == 100
    assert message.startswith("One of the parameters specified was missing or invalid: ")
    assert detail in message
    assert vk.vk_videos() == []


def test_limits_are_inclusive(api):
    assert save(api, name="я" * 128, description="я" * 5000)["title"] == "я" * 128


def test_upload_replies_unwrapped_and_lands_in_the_received_log(api, vk, http):
    saved = save(api, name="Клип", description="Текст", group_id=demo.VK_GROUP_ID)

    response = upload(http, saved["upload_url"], VIDEO)

    assert response.status_code == 200
    reply = response.json()
    assert set(reply) == {"video_hash", "size", "direct_link", "owner_id", "video_id"}
    assert (reply["owner_id"], reply["video_id"]) == (saved["owner_id"], saved["video_id"])
    assert reply["size"] == len(VIDEO)
    [logged] = vk.vk_videos()
    assert logged["sha256"] == sha256(VIDEO)
    assert logged["size"] == len(VIDEO)
    assert logged["kind"] == "video"
    assert logged["part_name"] == "video_file"
    assert (logged["name"], logged["description"]) == ("Клип", "Текст")
    assert logged["group_id"] == demo.VK_GROUP_ID
    assert (logged["uploaded"], logged["published"], logged["deleted"]) == (True, True, False)
    assert logged["wall_post_id"] is None


def test_saved_but_not_uploaded_video_is_logged_as_waiting(api, vk):
    save(api)
    [logged] = vk.vk_videos()
    assert (logged["uploaded"], logged["sha256"], logged["published"]) == (False, None, False)


def test_wallpost_1_posts_the_video_when_it_arrives(api, vk, http):
    saved = save(api, group_id=demo.VK_GROUP_ID, wallpost=1, description="На стену")
    assert vk.vk_posts() == []

    upload(http, saved["upload_url"], VIDEO)

    [post] = vk.vk_posts()
    assert post["owner_id"] == post["from_id"] == -demo.VK_GROUP_ID
    assert post["videos"] == [f"-{demo.VK_GROUP_ID}_{saved['video_id']}"]
    assert vk.vk_videos()[0]["wall_post_id"] == post["post_id"]


def test_upload_url_is_single_use(api, vk, http):
    saved = save(api)
    assert upload(http, saved["upload_url"], VIDEO).status_code == 200

    again = upload(http, saved["upload_url"], b"other bytes")

    assert again.status_code == 200
    assert again.json()["error_code"] == 3
    assert set(again.json()) == {"error", "error_code", "error_descr"}
    assert vk.vk_videos()[0]["sha256"] == sha256(VIDEO)


def test_forged_signature_is_refused(api, http):
    saved = save(api)
    forged = saved["upload_url"].replace("sig=", "sig=0")
    assert upload(http, forged, VIDEO).json()["error"] == "invalid_url"


@pytest.mark.parametrize("part", ["file", "video", "file0"])
def test_upload_needs_the_video_file_part(api, vk, http, part):
    saved = save(api)

    reply = upload(http, saved["upload_url"], VIDEO, part=part).json()

    assert reply["error"] == "no_file"
    assert "video_file" in reply["error_descr"]
    assert vk.vk_videos()[0]["uploaded"] is False
    # The URL is still good for a correct upload.
    assert upload(http, saved["upload_url"], VIDEO).status_code == 200


def test_empty_file_and_unknown_format_are_refused(api, http):
    saved = save(api)
    assert upload(http, saved["upload_url"], b"").json()["error"] == "empty_file"
    assert upload(http, saved["upload_url"], VIDEO, filename="clip.webm").json()["error"] == (
        "bad_format"
    )
    assert upload(http, saved["upload_url"], VIDEO, filename="file0.MOV").status_code == 200


def test_file_over_the_configured_limit_is_refused(api, vk, http):
    vk.set_vk_config(max_upload_bytes=1000)
    saved = save(api)
    assert upload(http, saved["upload_url"], VIDEO).json()["error"] == "file_too_big"
    assert vk.vk_videos()[0]["uploaded"] is False


def chunked_multipart(part: str, content: bytes, boundary: str):
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{part}"; '
        'filename="clip.mp4"\r\nContent-Type: video/mp4\r\n\r\n'
    ).encode()
    for start in range(0, len(content), 64 * 1024):
        yield content[start : start + 64 * 1024]
    yield f"\r\n--{boundary}--\r\n".encode()


def test_chunked_upload_without_content_length(api, vk, http):
    saved = save(api)
    boundary = uuid.uuid4().hex

    response = http.post(
        saved["upload_url"],
        content=chunked_multipart("video_file", VIDEO, boundary),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )

    assert response.request.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in response.request.headers
    assert response.json()["size"] == len(VIDEO)
    assert vk.vk_videos()[0]["sha256"] == sha256(VIDEO)


def test_large_upload_is_streamed_in_constant_memory(api, vk, http, tmp_path):
    # The sandbox runs on a thread of this process, so tracemalloc sees its allocations too.
    path = tmp_path / "big.mp4"
    piece = os.urandom(MB)
    with path.open("wb") as fh:
        for _ in range(40):
            fh.write(piece)
    saved = save(api)
    tracemalloc.start()
    try:
        with path.open("rb") as fh:
            response = http.post(saved["upload_url"], files={"video_file": ("big.mp4", fh)})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.json()["size"] == 40 * MB
    assert vk.vk_videos()[0]["sha256"] == sha256(piece * 40)
    assert peak < 8 * MB, f"peak {peak / MB:.1f} MB while uploading 40 MB"


def test_get_on_an_upload_url_is_not_an_upload(api, http):
    saved = save(api)
    assert http.get(saved["upload_url"]).status_code == 405
