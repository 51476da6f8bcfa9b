"""Publishing a short, §5.3: request shapes, the order of checkpoint saves, polling, publishing."""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from autopost.platforms.base import ClipFile, Metadata
from autopost.platforms.errors import ClipFileMissing, PermanentError, TransientError

from .fakes import PUBLICATION_ID, PUBLISHER_ID, SESSION_HEADER, UPLOAD_ID, csrf_token
from .helpers import CHUNK, VIDEO, adapter, clip_of

META = Metadata(title="  Кот и пылесос ", description="Смотрите до конца #кот")
FLOW = (["studio", "add-publication", "start-upload-video", "tus-head"] + ["tus-patch"] * 6
        + ["finish-upload-video", "publication", "publication", "publish"])


def body(request):
    return json.loads(request.content)


def test_a_clip_is_published_as_a_short(dzen, checkpoint, sleeps):
    result = adapter(dzen).publish(clip_of(), META, checkpoint)
    assert (result.remote_id, result.url) == (PUBLICATION_ID,
                                              f"{settings.DZEN_WEB_URL}/shorts/{PUBLICATION_ID}")
    assert dzen.routes == FLOW
    assert bytes(dzen.upload().data) == VIDEO
    assert sleeps == [5.0]  # one poll found it still converting
    assert checkpoint.data["stage"] == "done"


def test_request_shapes(dzen, checkpoint, sleeps):
    adapter(dzen).publish(clip_of(), META, checkpoint)
    add = dzen.sent("add-publication")[0]
    assert add.method == "POST" and add.url.path == "/editor-api/v2/add-publication"
    assert dict(add.url.params) == {"publisherId": PUBLISHER_ID, "clid": "320"}
    assert body(add) == {"publicationType": "gif", "content": {"gifContent": {}}}
    assert add.headers["Content-Type"] == "application/json"

    start = dzen.sent("start-upload-video")[0]
    assert start.url.path == "/media-api-video/start-upload-video"
    assert dict(start.url.params) == {"publisherId": PUBLISHER_ID, "clid": "320"}
    assert body(start) == {"publicationId": PUBLICATION_ID, "fileName": "clip-7.mp4",
                           "fileSize": len(VIDEO), "mimeType": "video/mp4"}

    finish = dzen.sent("finish-upload-video")[0]
    assert finish.url.path == "/media-api-video/finish-upload-video"
    assert dict(finish.url.params) == {"publisherId": PUBLISHER_ID, "clid": "320"}
    assert body(finish) == {"publicationId": PUBLICATION_ID, "uploadId": UPLOAD_ID}

    poll = dzen.sent("publication")[0]
    assert poll.method == "GET"
    assert poll.url.path == f"/editor-api/v2/publisher/{PUBLISHER_ID}/publication/{PUBLICATION_ID}"
    assert dict(poll.url.params) == {"clid": "320"}

    for request in dzen.requests:
        route, request = request
        if route.startswith("tus-") or route == "studio":
            continue
        assert request.headers["X-Csrf-Token"] == csrf_token(1)
        assert request.headers["Cookie"] == SESSION_HEADER
        assert request.headers["Origin"] == "https://dzen.ru"
        assert request.headers["Referer"] == "https://dzen.ru/profile/editor"


def test_the_whole_publication_goes_back_with_title_snippet_and_switches(dzen, checkpoint, sleeps):
    adapter(dzen).publish(clip_of(), META, checkpoint)
    publish = dzen.sent("publish")[0]
    assert publish.url.path == "/editor-api/v2/update-publication-content-and-publish"
    assert dict(publish.url.params) == {"publisherId": PUBLISHER_ID, "clid": "320"}
    sent = body(publish)
    assert sent["id"] == PUBLICATION_ID
    assert sent["preview"] == {"title": "Кот и пылесос", "snippet": "Смотрите до конца #кот",
                               "imageId": "img-1"}
    assert sent["visibilityType"] == "all"
    assert sent["commentsFlagState"] == "on"
    assert sent["delayedPublicationFlagState"] == "off"
    assert sent["tagsInput"] == {"tags": []}
    gif = sent["gifContent"]
    assert gif["isUploaded"] is True and gif["isConverted"] is True
    for key in ("videoId", "duration", "hasSound", "size", "streams", "thumbnails", "videoMetaId",
                "videoFileId", "oneVideoInfo"):
        assert key in gif
    assert sent["content"]["gifContent"] == gif  # the rest of the publication is kept as read
    assert sent["publicationType"] == "gif" and sent["publisherId"] == PUBLISHER_ID


def test_ids_are_saved_the_moment_they_exist(dzen, checkpoint, sleeps):
    adapter(dzen).publish(clip_of(), META, checkpoint)
    events = dzen.events
    assert events.index("save:publication_id,stage") == events.index("add-publication") + 1
    assert events.index("save:stage,upload_id,upload_offset,upload_url") == (
        events.index("start-upload-video") + 1)
    # every confirmed chunk is saved before the next one is sent
    patches = [i for i, event in enumerate(events) if event == "tus-patch"]
    for i in patches:
        assert events[i + 1] == "save:upload_offset"
    offsets = [s["upload_offset"] for s in checkpoint.saves if set(s) == {"upload_offset"}]
    assert offsets == [1000, 2000, 3000, 4000, 5000, len(VIDEO)]
    stages = [s["stage"] for s in checkpoint.saves if "stage" in s]
    assert stages == ["created", "upload_started", "uploaded", "finished", "done"]
    assert checkpoint.data["url"] == f"{settings.DZEN_WEB_URL}/shorts/{PUBLICATION_ID}"


def test_every_api_call_is_throttled_but_the_upload_host_is_not(dzen, checkpoint, sleeps):
    calls = []
    provider = adapter(dzen, calls=calls)
    provider.publish(clip_of(), META, checkpoint)
    api_calls = [route for route in dzen.routes if not route.startswith("tus-")]
    assert calls == ["throttle"] * len(api_calls)


def test_polling_waits_between_reads_until_converted(dzen, checkpoint, sleeps):
    dzen.convert_after_polls = 4
    adapter(dzen).publish(clip_of(), META, checkpoint)
    assert dzen.routes.count("publication") == 4
    assert sleeps == [5.0, 5.0, 5.0]


def test_still_converting_after_all_polls_is_transient_and_resumes_at_the_poll(
        dzen, checkpoint, sleeps):
    dzen.convert_after_polls = 6
    with pytest.raises(TransientError) as caught:
        adapter(dzen).publish(clip_of(), META, checkpoint)
    assert caught.value.code == "dzen_conversion_pending"
    assert sleeps == [5.0, 5.0, 5.0]  # no wait after the last read
    assert checkpoint.data["stage"] == "finished"
    dzen.requests.clear()
    adapter(dzen).publish(clip_of(), META, checkpoint)
    assert dzen.routes == ["studio", "publication", "publication", "publish"]


def test_a_failed_conversion_fails_and_forgets_the_draft(dzen, checkpoint, sleeps):
    def fail(request):
        dzen.publications[PUBLICATION_ID].failed = True
        return dzen._api("publication", request)

    dzen.script("publication", fail)
    with pytest.raises(PermanentError) as caught:
        adapter(dzen).publish(clip_of(), META, checkpoint)
    assert caught.value.code == "dzen_conversion_failed"
    assert "publish" not in dzen.routes
    assert checkpoint.data["publication_id"] is None and checkpoint.data["stage"] is None


def test_a_missing_clip_file_creates_nothing(dzen, checkpoint):
    def gone():
        raise FileNotFoundError("clips/7.mp4")

    with pytest.raises(ClipFileMissing):
        adapter(dzen).publish(ClipFile(open=gone, size=10), META, checkpoint)
    assert dzen.routes == []
    assert checkpoint.saves == []


def test_the_clip_file_is_closed(dzen, checkpoint, sleeps):
    opened = []
    adapter(dzen).publish(clip_of(opened=opened), META, checkpoint)
    assert len(opened) == 1 and opened[0].closed


def test_a_publish_reply_other_than_ok_is_transient(dzen, checkpoint, sleeps):
    import httpx

    dzen.script("publish", httpx.Response(200, json={"result": "PENDING"}))
    with pytest.raises(TransientError):
        adapter(dzen).publish(clip_of(), META, checkpoint)
    assert checkpoint.data["stage"] == "finished"


def test_add_publication_may_answer_with_a_list(dzen, checkpoint, sleeps):
    import httpx

    def listed(request):
        dzen._api("add-publication", request)
        return httpx.Response(200, json={"publications": [{"id": PUBLICATION_ID}]})

    dzen.script("add-publication", listed)
    assert adapter(dzen).publish(clip_of(), META, checkpoint).remote_id == PUBLICATION_ID


def test_chunk_size_comes_from_settings(dzen, checkpoint, sleeps, settings):
    settings.DZEN_TUS_CHUNK_BYTES = 4 * 1024 * 1024
    adapter(dzen).publish(clip_of(), META, checkpoint)
    assert dzen.routes.count("tus-patch") == 1
    assert CHUNK < len(VIDEO)
