"""The hourly check: a sign-in that expires before a publication due within a day, and that the
worker cannot refresh, is reported to the owner once."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from autopost.connections.tasks import warn_expiring_connections
from autopost.notifications.models import Kind, Notification
from autopost.platforms.base import Credentials
from autopost.publishing.models import Publication, Status
from tests.factories import make_clip, make_connection

NOW = timezone.now().replace(microsecond=0) + timedelta(days=2)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def expiring(owner, expires_in, *, platform="telegram", target="-1001", refresh_token=""):
    connection = make_connection(owner, platform=platform, target_id=target)
    connection.set_credentials(
        Credentials(access_token="token-" + target, refresh_token=refresh_token, expires_at=NOW + expires_in)
    )
    connection.save()
    return connection


def scheduled(connection, at_in, status=Status.SCHEDULED):
    at = NOW + at_in
    return Publication.objects.create(
        clip=make_clip(connection.owner, title="Утро"), connection=connection, platform=connection.platform,
        status=status, scheduled_at=at, next_attempt_at=at,
    )


def test_a_token_dying_before_a_scheduled_publication_is_reported_once(alice, committed):
    connection = expiring(alice, timedelta(hours=2))
    publication = scheduled(connection, timedelta(hours=5))

    with committed():
        assert warn_expiring_connections() == 1
    [notice] = Notification.objects.filter(owner=alice)
    assert (notice.kind, notice.connection_id, notice.publication_id) == (
        Kind.CONNECTION_EXPIRING, connection.pk, publication.pk
    )
    assert notice.title == "Вход в Telegram истечёт до запланированной публикации"
    assert "«Утро»" in notice.body and "Telegram «Demo»" in notice.body
    [email] = mail.outbox
    assert email.to == ["alice@example.com"] and email.subject == notice.title

    # The next hourly check sees the same expiry: nothing new.
    with committed():
        assert warn_expiring_connections() == 0
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1


def test_work_outside_the_danger_window_is_not_reported(alice):
    before_expiry = expiring(alice, timedelta(hours=6), target="-1")
    scheduled(before_expiry, timedelta(hours=5))  # published while the token still works
    beyond_a_day = expiring(alice, timedelta(hours=2), target="-2")
    scheduled(beyond_a_day, timedelta(hours=30))  # checked again tomorrow
    done = expiring(alice, timedelta(hours=2), target="-3")
    scheduled(done, timedelta(hours=5), status=Status.CANCELLED)
    expiring(alice, timedelta(hours=2), target="-4")  # nothing scheduled at all

    assert warn_expiring_connections() == 0
    assert not Notification.objects.exists()


def test_a_connection_the_worker_can_refresh_is_not_reported(alice):
    refreshable = expiring(alice, timedelta(hours=1), platform="vk", target="1", refresh_token="refresh-1")
    scheduled(refreshable, timedelta(hours=5))
    assert warn_expiring_connections() == 0

    pasted = expiring(alice, timedelta(hours=1), platform="vk", target="2")  # a pasted token: no refresh
    scheduled(pasted, timedelta(hours=5))
    assert warn_expiring_connections() == 1
    assert Notification.objects.get().connection_id == pasted.pk


def test_a_new_expiry_after_reconnecting_is_reported_again(alice):
    connection = expiring(alice, timedelta(hours=2))
    scheduled(connection, timedelta(hours=5))
    assert warn_expiring_connections() == 1

    connection.set_credentials(Credentials(access_token="new", expires_at=NOW + timedelta(hours=3)))
    connection.save()
    assert warn_expiring_connections() == 1
    assert Notification.objects.filter(kind=Kind.CONNECTION_EXPIRING).count() == 2
