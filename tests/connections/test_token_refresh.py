"""VK ID tokens rotate on refresh: refreshes are serialized, failures never overwrite tokens."""

import threading

import pytest
from django.conf import settings
from django.db import connection as db_connection
from django.test import Client
from django.utils import timezone

from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.connections.refresh import refresh_connection
from autopost.connections.service import provider_for
from autopost.platforms.errors import AuthExpired
from autopost.publishing.attempt import run_publication
from autopost.publishing.models import Publication, Status
from tests.connections.vk_flow import connect_vk
from tests.factories import make_clip


@pytest.fixture
def vk_connection(alice, sandbox_control):
    browser = Client()
    browser.force_login(alice)
    connect_vk(browser)
    return PlatformConnection.objects.get(platform="vk")


@pytest.mark.django_db(transaction=True)
def test_two_workers_refreshing_at_once_refresh_once(vk_connection):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            row = PlatformConnection.objects.get(pk=vk_connection.pk)
            barrier.wait()
            results.append(refresh_connection(row).access_token)
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(results)) == 1  # the second waited and took the winner's tokens
    stored = PlatformConnection.objects.get(pk=vk_connection.pk)
    assert stored.status == ConnectionStatus.ACTIVE
    assert stored.get_credentials().access_token == results[0]
    # The stored refresh token is the live one: VK accepts it once more.
    assert provider_for(stored).refresh().access_token


def test_a_refused_refresh_expires_the_connection_and_keeps_its_tokens(vk_connection, caplog):
    PlatformConnection.objects.filter(pk=vk_connection.pk).update(
        options={**vk_connection.options, "device_id": "not-the-device-vk-issued-the-token-to"}
    )
    row = PlatformConnection.objects.get(pk=vk_connection.pk)
    before = (row.access_token_enc, row.refresh_token_enc)

    with pytest.raises(AuthExpired):
        refresh_connection(row)

    row.refresh_from_db()
    assert row.status == ConnectionStatus.EXPIRED
    assert (row.access_token_enc, row.refresh_token_enc) == before
    assert any("token_refresh_failed" in str(record.msg) for record in caplog.records)


def test_an_expired_access_token_is_refreshed_before_publishing(vk_connection, alice, sandbox_control, settings):
    settings.VK_CLIP_POLL_SECONDS = 0.05
    sandbox_control.set_vk_config(processing_s=0, clip_not_ready_polls=0)
    sandbox_control.advance_vk_clock(3600 + 60)
    PlatformConnection.objects.filter(pk=vk_connection.pk).update(expires_at=timezone.now())
    old_token = vk_connection.get_credentials().access_token
    publication = Publication.objects.create(
        clip=make_clip(alice), connection=vk_connection, platform="vk",
        status=Status.PUBLISHING, next_attempt_at=timezone.now(),
    )

    run_publication(publication.pk)

    publication.refresh_from_db()
    assert publication.status == Status.PUBLISHED, (publication.last_error_code, publication.last_error_message)
    assert publication.remote_url.startswith(f"{settings.VK_WEB_URL}/clip")
    assert PlatformConnection.objects.get(pk=vk_connection.pk).get_credentials().access_token != old_token
    [video] = [v for v in sandbox_control.vk_videos() if not v.get("deleted")]
    assert video["sha256"] == publication.clip.sha256
