"""The undocumented Clips path (platform-apis.md §2.4): shortVideo.create, the ``file`` upload,
shortVideo.edit, shortVideo.publish with error 3001 until the clip is processed."""

import os

import pytest

from autopost.sandbox import demo
from tests.sandbox.vk.helpers import error_of, result, sha256, upload

CLIP = os.urandom(50_000)
GROUP_OWNER = -demo.VK_GROUP_ID


def create(api, **params):
    params.setdefault("file_size", len(CLIP))
    return result(api("shortVideo.create", **params))


def publish(api, created, **params):
    params.setdefault("license_agree", 1)
    return api(
        "shortVideo.publish",
        owner_id=created["owner_id"],
        video_id=created["video_id"],
        publish_date=0,
        **params,
    )


@pytest.fixture
def instant(vk):
    """Processing over at once and no extra 3001 answers, unless a test asks for them."""
    vk.set_vk_config(processing_s=0, clip_not_ready_polls=0)
    return vk


@pytest.mark.parametrize("file_size", [len(CLIP), len(CLIP) // 1024])
def test_create_takes_the_size_in_bytes_or_kilobytes(api, vk, file_size):
    created = create(api, file_size=file_size, group_id=demo.VK_GROUP_ID, description="Клип")

    assert set(created) == {"upload_url", "video_id", "owner_id"}
    assert created["owner_id"] == GROUP_OWNER
    assert created["upload_url"].startswith(f"{vk.base_url}/vk/upload/clip.do?")
    [logged] = vk.vk_videos()
    assert (logged["kind"], logged["declared_file_size"]) == ("clip", file_size)


@pytest.mark.parametrize("file_size", [None, 0, "много"])
def test_create_needs_a_positive_file_size(api, file_size):
    params = {} if file_size is None else {"file_size": file_size}
    assert error_of(api("shortVideo.create", **params))[0] == 100


def test_clip_upload_takes_the_file_part(api, vk, http):
    created = create(api, group_id=demo.VK_GROUP_ID)

    assert upload(http, created["upload_url"], CLIP, part="video_file").json()["error"] == "no_file"
    reply = upload(http, created["upload_url"], CLIP, part="file").json()

    assert (reply["owner_id"], reply["video_id"], reply["size"]) == (
        GROUP_OWNER,
        created["video_id"],
        len(CLIP),
    )
    [logged] = vk.vk_videos()
    assert (logged["sha256"], logged["part_name"]) == (sha256(CLIP), "file")
    assert logged["published"] is False


def test_video_upload_url_does_not_take_a_clip_and_back(api, http):
    saved = result(api("video.save"))
    clip_url = saved["upload_url"].replace("/video.do", "/clip.do")
    assert upload(http, clip_url, CLIP, part="file").json()["error"] == "invalid_url"


def test_publish_answers_3001_for_the_configured_number_of_polls(api, vk, http, instant):
    vk.set_vk_config(clip_not_ready_polls=3)
    created = create(api, group_id=demo.VK_GROUP_ID)
    upload(http, created["upload_url"], CLIP, part="file")

    answers = [publish(api, created) for _ in range(4)]

    assert [error_of(a) for a in answers[:3]] == [(3001, "Video is not processed yet")] * 3
    assert result(answers[3]) == {"owner_id": GROUP_OWNER, "video_id": created["video_id"]}
    assert vk.vk_videos()[0]["published"] is True


def test_publish_answers_3001_while_processing_on_the_vk_clock(api, vk, http):
    vk.set_vk_config(processing_s=30, clip_not_ready_polls=0)
    created = create(api)
    upload(http, created["upload_url"], CLIP, part="file")

    assert error_of(publish(api, created))[0] == 3001
    vk.advance_vk_clock(29)
    assert error_of(publish(api, created))[0] == 3001
    vk.advance_vk_clock(1)
    assert result(publish(api, created))["video_id"] == created["video_id"]


def test_publish_before_upload_is_3001(api, instant):
    created = create(api)
    assert error_of(publish(api, created))[0] == 3001


def test_publish_with_wallpost_returns_the_wall_post(api, vk, http, instant):
    created = create(api, group_id=demo.VK_GROUP_ID, description="Клип на стену")
    upload(http, created["upload_url"], CLIP, part="file")

    published = result(publish(api, created, wallpost=1, group_id=demo.VK_GROUP_ID))

    [post] = vk.vk_posts()
    assert published["wall_post_id"] == post["post_id"]
    assert post["videos"] == [f"{GROUP_OWNER}_{created['video_id']}"]
    assert vk.vk_videos()[0]["wall_post_id"] == post["post_id"]


def test_wallpost_asked_at_create_time(api, vk, http, instant):
    created = create(api, group_id=demo.VK_GROUP_ID, wallpost=1)
    upload(http, created["upload_url"], CLIP, part="file")
    assert "wall_post_id" in result(publish(api, created, wallpost=0))


def test_publish_is_idempotent(api, vk, http, instant):
    created = create(api, group_id=demo.VK_GROUP_ID)
    upload(http, created["upload_url"], CLIP, part="file")

    first = result(publish(api, created, wallpost=1))
    second = result(publish(api, created, wallpost=1))

    assert first == second
    assert len(vk.vk_posts()) == 1


def test_publish_needs_license_agree(api, vk, http, instant):
    created = create(api)
    upload(http, created["upload_url"], CLIP, part="file")
    assert error_of(publish(api, created, license_agree=0))[0] == 100
    assert vk.vk_videos()[0]["published"] is False


def test_edit_changes_the_description(api, vk, http, instant):
    created = create(api, group_id=demo.VK_GROUP_ID, description="Старое")
    upload(http, created["upload_url"], CLIP, part="file")

    edited = api(
        "shortVideo.edit",
        owner_id=created["owner_id"],
        video_id=created["video_id"],
        description="Новое #клипы",
        privacy_view="all",
        can_make_duet=1,
    )

    assert result(edited) == 1
    assert vk.vk_videos()[0]["description"] == "Новое #клипы"


def test_edit_and_publish_refuse_a_regular_video(api, http, instant):
    saved = result(api("video.save"))
    upload(http, saved["upload_url"], CLIP)
    assert error_of(publish(api, saved))[0] == 100
    edited = api("shortVideo.edit", owner_id=saved["owner_id"], video_id=saved["video_id"])
    assert error_of(edited)[0] == 100


def test_clip_is_short_video_in_video_get(api, http, instant):
    created = create(api, group_id=demo.VK_GROUP_ID)
    upload(http, created["upload_url"], CLIP, part="file")
    publish(api, created)

    [item] = result(api("video.get", videos=f"{GROUP_OWNER}_{created['video_id']}"))["items"]

    assert item["type"] == "short_video"


def test_failed_clip_is_deleted_with_video_delete(api, vk, instant):
    created = create(api, group_id=demo.VK_GROUP_ID)
    deleted = api("video.delete", owner_id=GROUP_OWNER, video_id=created["video_id"])
    assert result(deleted) == 1
    assert vk.vk_videos()[0]["deleted"] is True
