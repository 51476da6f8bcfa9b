"""``GET /api/video/person/`` and ``/api/video/person/<userid>/?page=N`` (platform-apis.md §4.1,
§4.4): own videos behind the token, someone's public videos page by page."""

import httpx
import pytest

from autopost.sandbox import demo
from tests.sandbox.rutube.helpers import wait_for

PERSON = f"/api/video/person/{demo.RUTUBE_USERID}/"


@pytest.fixture
def videos(rutube, api, files) -> list[str]:
    """45 ready videos of the demo account, oldest first."""
    url = files.serve("/clip.mp4", b"\x00\x00\x00\x18ftypmp42" * 100)
    made = [
        api.post("/api/video/", json={"url": url, "title": f"Клип {n}"}).json()["video_id"]
        for n in range(45)
    ]
    wait_for(lambda: all(v["status"] == "ready" for v in rutube.rutube_videos()))
    return made


def test_pages_of_twenty_newest_first(api, videos, rutube):
    pages = [api.get(PERSON, params={"page": n}).json() for n in (1, 2, 3)]

    assert [len(p["results"]) for p in pages] == [20, 20, 5]
    assert [p["has_next"] for p in pages] == [True, True, False]
    assert [p["page"] for p in pages] == [1, 2, 3]
    assert {p["per_page"] for p in pages} == {20}
    assert pages[0]["next"] == f"{rutube.rutube_api_url}{PERSON}?page=2"
    assert pages[2]["next"] is None
    listed = [video["id"] for page in pages for video in page["results"]]
    assert sorted(listed) == sorted(videos)
    assert pages[0]["results"][0]["title"] == "Клип 44"
    assert "hits" in pages[0]["results"][0]


def test_a_page_past_the_end_is_404_invalid_page(api, videos):
    for page in ("4", "0", "x"):
        response = api.get(PERSON, params={"page": page})
        assert response.status_code == 404
        assert response.json() == {"detail": "Invalid page."}


def test_own_videos_include_hidden_ones_others_see_public_ones(api, videos, rutube):
    api.patch(f"/api/video/{videos[0]}", json={"is_hidden": True})

    own = api.get("/api/video/person/").json()
    anonymous = httpx.get(f"{rutube.rutube_api_url}{PERSON}?page=3").json()

    assert own["has_next"] is True and len(own["results"]) == 20
    assert [v["id"] for v in anonymous["results"]][-1] != videos[0]
    assert len(anonymous["results"]) == 4


def test_an_empty_list_is_page_one_and_unknown_people_are_404(api, rutube):
    empty = api.get(f"/api/video/person/{demo.RUTUBE_OTHER_USERID}/").json()

    assert empty == {
        "results": [],
        "has_next": False,
        "next": None,
        "previous": None,
        "page": 1,
        "per_page": 20,
    }
    assert api.get("/api/video/person/42/").status_code == 404
