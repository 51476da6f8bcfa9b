"""handle_outcome: the one place where an attempt's outcome becomes state (invariants 6 and 7)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from autopost.connections.models import ConnectionStatus
from autopost.platforms.base import PublishResult
from autopost.platforms.errors import AuthExpired, PermanentError, RateLimited, TransientError
from autopost.publishing.attempt import handle_outcome, run_publication
from autopost.publishing.models import Publication, Status
from tests.factories import make_clip, make_connection


@pytest.fixture
def publication(alice):
    return Publication.objects.create(
        clip=make_clip(alice), connection=make_connection(alice), platform="telegram",
        status=Status.PUBLISHING, next_attempt_at=timezone.now(),
    )


def claimed(publication):
    assert publication.claim(lease_seconds=60)
    return publication


def test_transient_errors_retry_at_5_15_60_minutes_then_fail(publication):
    for expected_delay in (300, 900, 3600):
        with time_machine.travel(publication.next_attempt_at, tick=False):
            claimed(publication)
            handle_outcome(publication, TransientError())
            publication.refresh_from_db()
            assert publication.status == Status.PUBLISHING
            assert publication.next_attempt_at == timezone.now() + timedelta(seconds=expected_delay)
            assert publication.lease_until is None
            assert publication.last_error_code == "platform_unavailable"
    with time_machine.travel(publication.next_attempt_at, tick=False):
        claimed(publication)
        handle_outcome(publication, TransientError())
    publication.refresh_from_db()
    assert (publication.status, publication.attempts) == (Status.FAILED, 4)
    reasons = [e.reason for e in publication.events.all()]
    assert reasons.count("retry_scheduled") == 3 and reasons[-1] == "platform_unavailable"
    # Each retry was put on the queue with its delay.
    assert len(HUEY.pending()) == 3


def test_rate_limited_waits_retry_after_without_using_an_attempt(publication):
    claimed(publication)
    before = timezone.now()
    handle_outcome(publication, RateLimited(35))
    publication.refresh_from_db()
    assert publication.attempts == 0
    assert publication.status == Status.PUBLISHING
    assert publication.next_attempt_at >= before + timedelta(seconds=35)
    [job] = HUEY.pending()
    assert job.args == (publication.pk,) and job.eta is not None


def test_auth_expired_marks_the_connection_expired_and_fails(publication):
    claimed(publication)
    handle_outcome(publication, AuthExpired())
    publication.refresh_from_db()
    assert (publication.status, publication.last_error_message) == (
        Status.FAILED, "Токен истёк, переподключите платформу"
    )
    assert publication.connection.status == ConnectionStatus.EXPIRED
    assert HUEY.pending_count() == 0


def test_permanent_error_fails_at_once(publication):
    claimed(publication)
    handle_outcome(publication, PermanentError("telegram_no_post_rights", "Нет прав"))
    publication.refresh_from_db()
    assert (publication.status, publication.attempts, publication.last_error_code) == (
        Status.FAILED, 1, "telegram_no_post_rights"
    )
    assert HUEY.pending_count() == 0


def test_success_records_remote_id_and_url(publication):
    claimed(publication)
    handle_outcome(publication, PublishResult("812", "https://t.me/autopost_demo/812"))
    publication.refresh_from_db()
    assert (publication.status, publication.remote_id, publication.remote_url) == (
        Status.PUBLISHED, "812", "https://t.me/autopost_demo/812"
    )
    assert publication.published_at is not None and publication.lease_token is None


def test_a_stale_worker_cannot_overwrite_a_row_it_no_longer_holds(publication):
    stale = claimed(Publication.objects.get(pk=publication.pk))
    Publication.objects.filter(pk=publication.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    fresh = claimed(Publication.objects.get(pk=publication.pk))
    handle_outcome(fresh, PublishResult("1", "https://t.me/autopost_demo/1"))
    handle_outcome(stale, PermanentError("x", "late failure"))
    assert Publication.objects.get(pk=publication.pk).status == Status.PUBLISHED


def test_missing_clip_file_fails_at_once_without_retry(publication):
    default_storage.delete(publication.clip.storage_key)
    run_publication(publication.pk)
    publication.refresh_from_db()
    assert (publication.status, publication.last_error_code, publication.last_error_message) == (
        Status.FAILED, "clip_file_missing", "Файл клипа не найден"
    )
    assert publication.attempts == 1
    assert HUEY.pending_count() == 0
