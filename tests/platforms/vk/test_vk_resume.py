"""A retry after a crash verifies the saved video with video.get and goes on after the upload,
or starts over when VK no longer has it (or only an empty placeholder). Nothing posts twice."""

from __future__ import annotations

import pytest
from django.conf import settings
from structlog.testing import capture_logs

from autopost.platforms.base import Metadata
from autopost.platforms.errors import AuthExpired

from .fakes import UPLOAD, form_fields
from .helpers import adapter, clip_of
from .replies import (
    ACCESS_TOKEN,
    CLIP_ID,
    CLIP_UPLOADED,
    OWNER_ID,
    SHORT_VIDEO_CREATE,
    SHORT_VIDEO_EDIT,
    SHORT_VIDEO_PUBLISH,
    UPLOADED,
    VIDEO_DELETE,
    VIDEO_ID,
    VIDEO_SAVE,
    WALL_POST,
    error,
    ok,
    video_get,
    video_item,
)

VIDEO_KEY = f"{OWNER_ID}_{VIDEO_ID}"
CLIP_KEY = f"{OWNER_ID}_{CLIP_ID}"


def retry(vk, checkpoint, **options):
    clip, opened = clip_of()
    result = adapter(vk, **options).publish(clip, Metadata("Clip 1"), checkpoint)
    return result, opened


def uploaded_item(vid=VIDEO_ID, **fields):
    return video_item(vid=vid, **{"views": 0, **fields})


PLACEHOLDER = {"duration": None, "processing": None, "views": None, "likes": None,
               "reposts": None, "comments": None}


def test_video_uploaded_before_the_crash_is_not_uploaded_again(vk, checkpoint):
    checkpoint.data.update(mode="video", owner_id=OWNER_ID, video_id=VIDEO_ID, stage="created")
    vk.reply("video.get", video_get(uploaded_item(duration=0, processing=1)))

    result, opened = retry(vk, checkpoint, publish_as="video")

    assert vk.routes == ["video.get"]
    assert form_fields(vk.sent("video.get")[0]) == {"videos": VIDEO_KEY, "count": "1",
                                                    "v": "5.199"}
    assert opened == []
    assert (result.remote_id, result.url) == (VIDEO_KEY, f"{settings.VK_WEB_URL}/video{VIDEO_KEY}")
    assert [s.get("stage") for s in checkpoint.saves] == ["uploaded", "done"]


def test_wall_post_missing_after_the_crash_is_made_once(vk, checkpoint):
    checkpoint.data.update(mode="video", owner_id=OWNER_ID, video_id=VIDEO_ID, stage="uploaded")
    vk.reply("video.get", video_get(uploaded_item())).reply("wall.post", WALL_POST)

    result, opened = retry(vk, checkpoint, publish_as="video", wall_post=True)

    assert vk.routes == ["video.get", "wall.post"]
    assert opened == []
    assert checkpoint.data["post_id"] == 4711

    again, _ = retry(vk, checkpoint, publish_as="video", wall_post=True)

    assert again == result
    assert vk.routes == ["video.get", "wall.post"]  # the finished publication makes no calls


def test_empty_placeholder_is_deleted_and_the_video_made_again(vk, checkpoint):
    checkpoint.data.update(mode="video", owner_id=OWNER_ID, video_id=VIDEO_ID, stage="created")
    vk.reply("video.get", video_get(uploaded_item(**PLACEHOLDER)))
    vk.reply("video.delete", VIDEO_DELETE)
    vk.reply("video.save", ok({**VIDEO_SAVE["response"], "video_id": VIDEO_ID + 1}))
    vk.reply(UPLOAD, UPLOADED)

    result, opened = retry(vk, checkpoint, publish_as="video")

    assert vk.routes == ["video.get", "video.delete", "video.save", UPLOAD]
    assert form_fields(vk.sent("video.delete")[0])["video_id"] == str(VIDEO_ID)
    assert result.remote_id == f"{OWNER_ID}_{VIDEO_ID + 1}"
    assert len(opened) == 1


def test_vanished_video_is_deleted_best_effort_and_started_over(vk, checkpoint):
    checkpoint.data.update(mode="video", owner_id=OWNER_ID, video_id=VIDEO_ID, stage="uploaded")
    vk.reply("video.get", video_get()).reply("video.delete", error(15, method="video.delete"))
    vk.reply("video.save", VIDEO_SAVE).reply(UPLOAD, UPLOADED)

    result, _ = retry(vk, checkpoint, publish_as="video")

    assert vk.routes == ["video.get", "video.delete", "video.save", UPLOAD]
    assert result.remote_id == VIDEO_KEY


@pytest.mark.parametrize(("stage", "steps"), [
    ("created", ["video.get", "shortVideo.edit", "shortVideo.publish"]),
    ("uploaded", ["video.get", "shortVideo.edit", "shortVideo.publish"]),
    ("edited", ["video.get", "shortVideo.publish"]),
])
def test_clip_resumes_after_its_upload(vk, checkpoint, sleeps, stage, steps):
    checkpoint.data.update(mode="clip", owner_id=OWNER_ID, video_id=CLIP_ID, stage=stage)
    vk.reply("video.get", video_get(uploaded_item(vid=CLIP_ID, processing=1)))
    vk.reply("shortVideo.edit", SHORT_VIDEO_EDIT).reply("shortVideo.publish", SHORT_VIDEO_PUBLISH)

    result, opened = retry(vk, checkpoint)

    assert vk.routes == steps
    assert opened == []
    assert result.url == f"{settings.VK_WEB_URL}/clip{CLIP_KEY}"


def test_vanished_clip_is_made_again(vk, checkpoint, sleeps):
    checkpoint.data.update(mode="clip", owner_id=OWNER_ID, video_id=CLIP_ID, stage="edited")
    vk.reply("video.get", video_get()).reply("video.delete", VIDEO_DELETE)
    vk.reply("shortVideo.create", SHORT_VIDEO_CREATE).reply(UPLOAD, CLIP_UPLOADED)
    vk.reply("shortVideo.edit", SHORT_VIDEO_EDIT).reply("shortVideo.publish", SHORT_VIDEO_PUBLISH)

    result, _ = retry(vk, checkpoint)

    assert vk.routes == ["video.get", "video.delete", "shortVideo.create", UPLOAD,
                         "shortVideo.edit", "shortVideo.publish"]
    assert result.remote_id == CLIP_KEY


def test_published_checkpoint_returns_without_any_call(vk, checkpoint):
    checkpoint.data.update(mode="clip", owner_id=OWNER_ID, video_id=CLIP_ID, stage="done",
                           remote_id=CLIP_KEY, url=f"https://vk.com/clip{CLIP_KEY}")

    result, opened = retry(vk, checkpoint)

    assert (result.remote_id, result.url) == (CLIP_KEY, f"https://vk.com/clip{CLIP_KEY}")
    assert vk.requests == [] and opened == [] and checkpoint.saves == []


def test_after_a_fallback_the_retry_stays_on_the_video_path(vk, checkpoint):
    checkpoint.data.update(mode="video", clip_fallback="vk_clip_processing", owner_id=None,
                           video_id=None, stage=None, delete_pending=None)
    vk.reply("video.save", VIDEO_SAVE).reply(UPLOAD, UPLOADED)

    result, _ = retry(vk, checkpoint)  # the connection still says publish_as=clip

    assert vk.routes == ["video.save", UPLOAD]
    assert result.remote_id == VIDEO_KEY


def test_a_clip_left_undeleted_is_deleted_by_the_retry(vk, checkpoint):
    checkpoint.data.update(mode="video", clip_fallback="vk_bad_request", delete_pending=CLIP_KEY)
    vk.reply("video.delete", VIDEO_DELETE).reply("video.save", VIDEO_SAVE).reply(UPLOAD, UPLOADED)

    retry(vk, checkpoint)

    assert vk.routes == ["video.delete", "video.save", UPLOAD]
    assert form_fields(vk.sent("video.delete")[0])["video_id"] == str(CLIP_ID)
    assert checkpoint.data["delete_pending"] is None


def test_expired_token_during_the_delete_keeps_it_pending(vk, checkpoint):
    checkpoint.data.update(mode="video", delete_pending=CLIP_KEY)
    vk.reply("video.delete", error(1117, method="video.delete"))

    with pytest.raises(AuthExpired):
        retry(vk, checkpoint)

    assert checkpoint.data["delete_pending"] == CLIP_KEY


def test_no_token_in_logs_or_checkpoint(vk, checkpoint, sleeps):
    vk.reply("shortVideo.create", SHORT_VIDEO_CREATE).reply(UPLOAD, CLIP_UPLOADED)
    vk.reply("shortVideo.edit", error(100, method="shortVideo.edit"))
    vk.reply("video.delete", VIDEO_DELETE).reply("video.save", VIDEO_SAVE).reply(UPLOAD, UPLOADED)

    with capture_logs() as logs:
        retry(vk, checkpoint)

    assert any(entry["event"] == "vk_clip_fallback" for entry in logs)
    assert ACCESS_TOKEN not in repr(logs) + repr(checkpoint.data)
    assert "s3cr3tsig" not in repr(logs) + repr(checkpoint.data)
