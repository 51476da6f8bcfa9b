"""POST /api/video/ and the pull that follows (platform-apis.md §4.2): the clip really crosses
HTTP from a local server, states move from downloading to ready or error, callbacks are made."""

import os
import re

from autopost.sandbox import demo
from tests.sandbox.rutube.helpers import closed_port_url, sha256, wait_for

CLIP = os.urandom(700_000)


def create(api, **body) -> str:
    response = api.post("/api/video/", json=body)
    assert response.status_code == 201, response.text
    return response.json()["video_id"]


def status_of(api, video_id: str) -> dict:
    response = api.get(f"/api/video/{video_id}/")
    assert response.status_code == 200
    return response.json()


def logged(rutube, video_id: str) -> dict:
    return next(v for v in rutube.rutube_videos() if v["video_id"] == video_id)


def test_the_clip_is_downloaded_hashed_and_becomes_ready(rutube, api, files):
    url = files.serve("/clip.mp4", CLIP)
    rutube.set_rutube_config(processing_s=60)

    video_id = create(api, url=url, title="Клип 1", description="Текст", category_id=6)

    assert re.fullmatch(r"[0-9a-f]{32}", video_id)
    wait_for(lambda: logged(rutube, video_id)["status"] == "processing")
    processing = status_of(api, video_id)
    assert processing["status"] == "processing"
    assert processing["action_reason"] == {"name": "downloading_video"}
    assert processing["duration"] is None
    rutube.advance_rutube_clock(60)
    ready = status_of(api, video_id)
    assert ready["status"] == "ready"
    assert ready["action_reason"] == {"name": "moderation"}
    assert ready["title"] == "Клип 1" and ready["description"] == "Текст"
    assert ready["category"] == {"id": 6, "name": "Музыка"}
    assert ready["author"] == {"id": demo.RUTUBE_USERID, "name": demo.RUTUBE_NAME}
    assert ready["duration"] == 27 and ready["is_deleted"] is False
    entry = logged(rutube, video_id)
    assert (entry["sha256"], entry["size"]) == (sha256(CLIP), len(CLIP))
    assert (entry["source_url"], entry["download_status"]) == (url, 200)
    assert files.gets == ["/clip.mp4"]


def test_a_video_is_downloading_while_rutube_fetches_it(rutube, api, files):
    # The download waits 30 s before it starts; the reset of the next test cancels it.
    rutube.add_fault("delay", platform="rutube", method="download", delay_s=30)

    video_id = create(api, url=files.serve("/clip.mp4", CLIP))

    downloading = status_of(api, video_id)
    assert downloading["status"] == "processing"
    assert downloading["action_reason"] == {"name": "downloading_video"}
    assert downloading["thumbnail_url"] is None and downloading["publication_ts"] is None
    assert logged(rutube, video_id)["status"] == "downloading"


def test_success_calls_the_callback_with_query_fields_and_extra(rutube, api, files):
    url = files.serve("/clip.mp4", CLIP)
    callback = f"{files.base_url}/rt/ok"

    video_id = create(
        api,
        url=url,
        title="Клип",
        callback_url=callback,
        errback_url=f"{files.base_url}/rt/fail",
        query_fields={"publication": "42"},
        extra={"attempt": 1},
    )

    [call] = wait_for(lambda: files.posts_to("/rt/ok"))
    assert call.path == "/rt/ok?publication=42"
    assert call.body == {
        "video_id": video_id,
        "status": "ready",
        "extra": {"attempt": 1},
        "query_fields": {"publication": "42"},
    }
    assert files.posts_to("/rt/fail") == []
    # The log entry exists as soon as the call starts; its status once the answer is in.
    [made] = wait_for(lambda: [c for c in logged(rutube, video_id)["callbacks"] if c["status"] is not None])
    assert made == {
        "kind": "callback",
        "url": f"{callback}?publication=42",
        "status": 200,
        "error": "",
    }


def test_an_unreachable_url_ends_in_error_and_calls_the_errback(rutube, api, files):
    video_id = create(api, url=closed_port_url(), errback_url=f"{files.base_url}/rt/fail")

    [call] = wait_for(lambda: files.posts_to("/rt/fail"))
    failed = status_of(api, video_id)

    assert failed["status"] == "error"
    assert failed["action_reason"] == {"name": "download_error"}
    assert call.body["video_id"] == video_id and call.body["status"] == "error"
    assert "ConnectError" in logged(rutube, video_id)["error"]


def test_a_missing_file_and_a_web_page_are_not_videos(rutube, api, files):
    page = files.serve("/page.html", b"<html>hello</html>", "text/html; charset=utf-8")
    missing = create(api, url=f"{files.base_url}/missing.mp4")
    html = create(api, url=page)

    wait_for(lambda: logged(rutube, missing)["status"] == logged(rutube, html)["status"] == "error")

    assert logged(rutube, missing)["download_status"] == 404
    assert "HTTP 404" in logged(rutube, missing)["error"]
    assert "not a video" in logged(rutube, html)["error"]
    assert status_of(api, html)["status"] == "error"


def test_the_fail_switch_and_a_download_fault_fail_downloads(rutube, api, files):
    url = files.serve("/clip.mp4", CLIP)
    rutube.add_fault("http_500", platform="rutube", method="download")
    faulted = create(api, url=url)
    wait_for(lambda: logged(rutube, faulted)["status"] == "error")
    rutube.set_rutube_config(fail_downloads=True)
    switched = create(api, url=url)
    wait_for(lambda: logged(rutube, switched)["status"] == "error")

    assert "injected fault" in logged(rutube, faulted)["error"]
    assert "fail_downloads" in logged(rutube, switched)["error"]
    assert files.gets == []


def test_title_defaults_to_the_file_name_and_200_can_be_chosen(rutube, api, files):
    rutube.set_rutube_config(create_status=200)

    response = api.post("/api/video/", data={"url": files.serve("/my%20clip.mp4", CLIP)})

    assert response.status_code == 200
    assert status_of(api, response.json()["video_id"])["title"] == "my clip"


def test_url_is_required_and_fields_are_checked(rutube, api):
    missing = api.post("/api/video/", json={"title": "Без ссылки"})
    invalid = api.post(
        "/api/video/", json={"url": "ftp://x/y.mp4", "category_id": 99, "is_hidden": "maybe"}
    )

    assert missing.status_code == 400
    assert missing.json() == {"url": ["This field is required."]}
    assert invalid.status_code == 400
    assert invalid.json() == {
        "url": ["Enter a valid URL."],
        "is_hidden": ["Must be a valid boolean."],
        "category_id": ['Invalid pk "99" - object does not exist.'],
    }
    assert rutube.rutube_videos() == []


def test_creating_needs_a_token(rutube, api):
    response = api.post(
        "/api/video/", json={"url": "http://x/y.mp4"}, headers={"Authorization": ""}
    )

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert rutube.rutube_videos() == []
