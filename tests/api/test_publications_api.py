"""Publishing over the API: per-target results, listing, detail with events, cancel and retry."""

import json
from datetime import timedelta

import pytest
from api_helpers import assert_error
from django.utils import timezone
from factories import make_clip, make_connection

from autopost.connections.models import ConnectionStatus
from autopost.publishing.models import Publication, Status

PUBLICATION_FIELDS = {
    "id", "clip_id", "connection_id", "platform", "status", "scheduled_at", "next_attempt_at",
    "attempts", "last_error", "remote_id", "url", "published_at", "stats", "created_at",
}


def publish(client, clip_id, targets, scheduled_at=None):
    return client.post(
        f"/api/v1/clips/{clip_id}/publish",
        data=json.dumps({"targets": targets, "scheduled_at": scheduled_at}),
        content_type="application/json",
    )


def in_an_hour() -> str:
    return (timezone.now() + timedelta(hours=1)).isoformat()


@pytest.fixture
def clip(alice):
    return make_clip(alice)


@pytest.fixture
def channel(alice):
    return make_connection(alice)


def failed_publication(clip, connection) -> Publication:
    publication = Publication.objects.create(
        clip=clip, connection=connection, platform=connection.platform,
        status=Status.PUBLISHING, next_attempt_at=timezone.now(),
    )
    assert publication.claim(60)
    assert publication.mark_failed("upload_rejected", "Платформа отклонила файл")
    return publication


def test_publish_now_returns_one_result_per_target(alice_api, clip, channel):
    response = publish(alice_api, clip.pk, [channel.pk])
    assert response.status_code == 200, response.content
    [result] = response.json()["results"]
    assert result["connection_id"] == channel.pk
    assert result["ok"] is True and result["error"] is None
    assert set(result["publication"]) == PUBLICATION_FIELDS
    assert result["publication"]["status"] == "publishing"
    assert result["publication"]["clip_id"] == clip.pk


def test_a_bad_target_does_not_block_the_good_ones(alice_api, alice, bob, clip, channel):
    second = make_connection(alice, target_id="-1001000000002")
    revoked = make_connection(alice, target_id="-1001000000003", status=ConnectionStatus.REVOKED)
    bobs = make_connection(bob, target_id="-1001000000004")
    targets = [channel.pk, bobs.pk, revoked.pk, 999999, second.pk]

    results = publish(alice_api, clip.pk, targets).json()["results"]

    assert [r["connection_id"] for r in results] == targets
    by_id = {r["connection_id"]: r for r in results}
    assert by_id[channel.pk]["ok"] and by_id[second.pk]["ok"]
    for bad in (bobs.pk, revoked.pk, 999999):
        assert by_id[bad]["ok"] is False and by_id[bad]["publication"] is None
        assert set(by_id[bad]["error"]) == {"code", "message"} and by_id[bad]["error"]["message"]
    # Bob's connection looks exactly like one that does not exist.
    assert by_id[bobs.pk]["error"] == by_id[999999]["error"]
    assert by_id[bobs.pk]["error"]["code"] == "connection_not_found"
    assert by_id[revoked.pk]["error"]["code"] == "connection_revoked"
    assert Publication.objects.count() == 2


def test_publish_on_a_schedule(alice_api, clip, channel):
    at = timezone.now() + timedelta(hours=2)
    [result] = publish(alice_api, clip.pk, [channel.pk], at.isoformat()).json()["results"]
    assert result["publication"]["status"] == "scheduled"
    publication = Publication.objects.get(pk=result["publication"]["id"])
    assert abs(publication.scheduled_at - at) < timedelta(seconds=1)


def test_a_schedule_without_offset_is_in_the_service_time_zone(alice_api, clip, channel, settings):
    settings.TIME_ZONE = "Asia/Vladivostok"  # UTC+10 all year
    naive = (timezone.now() + timedelta(days=1)).astimezone(timezone.get_default_timezone())
    naive = naive.replace(tzinfo=None, microsecond=0)
    [result] = publish(alice_api, clip.pk, [channel.pk], naive.isoformat()).json()["results"]
    publication = Publication.objects.get(pk=result["publication"]["id"])
    assert publication.scheduled_at == timezone.make_aware(naive, timezone.get_default_timezone())


def test_a_schedule_in_the_past_is_refused_and_creates_nothing(alice_api, clip, channel):
    past = (timezone.now() - timedelta(minutes=1)).isoformat()
    assert_error(publish(alice_api, clip.pk, [channel.pk], past), 400, "scheduled_in_past")
    assert not Publication.objects.exists()


def test_empty_targets_are_refused(alice_api, clip):
    assert_error(publish(alice_api, clip.pk, []), 400, "no_targets")


def test_publishing_the_same_clip_twice_to_one_target_is_reported(alice_api, clip, channel):
    assert publish(alice_api, clip.pk, [channel.pk]).json()["results"][0]["ok"]
    [again] = publish(alice_api, clip.pk, [channel.pk]).json()["results"]
    assert again["ok"] is False and again["error"]["code"] == "already_publishing"
    assert Publication.objects.count() == 1


def test_publish_rate_limit_is_429(alice_api, clip, channel, settings):
    settings.PUBLISH_RATE_PER_USER = "1/minute"
    publish(alice_api, clip.pk, [channel.pk])
    assert_error(publish(alice_api, clip.pk, [channel.pk]), 429, "rate_limited")


def test_list_filters_by_clip_and_status(alice_api, alice, clip, channel):
    other_clip = make_clip(alice)
    publish(alice_api, clip.pk, [channel.pk], in_an_hour())
    publish(alice_api, other_clip.pk, [channel.pk])

    everything = alice_api.get("/api/v1/publications").json()
    assert everything["count"] == 2
    assert all(set(p) == PUBLICATION_FIELDS for p in everything["items"])
    by_clip = alice_api.get(f"/api/v1/publications?clip={clip.pk}").json()["items"]
    assert [p["clip_id"] for p in by_clip] == [clip.pk]
    scheduled = alice_api.get("/api/v1/publications?status=scheduled").json()["items"]
    assert [p["status"] for p in scheduled] == ["scheduled"]
    both = alice_api.get(f"/api/v1/publications?clip={other_clip.pk}&status=scheduled").json()
    assert both["count"] == 0


def test_detail_has_the_events_and_the_last_error(alice_api, clip, channel):
    publication = failed_publication(clip, channel)
    body = alice_api.get(f"/api/v1/publications/{publication.pk}").json()
    assert set(body) == PUBLICATION_FIELDS | {"events"}
    assert body["status"] == "failed"
    assert body["last_error"] == {"code": "upload_rejected", "message": "Платформа отклонила файл"}
    assert body["stats"] is None
    assert [(e["from_status"], e["to_status"]) for e in body["events"]] == [
        ("publishing", "publishing"),
        ("publishing", "failed"),
    ]
    assert set(body["events"][0]) == {"at", "from_status", "to_status", "reason", "message"}


def test_stats_appear_once_collected(alice_api, clip, channel):
    publication = failed_publication(clip, channel)
    now = timezone.now()
    Publication.objects.filter(pk=publication.pk).update(views=10, likes=2, stats_updated_at=now)
    stats = alice_api.get(f"/api/v1/publications/{publication.pk}").json()["stats"]
    assert stats["views"] == 10 and stats["likes"] == 2 and stats["comments"] is None


def test_cancel_a_scheduled_publication(alice_api, clip, channel):
    [result] = publish(alice_api, clip.pk, [channel.pk], in_an_hour()).json()["results"]
    publication_id = result["publication"]["id"]

    response = alice_api.post(f"/api/v1/publications/{publication_id}/cancel")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "cancelled"
    assert body["events"][-1]["to_status"] == "cancelled"

    again = alice_api.post(f"/api/v1/publications/{publication_id}/cancel")
    assert_error(again, 409, "not_cancellable")


def test_retry_a_failed_publication(alice_api, clip, channel):
    publication = failed_publication(clip, channel)
    response = alice_api.post(f"/api/v1/publications/{publication.pk}/retry")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "publishing"
    assert body["last_error"] is None and body["attempts"] == 0
    assert body["events"][-1]["reason"] == "manual_retry"

    assert_error(
        alice_api.post(f"/api/v1/publications/{publication.pk}/retry"), 409, "not_retryable"
    )


def test_someone_elses_publications_do_not_exist(alice_api, bob_api, clip, channel):
    [result] = publish(alice_api, clip.pk, [channel.pk], in_an_hour()).json()["results"]
    scheduled_id = result["publication"]["id"]
    failed = failed_publication(make_clip(clip.owner), channel)

    for url in (
        f"/api/v1/publications/{scheduled_id}",
        f"/api/v1/publications/{failed.pk}",
    ):
        assert_error(bob_api.get(url), 404, "not_found")
    assert_error(bob_api.post(f"/api/v1/publications/{scheduled_id}/cancel"), 404, "not_found")
    assert_error(bob_api.post(f"/api/v1/publications/{failed.pk}/retry"), 404, "not_found")
    assert bob_api.get("/api/v1/publications").json()["count"] == 0
    assert bob_api.get(f"/api/v1/publications?clip={clip.pk}").json()["count"] == 0
    # Nothing changed for alice.
    assert Publication.objects.get(pk=scheduled_id).status == Status.SCHEDULED
    assert Publication.objects.get(pk=failed.pk).status == Status.FAILED


def test_publishing_someone_elses_clip_is_not_found(bob_api, bob, clip):
    bobs_channel = make_connection(bob)
    assert_error(publish(bob_api, clip.pk, [bobs_channel.pk]), 404, "not_found")
    assert not Publication.objects.exists()

