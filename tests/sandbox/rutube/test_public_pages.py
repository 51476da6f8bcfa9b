"""rutube.ru's public pages in the sandbox (under ``/rutube``, the API's host): a video opens at
``/video/<id>/`` — the address the API's ``video_url`` gives — with its title and stage, its
channel lists it, and an unknown or deleted video is a 404."""

import os

from autopost.sandbox import demo
from tests.sandbox.rutube.helpers import sha256, wait_for

CLIP = os.urandom(300_000)


def ready_video(rutube, api, files, **body) -> str:
    response = api.post("/api/video/", json={"url": files.serve("/clip.mp4", CLIP), **body})
    assert response.status_code == 201, response.text
    video_id = response.json()["video_id"]
    wait_for(lambda: api.get(f"/api/video/{video_id}/").json()["status"] == "ready")
    return video_id


def test_a_video_opens_at_the_address_the_api_gives(rutube, api, files, http):
    video_id = ready_video(rutube, api, files, title="Закат над Невой",
                           description="Вечер <у воды>")
    address = api.get(f"/api/video/{video_id}/").json()["video_url"]

    page = http.get(address)

    assert address == f"{rutube.rutube_api_url}/video/{video_id}/"
    assert page.status_code == 200
    assert "<h1>Закат над Невой</h1>" in page.text and "Вечер &lt;у воды&gt;" in page.text
    assert demo.RUTUBE_NAME in page.text
    assert sha256(CLIP) in page.text and "<video" not in page.text


def test_a_video_still_processing_says_so(rutube, api, files, http):
    rutube.set_rutube_config(processing_s=60)
    url = files.serve("/clip.mp4", CLIP)
    response = api.post("/api/video/", json={"url": url, "title": "Ждём"})
    video_id = response.json()["video_id"]
    wait_for(lambda: rutube.rutube_videos()[0]["status"] == "processing")

    page = http.get(f"{rutube.rutube_api_url}/video/{video_id}/")

    assert page.status_code == 200 and "Видео обрабатывается" in page.text


def test_the_channel_lists_its_ready_videos(rutube, api, files, http):
    video_id = ready_video(rutube, api, files, title="В списке")

    page = http.get(f"{rutube.rutube_api_url}/channel/{demo.RUTUBE_USERID}/")

    assert page.status_code == 200
    assert f'href="/rutube/video/{video_id}/"' in page.text and "В списке" in page.text


def test_unknown_and_deleted_videos_are_404(rutube, api, files, http):
    deleted = ready_video(rutube, api, files, title="Удалённый")
    assert api.delete(f"/api/video/{deleted}").status_code == 204

    for path in (f"/video/{'0' * 32}/", f"/video/{deleted}/", "/channel/1/"):
        page = http.get(f"{rutube.rutube_api_url}{path}")
        assert page.status_code == 404, path
        assert "Страница не найдена" in page.text
