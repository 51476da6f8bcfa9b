"""A publication that failed for good, or whose connection expired, tells its owner on the page and
by e-mail, once."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from autopost.connections.models import ConnectionStatus
from autopost.connections.service import mark_connection_expired
from autopost.notifications.models import Kind, Notification
from autopost.platforms.errors import AuthExpired, PermanentError, TransientError
from autopost.publishing.attempt import handle_outcome
from autopost.publishing.models import Publication, Status
from tests.factories import make_clip, make_connection


@pytest.fixture
def publication(alice):
    return Publication.objects.create(
        clip=make_clip(alice, title="Закат"), connection=make_connection(alice), platform="telegram",
        status=Status.PUBLISHING, next_attempt_at=timezone.now(),
    )


def claimed(publication):
    assert publication.claim(lease_seconds=60)
    return publication


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """E-mails leave after the transaction commits: run what the commit would run."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_permanent_failure_notifies_the_owner_and_sends_one_email(publication, alice, bob, committed):
    with committed():
        handle_outcome(claimed(publication), PermanentError("telegram_no_post_rights", "Бот не может публиковать в канал"))

    [notice] = Notification.objects.all()
    assert (notice.owner, notice.kind, notice.publication_id) == (alice, Kind.PUBLICATION_FAILED, publication.pk)
    assert notice.title == "Публикация в Telegram не удалась"
    assert notice.body == (
        "«Закат» не опубликован в Telegram «Demo»: Бот не может публиковать в канал. Публикацию можно повторить."
    )
    [email] = mail.outbox
    assert email.to == ["alice@example.com"]
    assert email.subject == notice.title
    assert notice.body in email.body and "http://" in email.body
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    assert not Notification.objects.filter(owner=bob).exists()


def test_transient_failures_notify_only_when_the_last_retry_fails(publication, alice, committed):
    for _ in range(3):
        with time_machine.travel(publication.next_attempt_at, tick=False), committed():
            handle_outcome(claimed(publication), TransientError())
    assert not Notification.objects.exists() and mail.outbox == []

    with time_machine.travel(publication.next_attempt_at, tick=False), committed():
        handle_outcome(claimed(publication), TransientError())
    publication.refresh_from_db()
    assert publication.status == Status.FAILED
    assert Notification.objects.filter(kind=Kind.PUBLICATION_FAILED).count() == 1
    assert len(mail.outbox) == 1


def test_a_retried_publication_that_fails_again_notifies_again(publication, alice, committed):
    with committed():
        handle_outcome(claimed(publication), PermanentError("bad", "Плохо"))
    assert publication.retry_now()
    with committed():
        handle_outcome(claimed(publication), PermanentError("bad", "Плохо"))
    assert Notification.objects.filter(kind=Kind.PUBLICATION_FAILED).count() == 2
    assert len(mail.outbox) == 2


def test_an_outcome_for_a_lost_lease_changes_nothing_and_tells_no_one(publication, committed):
    stale = Publication.objects.get(pk=publication.pk)
    claimed(publication)
    stale.lease_token = None  # a worker whose lease another one has taken
    with committed():
        handle_outcome(stale, PermanentError("bad", "Плохо"))
    assert not Notification.objects.exists() and mail.outbox == []


def test_an_expired_token_tells_about_the_connection_and_the_publication(publication, alice, committed):
    with committed():
        handle_outcome(claimed(publication), AuthExpired())

    kinds = sorted(Notification.objects.filter(owner=alice).values_list("kind", flat=True))
    assert kinds == [Kind.CONNECTION_EXPIRED, Kind.PUBLICATION_FAILED]
    expired = Notification.objects.get(kind=Kind.CONNECTION_EXPIRED)
    assert expired.connection_id == publication.connection_id
    assert expired.title == "Telegram отключён: подключите заново"
    assert expired.url == "/settings/"
    assert len(mail.outbox) == 2


def test_a_connection_expires_once_however_many_workers_notice(alice, committed):
    connection = make_connection(alice)
    with committed():
        mark_connection_expired(connection, "token_expired")
        mark_connection_expired(connection, "token_expired")
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.EXPIRED
    assert Notification.objects.filter(kind=Kind.CONNECTION_EXPIRED).count() == 1
    assert len(mail.outbox) == 1


def test_a_reconnected_connection_that_expires_again_notifies_again(alice):
    connection = make_connection(alice)
    mark_connection_expired(connection, "token_expired")
    connection.status = ConnectionStatus.ACTIVE
    connection.save()
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        mark_connection_expired(connection, "token_expired")
    assert Notification.objects.filter(kind=Kind.CONNECTION_EXPIRED).count() == 2
