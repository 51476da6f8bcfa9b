"""Publishing as a regular video: video.save → streamed upload → wall.post (§2.3)."""

from __future__ import annotations

import httpx
import pytest
from django.conf import settings

from autopost.platforms.base import Metadata
from autopost.platforms.errors import (
    AuthExpired,
    ClipFileMissing,
    PermanentError,
    RateLimited,
    TransientError,
)

from .fakes import UPLOAD, form_fields, multipart_parts
from .helpers import VIDEO_BYTES, adapter, clip_of, seen_by
from .replies import (
    ACCESS_TOKEN,
    GROUP_ID,
    OWNER_ID,
    UPLOAD_SERVER_ERROR,
    UPLOAD_URL,
    UPLOADED,
    USER_ID,
    VIDEO_ID,
    VIDEO_SAVE,
    WALL_POST,
    error,
    ok,
)

KEY = f"{OWNER_ID}_{VIDEO_ID}"


def publish(vk, checkpoint, metadata=Metadata("Clip 1", "Лучший момент"), clip=None, **options):
    provider = adapter(vk, publish_as="video", **options)
    return provider.publish(clip or clip_of()[0], metadata, checkpoint)


def test_video_to_a_community_saves_uploads_and_links(vk, checkpoint):
    vk.reply("video.save", VIDEO_SAVE).reply(UPLOAD, UPLOADED)
    clip, opened = clip_of()

    result = publish(vk, checkpoint, clip=clip)

    assert (result.remote_id, result.url) == (KEY, f"{settings.VK_WEB_URL}/video{KEY}")
    assert vk.routes == ["video.save", UPLOAD]
    assert form_fields(vk.sent("video.save")[0]) == {
        "name": "Clip 1", "description": "Лучший момент", "group_id": str(GROUP_ID),
        "wallpost": "0", "v": "5.199"}
    [upload] = vk.sent(UPLOAD)
    assert str(upload.url) == UPLOAD_URL
    assert "Authorization" not in upload.headers  # the token never goes to the upload host
    params, body = multipart_parts(upload)["video_file"]
    assert body == VIDEO_BYTES
    assert params["filename"] == "clip-7.mp4"
    assert params["content-type"] == "video/mp4"
    assert set(multipart_parts(upload)) == {"video_file"}
    assert all(stream.closed for stream in opened)
    assert checkpoint.data["stage"] == "done"


def test_own_page_sends_no_group_id(vk, checkpoint):
    vk.reply("video.save", ok({**VIDEO_SAVE["response"], "owner_id": USER_ID}))
    vk.reply(UPLOAD, {**UPLOADED, "owner_id": USER_ID})

    result = adapter(vk, community=False, publish_as="video").publish(
        clip_of()[0], Metadata("Clip 1"), checkpoint)

    assert "group_id" not in form_fields(vk.sent("video.save")[0])
    assert result.url == f"{settings.VK_WEB_URL}/video{USER_ID}_{VIDEO_ID}"


def test_ids_are_saved_before_the_upload_starts(vk, checkpoint):
    upload_reply, seen = seen_by(checkpoint, UPLOADED)
    vk.reply("video.save", VIDEO_SAVE)
    vk.replies[UPLOAD] = [upload_reply]

    publish(vk, checkpoint)

    assert checkpoint.saves[0] == {"mode": "video", "owner_id": OWNER_ID, "video_id": VIDEO_ID,
                                   "stage": "created"}
    assert seen == [checkpoint.saves[0]]
    assert checkpoint.saves[-1] == {"stage": "done", "post_id": None, "remote_id": KEY,
                                    "url": f"{settings.VK_WEB_URL}/video{KEY}"}


def test_wall_post_from_the_community(vk, checkpoint):
    vk.reply("video.save", VIDEO_SAVE).reply(UPLOAD, UPLOADED).reply("wall.post", WALL_POST)

    result = publish(vk, checkpoint, wall_post=True)

    assert vk.routes == ["video.save", UPLOAD, "wall.post"]
    assert form_fields(vk.sent("wall.post")[0]) == {
        "owner_id": str(OWNER_ID), "from_group": "1", "message": "Clip 1\n\nЛучший момент",
        "attachments": f"video{KEY}", "v": "5.199"}
    assert form_fields(vk.sent("video.save")[0])["wallpost"] == "0"
    assert checkpoint.data["post_id"] == 4711
    assert result.url == f"{settings.VK_WEB_URL}/video{KEY}"


def test_wall_post_on_the_own_page_is_not_from_a_group(vk, checkpoint):
    vk.reply("video.save", ok({**VIDEO_SAVE["response"], "owner_id": USER_ID}))
    vk.reply(UPLOAD, UPLOADED).reply("wall.post", WALL_POST)

    adapter(vk, community=False, publish_as="video", wall_post=True).publish(
        clip_of()[0], Metadata("Clip 1"), checkpoint)

    fields = form_fields(vk.sent("wall.post")[0])
    assert "from_group" not in fields
    assert fields["owner_id"] == str(USER_ID)


def test_long_name_and_description_are_trimmed_and_sent_as_multipart(vk, checkpoint):
    vk.reply("video.save", VIDEO_SAVE).reply(UPLOAD, UPLOADED)

    publish(vk, checkpoint, Metadata("Н" * 300, "О" * 6000))

    request = vk.sent("video.save")[0]
    assert request.headers["Content-Type"].startswith("multipart/form-data")  # §2.1: > 2 KB
    fields = form_fields(request)
    assert len(fields["name"]) == 128 and fields["name"].endswith("…")
    assert len(fields["description"]) == 5000 and fields["description"].endswith("…")
    assert fields["v"] == "5.199"
    assert request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"


def test_upload_server_failure_is_retried_once_from_the_start(vk, checkpoint):
    vk.reply("video.save", VIDEO_SAVE)
    vk.reply(UPLOAD, UPLOAD_SERVER_ERROR).reply(UPLOAD, UPLOADED)
    clip, opened = clip_of()

    result = publish(vk, checkpoint, clip=clip)

    assert result.remote_id == KEY
    assert vk.routes == ["video.save", UPLOAD, UPLOAD]
    assert multipart_parts(vk.sent(UPLOAD)[1])["video_file"][1] == VIDEO_BYTES
    assert len(opened) == 2 and all(stream.closed for stream in opened)


@pytest.mark.parametrize(
    ("first", "second"),
    [((500, None, b"oops"), (502, None, b"Bad Gateway")),
     ((200, UPLOAD_SERVER_ERROR, None), (200, UPLOAD_SERVER_ERROR, None)),
     ((200, None, b"<html>"), (503, None, b""))],
)
def test_upload_that_fails_twice_is_transient_and_keeps_the_ids(vk, checkpoint, first, second):
    vk.reply("video.save", VIDEO_SAVE)
    for status, body, content in (first, second):
        vk.reply(UPLOAD, body, status, content=content)

    with pytest.raises(TransientError) as caught:
        publish(vk, checkpoint)

    assert caught.value.code == "vk_upload_failed"
    assert vk.routes == ["video.save", UPLOAD, UPLOAD]
    assert (checkpoint.data["owner_id"], checkpoint.data["stage"]) == (OWNER_ID, "created")
    assert "s3cr3tsig" not in str(caught.value)


def test_upload_timeout_is_retried_once(vk, checkpoint):
    vk.reply("video.save", VIDEO_SAVE).fail_with(UPLOAD, httpx.WriteTimeout("slow"))
    vk.reply(UPLOAD, UPLOADED)

    assert publish(vk, checkpoint).remote_id == KEY


def test_upload_waits_long_for_the_reply(vk, checkpoint):
    vk.reply("video.save", VIDEO_SAVE).reply(UPLOAD, UPLOADED)

    publish(vk, checkpoint)

    assert vk.sent(UPLOAD)[0].extensions["timeout"]["read"] >= 600


def test_missing_file_fails_before_anything_is_created(vk, checkpoint):
    def gone():
        raise FileNotFoundError("clip")

    clip = clip_of()[0].__class__(open=gone, size=10)

    with pytest.raises(ClipFileMissing):
        publish(vk, checkpoint, clip=clip)

    assert vk.requests == [] and checkpoint.saves == []


@pytest.mark.parametrize(
    ("error_code", "error_class"),
    [(5, AuthExpired), (29, RateLimited), (203, PermanentError), (10, TransientError)],
)
def test_video_save_errors_propagate_and_nothing_is_saved(vk, checkpoint, error_code, error_class):
    vk.reply("video.save", error(error_code))

    with pytest.raises(error_class):
        publish(vk, checkpoint)

    assert checkpoint.saves == []


def test_wall_denied_keeps_the_upload_for_the_retry(vk, checkpoint):
    vk.reply("video.save", VIDEO_SAVE).reply(UPLOAD, UPLOADED)
    vk.reply("wall.post", error(214, method="wall.post"))

    with pytest.raises(PermanentError) as caught:
        publish(vk, checkpoint, wall_post=True)

    assert caught.value.code == "vk_wall_denied"
    assert checkpoint.data["stage"] == "uploaded"


def test_every_api_call_waits_for_the_throttle_but_the_upload_does_not(vk, checkpoint):
    calls = []
    vk.reply("video.save", VIDEO_SAVE).reply(UPLOAD, UPLOADED).reply("wall.post", WALL_POST)

    adapter(vk, calls=calls, publish_as="video", wall_post=True).publish(
        clip_of()[0], Metadata("Clip 1"), checkpoint)

    assert calls == ["throttle", "throttle"]
