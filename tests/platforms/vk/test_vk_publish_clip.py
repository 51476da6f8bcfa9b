"""Publishing as a Clip: shortVideo.create → upload → edit → publish polling 3001 (§2.4),
and the fallback to a regular video when the Clip fails before it is published."""

from __future__ import annotations

import functools
import os
import tracemalloc

import pytest
from django.conf import settings

from autopost.platforms.base import ClipFile, Credentials, Metadata
from autopost.platforms.errors import AuthExpired, RateLimited
from autopost.platforms.vk.adapter import VkAdapter

from .fakes import UPLOAD, StreamingTransport, form_fields, multipart_parts
from .helpers import VIDEO_BYTES, adapter, clip_of, seen_by
from .replies import (
    ACCESS_TOKEN,
    CLIP_ID,
    CLIP_UPLOAD_URL,
    CLIP_UPLOADED,
    GROUP_ID,
    NOT_PROCESSED,
    OWNER_ID,
    SHORT_VIDEO_CREATE,
    SHORT_VIDEO_EDIT,
    SHORT_VIDEO_PUBLISH,
    UPLOAD_SERVER_ERROR,
    UPLOADED,
    USER_ID,
    VIDEO_DELETE,
    VIDEO_ID,
    VIDEO_SAVE,
    error,
    ok,
)

CLIP_KEY = f"{OWNER_ID}_{CLIP_ID}"
VIDEO_KEY = f"{OWNER_ID}_{VIDEO_ID}"
CLIP_STEPS = ["shortVideo.create", UPLOAD, "shortVideo.edit", "shortVideo.publish"]


def publish(vk, checkpoint, metadata=Metadata("Clip 1", "Лучший момент"), clip=None, **options):
    return adapter(vk, **options).publish(clip or clip_of()[0], metadata, checkpoint)


def clip_replies(vk, publish_reply=SHORT_VIDEO_PUBLISH):
    vk.reply("shortVideo.create", SHORT_VIDEO_CREATE).reply(UPLOAD, CLIP_UPLOADED)
    vk.reply("shortVideo.edit", SHORT_VIDEO_EDIT).reply("shortVideo.publish", publish_reply)


def test_clip_is_the_default_and_goes_through_all_four_steps(vk, checkpoint, sleeps):
    clip_replies(vk)

    result = publish(vk, checkpoint)

    assert (result.remote_id, result.url) == (CLIP_KEY, f"{settings.VK_WEB_URL}/clip{CLIP_KEY}")
    assert vk.routes == CLIP_STEPS
    assert form_fields(vk.sent("shortVideo.create")[0]) == {
        "file_size": str(len(VIDEO_BYTES)), "group_id": str(GROUP_ID),
        "description": "Clip 1\n\nЛучший момент", "wallpost": "0", "v": "5.199"}
    [upload] = vk.sent(UPLOAD)
    assert str(upload.url) == CLIP_UPLOAD_URL
    assert "Authorization" not in upload.headers
    assert set(multipart_parts(upload)) == {"file"}
    assert multipart_parts(upload)["file"][1] == VIDEO_BYTES
    assert form_fields(vk.sent("shortVideo.edit")[0]) == {
        "owner_id": str(OWNER_ID), "video_id": str(CLIP_ID),
        "description": "Clip 1\n\nЛучший момент", "privacy_view": "all", "can_make_duet": "1",
        "group_id": str(GROUP_ID), "v": "5.199"}
    assert form_fields(vk.sent("shortVideo.publish")[0]) == {
        "owner_id": str(OWNER_ID), "video_id": str(CLIP_ID), "license_agree": "1",
        "publish_date": "0", "wallpost": "0", "group_id": str(GROUP_ID), "v": "5.199"}
    assert sleeps == []
    assert checkpoint.data["post_id"] == 4712


def test_group_id_is_positive_and_owner_ids_negative(vk, checkpoint, sleeps):
    clip_replies(vk)

    publish(vk, checkpoint)

    for route in ("shortVideo.create", "shortVideo.edit", "shortVideo.publish"):
        assert form_fields(vk.sent(route)[0])["group_id"] == "218861756"
    assert form_fields(vk.sent("shortVideo.edit")[0])["owner_id"] == "-218861756"


def test_own_page_clip_has_no_group_id(vk, checkpoint, sleeps):
    vk.reply("shortVideo.create", ok({**SHORT_VIDEO_CREATE["response"], "owner_id": USER_ID}))
    vk.reply(UPLOAD, CLIP_UPLOADED).reply("shortVideo.edit", SHORT_VIDEO_EDIT)
    vk.reply("shortVideo.publish", ok({}))

    result = adapter(vk, community=False).publish(clip_of()[0], Metadata("Clip 1"), checkpoint)

    assert all("group_id" not in form_fields(r) for _, r in vk.requests if _ != UPLOAD)
    assert result.url == f"{settings.VK_WEB_URL}/clip{USER_ID}_{CLIP_ID}"


def test_wall_post_option_asks_for_a_wallpost(vk, checkpoint, sleeps):
    clip_replies(vk)

    publish(vk, checkpoint, wall_post=True)

    assert form_fields(vk.sent("shortVideo.create")[0])["wallpost"] == "1"
    assert form_fields(vk.sent("shortVideo.publish")[0])["wallpost"] == "1"


def test_ids_are_saved_before_the_upload_starts(vk, checkpoint, sleeps):
    upload_reply, seen = seen_by(checkpoint, CLIP_UPLOADED)
    vk.reply("shortVideo.create", SHORT_VIDEO_CREATE)
    vk.replies[UPLOAD] = [upload_reply]
    vk.reply("shortVideo.edit", SHORT_VIDEO_EDIT).reply("shortVideo.publish", SHORT_VIDEO_PUBLISH)

    publish(vk, checkpoint)

    assert checkpoint.saves[0] == {"mode": "clip", "owner_id": OWNER_ID, "video_id": CLIP_ID,
                                   "stage": "created"}
    assert seen == [checkpoint.saves[0]]
    assert [s.get("stage") for s in checkpoint.saves] == ["created", "uploaded", "edited", "done"]


def test_still_processing_is_polled_at_the_configured_interval(vk, checkpoint, sleeps):
    vk.reply("shortVideo.create", SHORT_VIDEO_CREATE).reply(UPLOAD, CLIP_UPLOADED)
    vk.reply("shortVideo.edit", SHORT_VIDEO_EDIT)
    vk.reply("shortVideo.publish", NOT_PROCESSED, times=3)
    vk.reply("shortVideo.publish", SHORT_VIDEO_PUBLISH)

    result = publish(vk, checkpoint)

    assert result.url == f"{settings.VK_WEB_URL}/clip{CLIP_KEY}"
    assert vk.routes == CLIP_STEPS + ["shortVideo.publish"] * 3
    assert sleeps == [10.0, 10.0, 10.0]


def test_polling_throttles_every_call(vk, checkpoint, sleeps):
    calls = []
    vk.reply("shortVideo.create", SHORT_VIDEO_CREATE).reply(UPLOAD, CLIP_UPLOADED)
    vk.reply("shortVideo.edit", SHORT_VIDEO_EDIT)
    vk.reply("shortVideo.publish", NOT_PROCESSED).reply("shortVideo.publish", SHORT_VIDEO_PUBLISH)

    adapter(vk, calls=calls).publish(clip_of()[0], Metadata("Clip 1"), checkpoint)

    assert len(calls) == 4  # create, edit, publish ×2; the upload is not an API call


def fallback_video_replies(vk):
    vk.reply("video.delete", VIDEO_DELETE)
    vk.reply("video.save", VIDEO_SAVE).reply(UPLOAD, UPLOADED)


def test_clip_never_processed_is_deleted_and_published_as_a_video(vk, checkpoint, sleeps, settings):
    settings.VK_CLIP_POLL_ATTEMPTS = 3
    vk.reply("shortVideo.create", SHORT_VIDEO_CREATE).reply(UPLOAD, CLIP_UPLOADED)
    vk.reply("shortVideo.edit", SHORT_VIDEO_EDIT)
    vk.reply("shortVideo.publish", NOT_PROCESSED, times=3)
    fallback_video_replies(vk)

    result = publish(vk, checkpoint)

    assert vk.routes == CLIP_STEPS + ["shortVideo.publish"] * 2 + [
        "video.delete", "video.save", UPLOAD]
    assert sleeps == [10.0, 10.0]
    assert form_fields(vk.sent("video.delete")[0]) == {
        "owner_id": str(OWNER_ID), "video_id": str(CLIP_ID), "v": "5.199"}
    assert set(multipart_parts(vk.sent(UPLOAD)[1])) == {"video_file"}
    assert multipart_parts(vk.sent(UPLOAD)[1])["video_file"][1] == VIDEO_BYTES
    assert (result.remote_id, result.url) == (VIDEO_KEY, f"{settings.VK_WEB_URL}/video{VIDEO_KEY}")
    assert checkpoint.data["clip_fallback"] == "vk_clip_processing"
    assert checkpoint.data["mode"] == "video"
    assert checkpoint.data["delete_pending"] is None


@pytest.mark.parametrize(
    ("failing", "reply", "code"),
    [("shortVideo.edit", error(100, method="shortVideo.edit"), "vk_bad_request"),
     ("shortVideo.publish", error(15, method="shortVideo.publish"), "vk_access_denied"),
     ("shortVideo.publish", error(10, method="shortVideo.publish"), "vk_server_error")],
)
def test_failure_before_publish_deletes_the_clip_and_falls_back(
        vk, checkpoint, sleeps, failing, reply, code):
    vk.reply("shortVideo.create", SHORT_VIDEO_CREATE).reply(UPLOAD, CLIP_UPLOADED)
    vk.reply("shortVideo.edit", reply if failing == "shortVideo.edit" else SHORT_VIDEO_EDIT)
    if failing == "shortVideo.publish":
        vk.reply("shortVideo.publish", reply)
    fallback_video_replies(vk)

    result = publish(vk, checkpoint)

    assert vk.routes[-3:] == ["video.delete", "video.save", UPLOAD]
    assert vk.sent("video.delete")
    assert result.remote_id == VIDEO_KEY
    assert checkpoint.data["clip_fallback"] == code


def test_clip_upload_failing_twice_falls_back(vk, checkpoint, sleeps):
    vk.reply("shortVideo.create", SHORT_VIDEO_CREATE)
    vk.reply(UPLOAD, UPLOAD_SERVER_ERROR).reply(UPLOAD, status=500, content=b"oops")
    fallback_video_replies(vk)

    result = publish(vk, checkpoint)

    assert vk.routes == ["shortVideo.create", UPLOAD, UPLOAD, "video.delete", "video.save", UPLOAD]
    assert result.remote_id == VIDEO_KEY
    assert checkpoint.data["clip_fallback"] == "vk_upload_failed"


def test_create_refused_falls_back_without_a_delete(vk, checkpoint, sleeps):
    vk.reply("shortVideo.create", error(3, "Unknown method passed", method="shortVideo.create"))
    vk.reply("video.save", VIDEO_SAVE).reply(UPLOAD, UPLOADED)

    result = publish(vk, checkpoint)

    assert vk.routes == ["shortVideo.create", "video.save", UPLOAD]
    assert result.remote_id == VIDEO_KEY
    assert checkpoint.data["clip_fallback"] == "vk_api_error"


def test_failed_delete_does_not_stop_the_fallback(vk, checkpoint, sleeps):
    vk.reply("shortVideo.create", SHORT_VIDEO_CREATE).reply(UPLOAD, CLIP_UPLOADED)
    vk.reply("shortVideo.edit", error(100, method="shortVideo.edit"))
    vk.reply("video.delete", error(15, method="video.delete"))
    vk.reply("video.save", VIDEO_SAVE).reply(UPLOAD, UPLOADED)

    assert publish(vk, checkpoint).remote_id == VIDEO_KEY


@pytest.mark.parametrize(("error_code", "error_class"), [(5, AuthExpired), (6, RateLimited),
                                                        (9, RateLimited), (29, RateLimited)])
def test_auth_and_rate_limits_stop_the_clip_without_a_fallback(
        vk, checkpoint, sleeps, error_code, error_class):
    vk.reply("shortVideo.create", SHORT_VIDEO_CREATE).reply(UPLOAD, CLIP_UPLOADED)
    vk.reply("shortVideo.edit", error(error_code, method="shortVideo.edit"), times=3 if error_code == 6 else 1)

    with pytest.raises(error_class):
        publish(vk, checkpoint)

    assert vk.routes[:3] == ["shortVideo.create", UPLOAD, "shortVideo.edit"]
    assert set(vk.routes[3:]) <= {"shortVideo.edit"}  # error 6 is resent inline first
    assert checkpoint.data["mode"] == "clip"
    assert checkpoint.data["stage"] == "uploaded"


def test_video_mode_never_tries_a_clip(vk, checkpoint):
    vk.reply("video.save", VIDEO_SAVE).reply(UPLOAD, UPLOADED)

    publish(vk, checkpoint, publish_as="video")

    assert vk.routes == ["video.save", UPLOAD]


class ReadRecorder:
    """A file-like source of zeros that remembers every read size."""

    def __init__(self, size):
        self.size, self.pos, self.reads = size, 0, []

    def read(self, n=-1):
        self.reads.append(n)
        if n is None or n < 0:
            n = self.size - self.pos
        n = min(n, self.size - self.pos)
        self.pos += n
        return b"\0" * n

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def test_memory_does_not_grow_with_the_file(vk, checkpoint, tmp_path, sleeps):
    path = tmp_path / "big.mp4"
    size = 40 * 1024 * 1024
    with open(path, "wb") as fh:
        fh.truncate(size)
    vk.reply("shortVideo.create", SHORT_VIDEO_CREATE)
    vk.reply("shortVideo.edit", SHORT_VIDEO_EDIT).reply("shortVideo.publish", SHORT_VIDEO_PUBLISH)
    transport = StreamingTransport(vk, CLIP_UPLOADED)
    provider = VkAdapter(Credentials(ACCESS_TOKEN), adapter(vk).target, transport=transport)
    clip = ClipFile(open=functools.partial(path.open, "rb"), size=os.path.getsize(path))

    tracemalloc.start()
    try:
        provider.publish(clip, Metadata("Clip 1"), checkpoint)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert transport.received > size
    assert peak < 4 * 1024 * 1024
    assert checkpoint.data["stage"] == "done"


def test_upload_reads_the_file_in_bounded_chunks(vk, checkpoint, sleeps):
    size = 3 * 1024 * 1024 + 17
    source = ReadRecorder(size)
    vk.reply("video.save", VIDEO_SAVE).reply(UPLOAD, UPLOADED)

    publish(vk, checkpoint, clip=ClipFile(open=lambda: source, size=size), publish_as="video")

    assert all(n is not None and 0 < n <= 1024 * 1024 for n in source.reads)
    assert source.pos == size
