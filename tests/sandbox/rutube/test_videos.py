"""Reading and changing videos (platform-apis.md §4.2 management, §4.4): GET, PATCH, PUT, DELETE,
thumbnail, scheduled publication, categories, votes, profiles."""

import os

import httpx
import pytest

from autopost.sandbox import demo
from tests.sandbox.rutube.helpers import wait_for

CLIP = os.urandom(50_000)
UNKNOWN = "0" * 32
NOT_FOUND = {"detail": "Not found."}


@pytest.fixture
def video_id(rutube, api, files) -> str:
    """A ready video of the demo account."""
    url = files.serve("/clip.mp4", CLIP)
    video_id = api.post("/api/video/", json={"url": url, "title": "Клип"}).json()["video_id"]
    wait_for(lambda: api.get(f"/api/video/{video_id}/").json()["status"] == "ready")
    return video_id


@pytest.fixture
def other(rutube):
    headers = {"Authorization": f"Token {demo.RUTUBE_OTHER_TOKEN}"}
    with httpx.Client(base_url=rutube.rutube_api_url, headers=headers, timeout=10) as client:
        yield client


def test_a_video_has_the_fields_yt_dlp_reads(api, video_id, rutube):
    video = api.get(f"/api/video/{video_id}").json()

    assert {
        "id", "title", "hits", "comments_count", "duration", "is_hidden", "created_ts",
        "publication_ts", "category", "author", "thumbnail_url", "status", "is_deleted",
        "action_reason",
    } <= set(video)  # fmt: skip
    assert video["id"] == video_id
    assert video["category"] == {"id": 13, "name": "Разное"}
    assert video["created_ts"][:4].isdigit() and "T" in video["created_ts"]
    assert video["publication_ts"] is not None
    assert video["video_url"] == f"{rutube.rutube_api_url}/video/{video_id}/"


def test_counters_set_by_control_show_in_the_video_and_the_votes(api, video_id, rutube):
    rutube.set_rutube_counters(video_id, hits=5321, comments_count=4, positive=120, negative=3)

    video = api.get(f"/api/video/{video_id}/").json()
    votes = api.get(f"/api/numerator/video/{video_id}/vote")

    assert (video["hits"], video["comments_count"]) == (5321, 4)
    assert votes.json() == {"positive": 120, "negative": 3}


def test_unknown_videos_are_404(api):
    for response in (
        api.get(f"/api/video/{UNKNOWN}/"),
        api.patch(f"/api/video/{UNKNOWN}", json={"title": "x"}),
        api.delete(f"/api/video/{UNKNOWN}"),
        api.get(f"/api/numerator/video/{UNKNOWN}/vote"),
        api.get("/api/profile/user/999/"),
    ):
        assert response.status_code == 404
        assert response.json() == NOT_FOUND


def test_patch_and_put_change_the_given_fields(api, video_id):
    patched = api.patch(f"/api/video/{video_id}", json={"title": "Новое", "is_hidden": True})
    put = api.put(f"/api/video/{video_id}/", json={"description": "Описание", "category": 6})

    assert patched.status_code == 200
    assert (patched.json()["title"], patched.json()["is_hidden"]) == ("Новое", True)
    video = put.json()
    assert (video["title"], video["description"]) == ("Новое", "Описание")
    assert video["category"] == {"id": 6, "name": "Музыка"}
    bad = api.patch(f"/api/video/{video_id}", json={"category": 99, "title": " "})
    assert bad.status_code == 400
    assert set(bad.json()) == {"category", "title"}


def test_delete_is_204_then_404(api, video_id, rutube):
    deleted = api.delete(f"/api/video/{video_id}")

    assert deleted.status_code == 204
    assert deleted.content == b""
    assert api.get(f"/api/video/{video_id}/").json() == NOT_FOUND
    assert rutube.rutube_videos()[0]["deleted"] is True


def test_a_video_deleted_on_the_site_shows_is_deleted(api, video_id, rutube):
    rutube.delete_rutube_video_on_site(video_id)

    assert api.get(f"/api/video/{video_id}/").json()["is_deleted"] is True


def test_someone_elses_video_can_be_read_but_not_changed(other, video_id):
    assert other.get(f"/api/video/{video_id}/").status_code == 200
    for response in (
        other.patch(f"/api/video/{video_id}", json={"title": "Моё"}),
        other.delete(f"/api/video/{video_id}"),
        other.post(f"/api/video/{video_id}/thumbnail/", files={"file": ("t.jpg", b"x")}),
        other.post(
            "/api/video/publication/", json={"video": video_id, "timestamp": "2030-01-01 10:00:00"}
        ),
    ):
        assert response.status_code == 403
        assert response.json() == {"detail": "You do not have permission to perform this action."}


def test_thumbnail_upload_answers_its_url(api, video_id, rutube):
    response = api.post(
        f"/api/video/{video_id}/thumbnail/",
        files={"file": ("cover.jpg", b"\xff\xd8jpeg", "image/jpeg")},
    )
    missing = api.post(f"/api/video/{video_id}/thumbnail/", files={"other": ("a.jpg", b"x")})

    assert response.status_code == 200
    url = response.json()["thumbnail_url"]
    assert url.startswith(f"{rutube.rutube_api_url}/thumbnails/{video_id}/")
    assert api.get(f"/api/video/{video_id}/").json()["thumbnail_url"] == url
    assert rutube.rutube_videos()[0]["thumbnail_size"] == 6
    assert missing.status_code == 400
    assert missing.json() == {"file": ["No file was submitted."]}


def test_scheduled_publication_sets_publication_ts(api, video_id):
    response = api.post(
        "/api/video/publication/", json={"video": video_id, "timestamp": "2030-01-16 20:36:31"}
    )
    bad = api.post("/api/video/publication/", json={"video": UNKNOWN, "timestamp": "soon"})

    assert response.status_code == 201
    assert response.json() == {"video": video_id, "timestamp": "2030-01-16 20:36:31"}
    assert api.get(f"/api/video/{video_id}/").json()["publication_ts"] == "2030-01-16T20:36:31"
    assert bad.status_code == 400
    assert set(bad.json()) == {"video", "timestamp"}


def test_categories_are_public(rutube):
    response = httpx.get(f"{rutube.rutube_api_url}/api/video/category/")

    assert response.json() == [{"id": 13, "name": "Разное"}, {"id": 6, "name": "Музыка"}]


def test_profile_counts_public_ready_videos(api, video_id, rutube):
    rutube.set_rutube_counters(video_id, hits=10)

    profile = httpx.get(f"{rutube.rutube_api_url}/api/profile/user/{demo.RUTUBE_USERID}/").json()

    assert profile["id"] == demo.RUTUBE_USERID
    assert profile["name"] == demo.RUTUBE_NAME
    assert (profile["video_count"], profile["hits"]) == (1, 10)
    assert profile["subscribers_count"] == 321
