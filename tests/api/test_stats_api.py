"""Stats over the API: a publication's snapshots, a clip's per-platform latest and totals, the
totals on the clip itself; another user's ids are 404."""

from datetime import timedelta

import pytest
from api_helpers import assert_error
from django.utils import timezone
from factories import make_clip, make_connection

from autopost.publishing.models import Publication, StatsSnapshot, Status
from autopost.publishing.stats import clip_totals


@pytest.fixture
def clip(alice):
    return make_clip(alice)


def published(clip, connection, remote_id, **counters) -> Publication:
    now = timezone.now()
    return Publication.objects.create(
        clip=clip, connection=connection, platform=connection.platform, status=Status.PUBLISHED,
        remote_id=remote_id, remote_url=f"https://example.com/{remote_id}", published_at=now - timedelta(days=1),
        stats_updated_at=now if counters else None, **counters,
    )


@pytest.fixture
def publications(alice, clip):
    vk = make_connection(alice, platform="vk", token="vk1.a.x", target_id="712345678", account_id="712345678")
    rutube = make_connection(alice, platform="rutube", token="rt", target_id="1", account_id="1")
    telegram = make_connection(alice)
    return {
        "vk": published(clip, vk, "712345678_5", views=1000, likes=40, comments=3, reposts=2),
        "rutube": published(clip, rutube, "a" * 32, views=500, likes=None, comments=7),
        "telegram": published(clip, telegram, "88"),
    }


def test_publication_stats_are_its_snapshots_oldest_first(alice_api, publications):
    vk = publications["vk"]
    now = timezone.now()
    for hours, views in ((6, 100), (1, 900)):
        StatsSnapshot.objects.create(publication=vk, taken_at=now - timedelta(hours=hours), views=views, likes=views // 50)

    response = alice_api.get(f"/api/v1/publications/{vk.pk}/stats")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2
    assert [(s["views"], s["likes"]) for s in body["items"]] == [(100, 2), (900, 18)]
    assert set(body["items"][0]) == {"taken_at", "views", "likes", "comments", "reposts"}


def test_another_users_publication_stats_are_not_found(bob_api, publications):
    assert_error(bob_api.get(f"/api/v1/publications/{publications['vk'].pk}/stats"), 404, "not_found")


def test_clip_stats_give_each_platforms_latest_and_the_totals(alice_api, clip, publications):
    response = alice_api.get(f"/api/v1/clips/{clip.pk}/stats")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["clip_id"] == clip.pk
    assert body["totals"] == {"views": 1500, "likes": 40, "comments": 10, "reposts": 2}
    by_platform = {p["platform"]: p for p in body["publications"]}
    assert by_platform["vk"]["stats"]["views"] == 1000
    assert by_platform["vk"]["publication_id"] == publications["vk"].pk
    assert by_platform["rutube"]["stats"]["likes"] is None
    assert (by_platform["telegram"]["stats_available"], by_platform["telegram"]["stats"]) == (False, None)
    assert by_platform["vk"]["stats_available"] is True


def test_another_users_clip_stats_are_not_found(bob_api, clip, publications):
    assert_error(bob_api.get(f"/api/v1/clips/{clip.pk}/stats"), 404, "not_found")


def test_the_clip_carries_its_totals_in_the_list_and_the_detail(alice_api, alice, clip, publications):
    other = make_clip(alice, title="Без публикаций")

    listed = {c["id"]: c["stats"] for c in alice_api.get("/api/v1/clips").json()["items"]}
    detail = alice_api.get(f"/api/v1/clips/{clip.pk}").json()["stats"]

    assert listed[clip.pk] == detail == {"views": 1500, "likes": 40, "comments": 10, "reposts": 2}
    assert listed[other.pk] == {"views": None, "likes": None, "comments": None, "reposts": None}


def test_clip_totals_count_only_published_publications(alice, clip, publications):
    failed_vk = make_connection(alice, platform="vk", token="vk1.a.y", target_id="2", account_id="2")
    Publication.objects.create(clip=clip, connection=failed_vk, platform="vk", status=Status.FAILED, views=99)
    assert clip_totals(clip) == {"views": 1500, "likes": 40, "comments": 10, "reposts": 2}
