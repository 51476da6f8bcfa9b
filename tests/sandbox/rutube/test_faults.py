"""Injected faults on Rutube (platform-apis.md §4.3, §6): 429 with Retry-After, 5xx, 401, and the
transport ones; a fault hits only its endpoint and is used up."""

import httpx
import pytest

from autopost.sandbox import demo
from tests.sandbox.rutube.helpers import sha256, wait_for


def test_rate_limit_is_429_with_retry_after(rutube, api):
    rutube.add_fault("rate_limit", platform="rutube", method="video.person", retry_after=7)

    limited = api.get("/api/video/person/")

    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "7"
    assert limited.json() == {"detail": "Request was throttled. Expected available in 7 seconds."}
    assert api.get("/api/video/person/").status_code == 200


@pytest.mark.parametrize(("kind", "status"), [("http_500", 500), ("http_502", 502)])
def test_server_errors_answer_an_html_page(rutube, api, kind, status):
    rutube.add_fault(kind, platform="rutube", method="video.create")

    response = api.post("/api/video/", json={"url": "http://127.0.0.1:9/x.mp4"})

    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert rutube.rutube_videos() == []


def test_unauthorized_fault_is_invalid_token(rutube, api):
    rutube.add_fault("unauthorized", platform="rutube", method="token_auth")

    response = api.post("/api/accounts/token_auth/", data={"username": "a", "password": "b"})

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_a_dropped_connection_creates_nothing(rutube, api):
    rutube.add_fault("drop_connection", platform="rutube", method="video.create")

    with pytest.raises(httpx.TransportError):
        api.post("/api/video/", json={"url": "http://127.0.0.1:9/x.mp4"})

    assert rutube.rutube_videos() == []


def test_a_slow_download_still_arrives_whole(rutube, api, files):
    clip = b"v" * 300_000
    rutube.add_fault("slow_upload", platform="rutube", method="download", delay_s=0.01)

    video_id = api.post("/api/video/", json={"url": files.serve("/c.mp4", clip)}).json()["video_id"]

    [video] = wait_for(lambda: [v for v in rutube.rutube_videos() if v["status"] == "ready"])
    assert (video["video_id"], video["sha256"]) == (video_id, sha256(clip))


def test_config_is_validated_and_reset(rutube):
    with pytest.raises(httpx.HTTPStatusError) as refused:
        rutube.set_rutube_config(create_status=204)
    rutube.set_rutube_config(fail_downloads=True)
    rutube.reset()

    assert "create_status" in refused.value.response.json()["error"]
    assert rutube.rutube_config()["fail_downloads"] is False


def test_demo_page_shows_the_rutube_world(rutube, api, files):
    api.post("/api/video/", json={"url": files.serve("/c.mp4", b"clip"), "title": "Клип с демо"})
    wait_for(lambda: rutube.rutube_videos()[0]["status"] == "ready")

    html = httpx.get(f"{rutube.base_url}/").text

    assert "<h2>Rutube</h2>" in html
    assert demo.RUTUBE_TOKEN in html and demo.RUTUBE_EMAIL in html
    assert "Клип с демо" in html and "готово" in html
    assert 'data-url="/_control/rutube/config"' in html
