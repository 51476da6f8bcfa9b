"""notify(): one stored notification per event, its e-mail sent after commit, in Russian, and a
mail server that is down costs nothing but a log line."""

import socket

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation
from structlog.testing import capture_logs

from autopost.notifications import notices
from autopost.notifications.models import Kind, Notification
from autopost.notifications.service import notify
from tests.factories import make_connection


def tell(owner, key="event-1", **fields):
    values = dict(key=key, title="Заголовок", body="Текст", url="/settings/")
    values.update(fields)
    return notify(owner, Kind.CONNECTION_EXPIRED, **values)


def test_the_same_event_is_stored_and_mailed_once(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = tell(alice)
        again = tell(alice)
    assert first is not None and again is None
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_email_leaves_only_after_the_transaction_commits(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            tell(alice)
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    [email] = mail.outbox
    assert email.subject == "Заголовок"
    assert "Текст" in email.body and "/settings/" in email.body and "/notifications/" in email.body


def test_a_rolled_back_transaction_sends_nothing(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            tell(alice)
            raise RuntimeError("the hook's caller failed")
    assert mail.outbox == [] and not Notification.objects.exists()


def test_texts_are_russian_whatever_language_is_active(alice, django_capture_on_commit_callbacks):
    connection = make_connection(alice)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notices.connection_expired(connection, connection.updated_at)
    [email] = mail.outbox
    assert email.subject == "Telegram отключён: подключите заново"
    assert "подключите" in email.body.lower() and "autopost: все уведомления" in email.body


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_mail_server_that_is_down_is_logged_and_the_notification_kept(alice, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", _closed_port(), False
    settings.EMAIL_HOST_PASSWORD = "smtp-secret-password"
    with capture_logs() as logs, django_capture_on_commit_callbacks(execute=True):
        notification = tell(alice)
    [failure] = [entry for entry in logs if entry["event"] == "notification_email_failed"]
    assert failure["error_type"] == "ConnectionRefusedError"
    assert "smtp-secret-password" not in repr(logs)
    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_an_owner_without_an_email_address_gets_the_page_only(alice, django_capture_on_commit_callbacks):
    type(alice).objects.filter(pk=alice.pk).update(email="")
    alice.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert tell(alice) is not None
    assert mail.outbox == []
