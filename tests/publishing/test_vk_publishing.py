"""VK publishing against the sandbox: each error class lands in the right state, refresh on error
5, the clip → video fallback, community targets, a shared 3 calls/s window under load."""

import threading

import pytest
from django.conf import settings
from django.db import connection as db_connection
from django.test import Client
from django.utils import timezone

from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.publishing.attempt import run_publication
from autopost.publishing.models import Publication, Status
from autopost.sandbox import demo
from tests.connections.vk_flow import connect_vk
from tests.factories import make_clip


@pytest.fixture
def vk(alice, sandbox_control, settings):
    settings.VK_CLIP_POLL_SECONDS = 0.05
    sandbox_control.set_vk_config(processing_s=0, clip_not_ready_polls=1)
    browser = Client()
    browser.force_login(alice)
    connect_vk(browser)
    return PlatformConnection.objects.get(platform="vk")


def publish(owner, connection) -> Publication:
    publication = Publication.objects.create(
        clip=make_clip(owner), connection=connection, platform="vk",
        status=Status.PUBLISHING, next_attempt_at=timezone.now(),
    )
    run_publication(publication.pk)
    publication.refresh_from_db()
    return publication


def live_videos(sandbox_control) -> list[dict]:
    return [v for v in sandbox_control.vk_videos() if not v.get("deleted")]


@pytest.mark.parametrize(
    ("code", "status", "attempts", "reason"),
    [
        (6, Status.PUBLISHING, 0, "rate_limited"),  # resent, then wait ~1 s, attempt given back
        (9, Status.PUBLISHING, 0, "rate_limited"),  # flood control: minutes
        (29, Status.PUBLISHING, 0, "rate_limited"),  # daily quota: until tomorrow
        (10, Status.PUBLISHING, 1, "retry_scheduled"),  # VK's own error: retry on the schedule
        (1, Status.PUBLISHING, 1, "retry_scheduled"),
        (15, Status.FAILED, 1, "vk_access_denied"),  # permanent
        (100, Status.FAILED, 1, "vk_bad_request"),
    ],
)
def test_each_vk_error_class_ends_in_its_state(vk, alice, sandbox_control, code, status, attempts, reason):
    # As a video: a clip would fall back to a video on most of these (§2.4), hiding the class.
    vk.options = {**vk.options, "publish_as": "video"}
    vk.save()
    # Error 6 is resent inline (§2.6) before the job is given back: make it outlast those resends.
    count = 3 if code == 6 else 1
    sandbox_control.add_fault("api_error", platform="vk", method="video.save", error_code=code, count=count)
    publication = publish(alice, vk)
    assert (publication.status, publication.attempts) == (status, attempts)
    assert publication.events.last().reason == reason
    assert live_videos(sandbox_control) == []


def test_error_5_refreshes_the_token_once_and_publishes(vk, alice, sandbox_control):
    sandbox_control.set_vk_config(expired_error_code=5)
    old = vk.get_credentials().access_token
    sandbox_control.expire_vk_token(old)

    publication = publish(alice, vk)

    assert publication.status == Status.PUBLISHED, publication.last_error_message
    vk.refresh_from_db()
    assert vk.status == ConnectionStatus.ACTIVE and vk.get_credentials().access_token != old
    assert len(live_videos(sandbox_control)) == 1


def test_a_refused_refresh_fails_the_publication_with_the_reconnect_message(vk, alice, sandbox_control):
    sandbox_control.expire_vk_token(vk.get_credentials().access_token)
    sandbox_control.add_fault("oauth_error", platform="vk", method="vk-id/oauth2/auth", oauth_error="invalid_grant")

    publication = publish(alice, vk)

    assert (publication.status, publication.last_error_message) == (
        Status.FAILED, "Токен истёк, переподключите платформу"
    )
    assert PlatformConnection.objects.get(pk=vk.pk).status == ConnectionStatus.EXPIRED


def test_a_clip_that_cannot_be_published_falls_back_to_a_video(vk, alice, sandbox_control):
    sandbox_control.add_fault("api_error", platform="vk", method="shortVideo.publish", error_code=100, count=20)

    publication = publish(alice, vk)

    assert publication.status == Status.PUBLISHED, publication.last_error_message
    assert publication.remote_url.startswith(f"{settings.VK_WEB_URL}/video")
    [video] = live_videos(sandbox_control)
    assert video["sha256"] == publication.clip.sha256
    assert any(v.get("deleted") for v in sandbox_control.vk_videos())  # the half-made clip is gone


def test_publishing_to_a_community_as_a_video_with_a_wall_post(vk, alice, sandbox_control):
    vk.target_id, vk.options = f"-{demo.VK_GROUP_ID}", {**vk.options, "publish_as": "video", "wall_post": True}
    vk.save()

    publication = publish(alice, vk)

    assert publication.status == Status.PUBLISHED, publication.last_error_message
    [video] = live_videos(sandbox_control)
    assert video["owner_id"] == -demo.VK_GROUP_ID
    assert publication.remote_url == f"{settings.VK_WEB_URL}/video-{demo.VK_GROUP_ID}_{video['video_id']}"
    assert [p["owner_id"] for p in sandbox_control.vk_posts()] == [-demo.VK_GROUP_ID]


@pytest.mark.django_db(transaction=True)
def test_four_uploads_at_once_on_one_token_never_see_error_6(vk, alice, sandbox_control):
    """VK allows 3 calls a second per token; four workers together must stay under it."""
    publications = [
        Publication.objects.create(
            clip=make_clip(alice, title=f"Клип {n}"), connection=vk, platform="vk",
            status=Status.PUBLISHING, next_attempt_at=timezone.now(),
        )
        for n in range(4)
    ]

    def worker(pk):
        try:
            run_publication(pk)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=worker, args=(p.pk,)) for p in publications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for publication in publications:
        publication.refresh_from_db()
        assert publication.status == Status.PUBLISHED, (publication.last_error_code, publication.last_error_message)
        assert not publication.events.filter(reason="rate_limited").exists()
    assert len(live_videos(sandbox_control)) == 4
