"""Stats (platform-apis.md §5.4): the private ``stats2`` page by page, the public launcher feed."""

import httpx
import pytest

from autopost.sandbox import demo
from tests.sandbox.dzen.helpers import (
    EDITOR,
    errors_of,
    get_publication,
    publish,
    publish_body,
    query,
    uploaded_publication,
)

STATS = f"{EDITOR}/publisher/{demo.DZEN_PUBLISHER_ID}/stats2"
ALL_FIELDS = [("fields", f) for f in ("typeSpecificViews", "likes", "comments", "shares")]


@pytest.fixture
def shorts(dzen, studio) -> list[str]:
    """25 published shorts (oldest first) with counters views = 10·n, likes = n, and a draft."""
    made = []
    for n in range(25):
        publication_id = uploaded_publication(studio, studio, b"clip %d" % n)
        body = publish_body(get_publication(studio, publication_id), f"Клип {n}")
        assert publish(studio, body).status_code == 200
        dzen.set_dzen_counters(publication_id, views=10 * n, likes=n, comments=1, shares=2)
        made.append(publication_id)
    uploaded_publication(studio, studio, b"draft")
    return made


def stats_page(studio, page: int, size: int, extra: list | None = None) -> httpx.Response:
    params = [("allPublications", "true"), *(extra or ALL_FIELDS), ("groupBy", "flight")]
    params += [("total", "true"), ("pageSize", str(size)), ("page", str(page)), ("clid", "320")]
    return studio.get(STATS, params=params)


def test_stats2_pages_rows_with_totals(studio, shorts):
    pages = [stats_page(studio, page, 10).json() for page in (0, 1, 2)]

    assert [len(p["publications"]) for p in pages] == [10, 10, 5]
    assert [p["hasMore"] for p in pages] == [True, True, False]
    assert {p["totalCount"] for p in pages} == {25}
    first = pages[0]["publications"][0]
    assert first == {
        "publicationId": shorts[-1],
        "publicationType": "gif",
        "title": "Клип 24",
        "publishedAt": first["publishedAt"],
        "typeSpecificViews": 240,
        "likes": 24,
        "comments": 1,
        "shares": 2,
    }
    assert pages[0]["total"] == {
        "typeSpecificViews": sum(10 * n for n in range(25)),
        "likes": sum(range(25)),
        "comments": 25,
        "shares": 50,
    }
    listed = [row["publicationId"] for page in pages for row in page["publications"]]
    assert sorted(listed) == sorted(shorts)


def test_stats2_returns_the_fields_asked_for(studio, shorts):
    page = stats_page(studio, 0, 100, [("fields", "likes")]).json()

    assert set(page["publications"][0]) == {
        "publicationId",
        "publicationType",
        "title",
        "publishedAt",
        "likes",
    }
    assert page["total"] == {"likes": sum(range(25))}
    assert stats_page(studio, 0, 101).status_code == 400
    assert errors_of(stats_page(studio, -1, 10)) == ["validation-error"]


def test_launcher_export_is_public_with_counters(dzen, shorts):
    response = httpx.get(
        f"{dzen.dzen_url}/api/v3/launcher/export", params={"channel_name": demo.DZEN_CHANNEL_SLUG}
    )

    body = response.json()
    assert body["channel"] == {
        "id": demo.DZEN_PUBLISHER_ID,
        "name": demo.DZEN_CHANNEL_NAME,
        "slug": demo.DZEN_CHANNEL_SLUG,
    }
    assert len(body["items"]) == 25
    item = body["items"][0]
    assert item["id"] == shorts[-1] and item["title"] == "Клип 24"
    assert item["share_link"] == f"{dzen.dzen_url}/shorts/{shorts[-1]}"
    assert (item["views"], item["likes"], item["comments"], item["shares"]) == (240, 24, 1, 2)
    by_id = httpx.get(
        f"{dzen.dzen_url}/api/v3/launcher/more", params={"channel_id": demo.DZEN_PUBLISHER_ID}
    )
    assert len(by_id.json()["items"]) == 25


def test_launcher_export_of_an_unknown_channel_is_404(dzen):
    response = httpx.get(
        f"{dzen.dzen_url}/api/v3/launcher/export", params={"channel_name": "nobody_here"}
    )

    assert response.status_code == 404


def test_stats2_of_an_empty_channel(studio):
    page = stats_page(studio, 0, 20).json()

    assert page["publications"] == [] and page["totalCount"] == 0 and page["hasMore"] is False
    assert page["total"]["likes"] == 0
    assert "total" not in studio.get(STATS, params=query()).json()
