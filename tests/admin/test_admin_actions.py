"""The retry and cancel actions go through the publish service: its rules apply, the state
machine records the change, and the job is put on (or taken off) the queue."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from autopost.accounts.models import User
from autopost.connections.models import ConnectionStatus
from autopost.publishing import queue
from autopost.publishing.models import Publication, Status
from tests.factories import make_clip, make_connection

CHANGELIST = "admin:publishing_publication_changelist"


def make(owner, target, **fields):
    return Publication.objects.create(
        clip=make_clip(owner), connection=make_connection(owner, target_id=target), platform="telegram", **fields
    )


def act(client, action, *publications):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [p.pk for p in publications], "index": 0},
        follow=True,
    )


def test_retry_puts_a_failed_publication_back_to_work(admin_client, alice, django_capture_on_commit_callbacks):
    failed = make(alice, "-1", status=Status.FAILED, attempts=4, last_error_code="platform_unavailable")

    with django_capture_on_commit_callbacks(execute=True):
        response = act(admin_client, "retry", failed)

    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error_code) == (Status.PUBLISHING, 0, "")
    assert failed.events.last().reason == "manual_retry"
    assert [job.args for job in HUEY.pending()] == [(failed.pk,)]
    assert "Изменено публикаций: 1." in response.content.decode()


def test_cancel_stops_a_scheduled_publication_and_revokes_its_job(admin_client, alice):
    at = timezone.now() + timedelta(hours=1)
    scheduled = make(alice, "-1", status=Status.SCHEDULED, scheduled_at=at, next_attempt_at=at)
    queue.enqueue(scheduled.pk, at)
    scheduled.refresh_from_db()

    act(admin_client, "cancel", scheduled)

    scheduled.refresh_from_db()
    assert scheduled.status == Status.CANCELLED
    assert scheduled.events.last().reason == "cancelled_by_user"
    assert HUEY.is_revoked(scheduled.job_id)


def test_the_service_rules_still_apply_and_are_reported(admin_client, alice, bob):
    running = make(alice, "-1", status=Status.PUBLISHING, next_attempt_at=timezone.now(),
                   lease_until=timezone.now() + timedelta(minutes=1))
    published = make(bob, "-2", status=Status.PUBLISHED)
    expired_connection = make_connection(bob, target_id="-3", status=ConnectionStatus.EXPIRED)
    failed_expired = Publication.objects.create(
        clip=make_clip(bob), connection=expired_connection, platform="telegram", status=Status.FAILED
    )

    page = act(admin_client, "cancel", running, published).content.decode()
    page += act(admin_client, "retry", published, failed_expired).content.decode()

    assert f"#{running.pk}: Отменить можно только запланированную публикацию" in page
    assert f"#{failed_expired.pk}: Токен истёк, переподключите платформу" in page
    assert "Изменено публикаций" not in page
    for publication, status in ((running, Status.PUBLISHING), (published, Status.PUBLISHED), (failed_expired, Status.FAILED)):
        publication.refresh_from_db()
        assert publication.status == status
    assert HUEY.pending_count() == 0


def test_operators_need_the_change_permission_to_act(alice):
    viewer = User.objects.create_user("viewer@example.com", "viewer-password-1", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_publication"))
    failed = make(alice, "-1", status=Status.FAILED)
    browser = Client()
    browser.force_login(viewer)

    listing = browser.get(reverse(CHANGELIST))
    assert listing.status_code == 200
    assert 'value="retry"' not in listing.content.decode()
    act(browser, "retry", failed)
    failed.refresh_from_db()
    assert failed.status == Status.FAILED

    viewer.user_permissions.add(Permission.objects.get(codename="change_publication"))
    viewer = User.objects.get(pk=viewer.pk)  # fresh permission cache
    browser.force_login(viewer)
    assert 'value="retry"' in browser.get(reverse(CHANGELIST)).content.decode()
