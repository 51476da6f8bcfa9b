"""A retry goes on from the checkpoint: never a second draft, never a second upload slot."""

from __future__ import annotations

import httpx
import pytest

from autopost.platforms.base import Metadata
from autopost.platforms.errors import PermanentError, TransientError

from .fakes import PUBLICATION_ID, UPLOAD_ID, FakeDzen, Publication, Upload
from .helpers import VIDEO, adapter, clip_of

META = Metadata(title="Clip", description="d")
UPLOAD_URL = "https://upload.okcdn.test/upload/0?sig=s1gn4ture"


def seed(dzen: FakeDzen, *, received: int = 0, finished: bool = False) -> None:
    """What Дзен holds after an earlier attempt: a draft and an upload with ``received`` bytes."""
    dzen.publications[PUBLICATION_ID] = Publication(PUBLICATION_ID, finished=finished)
    dzen.uploads[UPLOAD_URL] = Upload(UPLOAD_URL, UPLOAD_ID, len(VIDEO),
                                      bytearray(VIDEO[:received]))


def after_created() -> dict:
    return {"publication_id": PUBLICATION_ID, "stage": "created"}


def after_upload_started(offset: int = 0) -> dict:
    return {**after_created(), "upload_url": UPLOAD_URL, "upload_id": UPLOAD_ID,
            "upload_offset": offset, "stage": "upload_started"}


def test_a_draft_without_an_upload_gets_its_upload_slot(dzen, checkpoint, sleeps):
    seed(dzen)
    dzen.uploads.clear()
    checkpoint.data.update(after_created())
    result = adapter(dzen).publish(clip_of(), META, checkpoint)
    assert result.remote_id == PUBLICATION_ID
    assert dzen.routes[:3] == ["studio", "start-upload-video", "tus-head"]
    assert "add-publication" not in dzen.routes


def test_a_half_sent_upload_continues_from_the_servers_offset(dzen, checkpoint, sleeps):
    # The checkpoint says 2000, but the server got one more chunk before the crash.
    seed(dzen, received=3000)
    checkpoint.data.update(after_upload_started(offset=2000))
    adapter(dzen).publish(clip_of(), META, checkpoint)
    assert dzen.routes[:2] == ["tus-head", "tus-patch"]  # the CSRF page waits for an API call
    assert "add-publication" not in dzen.routes and "start-upload-video" not in dzen.routes
    first_patch = dzen.sent("tus-patch")[0]
    assert first_patch.headers["Upload-Offset"] == "3000"
    assert bytes(dzen.upload().data) == VIDEO


def test_a_complete_upload_whose_stage_was_not_saved_goes_to_finish(dzen, checkpoint, sleeps):
    seed(dzen, received=len(VIDEO))
    checkpoint.data.update(after_upload_started(offset=4000))
    adapter(dzen).publish(clip_of(), META, checkpoint)
    assert dzen.routes[:4] == ["tus-head", "studio", "finish-upload-video", "publication"]
    assert "tus-patch" not in dzen.routes


def test_uploaded_asks_whether_finish_already_happened(dzen, checkpoint, sleeps):
    seed(dzen, received=len(VIDEO), finished=True)  # finish went through, its reply was lost
    checkpoint.data.update({**after_upload_started(len(VIDEO)), "stage": "uploaded"})
    opened = []
    adapter(dzen).publish(clip_of(opened=opened), META, checkpoint)
    assert dzen.routes == ["studio", "publication", "publication", "publish"]
    assert opened == []  # the file is not even opened


def test_uploaded_without_finish_finishes(dzen, checkpoint, sleeps):
    seed(dzen, received=len(VIDEO))
    checkpoint.data.update({**after_upload_started(len(VIDEO)), "stage": "uploaded"})
    adapter(dzen).publish(clip_of(), META, checkpoint)
    assert dzen.routes[:4] == ["studio", "publication", "finish-upload-video", "publication"]


def test_finished_goes_straight_to_polling(dzen, checkpoint, sleeps):
    seed(dzen, received=len(VIDEO), finished=True)
    checkpoint.data.update({**after_upload_started(len(VIDEO)), "stage": "finished"})
    adapter(dzen).publish(clip_of(), META, checkpoint)
    assert dzen.routes == ["studio", "publication", "publication", "publish"]


def test_done_answers_from_the_checkpoint(dzen, checkpoint):
    checkpoint.data.update({**after_upload_started(len(VIDEO)), "stage": "done",
                            "remote_id": PUBLICATION_ID,
                            "url": f"https://dzen.ru/shorts/{PUBLICATION_ID}"})
    result = adapter(dzen).publish(clip_of(), META, checkpoint)
    assert result.remote_id == PUBLICATION_ID
    assert dzen.routes == []


@pytest.mark.parametrize("fail_at", ["start-upload-video", "tus-patch", "finish-upload-video",
                                     "publication", "publish"])
def test_a_crash_at_any_step_then_a_retry_makes_exactly_one_short(dzen, checkpoint, sleeps,
                                                                   fail_at):
    dzen.script(fail_at, httpx.Response(503), times=4 if fail_at == "tus-patch" else 1)
    with pytest.raises(TransientError):
        adapter(dzen).publish(clip_of(), META, checkpoint)
    result = adapter(dzen).publish(clip_of(), META, checkpoint)
    assert result.remote_id == PUBLICATION_ID
    assert dzen.routes.count("add-publication") == 1
    assert len(dzen.uploads) == 1  # the failed start-upload-video opened nothing
    assert len(dzen.publications) == 1 and dzen.publications[PUBLICATION_ID].published
    assert bytes(dzen.upload().data) == VIDEO


def test_a_draft_deleted_in_studio_is_forgotten_so_a_manual_retry_starts_over(dzen, checkpoint,
                                                                               sleeps):
    checkpoint.data.update({**after_upload_started(len(VIDEO)), "stage": "finished"})
    with pytest.raises(PermanentError) as caught:  # the fake has no such publication
        adapter(dzen).publish(clip_of(), META, checkpoint)
    assert caught.value.code == "dzen_not_found"
    assert checkpoint.data["publication_id"] is None and checkpoint.data["stage"] is None
    result = adapter(dzen).publish(clip_of(), META, checkpoint)
    assert dzen.publications[result.remote_id].published
    assert dzen.routes.count("add-publication") == 1
