"""Invariants 1, 2 and 8 of docs/architecture.md, and the publish service's validation."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from autopost.accounts.plans import Plan
from autopost.connections.models import ConnectionStatus
from autopost.connections.service import disconnect_platform
from autopost.publishing.errors import ServiceError
from autopost.publishing.models import Publication, Status
from autopost.publishing.service import cancel_publication, publish_clip, retry_publication
from tests.factories import make_clip, make_connection


def test_partial_unique_index_refuses_a_second_live_publication(alice):
    clip, connection = make_clip(alice), make_connection(alice)
    Publication.objects.create(clip=clip, connection=connection, platform="telegram", status=Status.SCHEDULED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Publication.objects.create(clip=clip, connection=connection, platform="telegram", status=Status.PUBLISHING)
    # A finished one does not block a new one.
    Publication.objects.update(status=Status.PUBLISHED)
    Publication.objects.create(clip=clip, connection=connection, platform="telegram", status=Status.PUBLISHING)
    assert Publication.objects.live().count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_publish_calls_create_one_publication(alice, settings):
    settings.PUBLISH_RATE_PER_USER = "100/minute"
    clip, connection = make_clip(alice), make_connection(alice)
    barrier = threading.Barrier(20)
    results, errors = [], []

    def click():
        try:
            barrier.wait()
            results.extend(publish_clip(alice, clip.pk, [connection.pk]))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=click) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Publication.objects.filter(clip=clip, connection=connection).count() == 1
    assert sum(r.ok for r in results) == 1
    assert {r.code for r in results if not r.ok} == {"already_publishing"}
    # Exactly one job was enqueued, carrying nothing but the id (invariants 2 and 3).
    pending = HUEY.pending()
    assert [task.args for task in pending] == [(Publication.objects.get().pk,)]
    assert pending[0].kwargs == {}


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_let_exactly_one_worker_run(alice):
    publication = Publication.objects.create(
        clip=make_clip(alice), connection=make_connection(alice), platform="telegram",
        status=Status.PUBLISHING, next_attempt_at=timezone.now(),
    )
    barrier = threading.Barrier(10)
    wins = []

    def claim():
        row = Publication.objects.get(pk=publication.pk)
        barrier.wait()
        wins.append(row.claim(lease_seconds=60))
        db_connection.close()

    threads = [threading.Thread(target=claim) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wins.count(True) == 1
    publication.refresh_from_db()
    assert publication.attempts == 1 and publication.lease_until is not None


def test_a_leased_or_finished_row_cannot_be_claimed(alice):
    publication = Publication.objects.create(
        clip=make_clip(alice), connection=make_connection(alice), platform="telegram",
        status=Status.PUBLISHING, next_attempt_at=timezone.now(),
    )
    assert publication.claim(60)
    assert not Publication.objects.get(pk=publication.pk).claim(60)  # lease still held
    publication.mark_published("812", "https://t.me/autopost_demo/812")
    assert not Publication.objects.get(pk=publication.pk).claim(60)
    assert publication.events.last().to_status == Status.PUBLISHED


def test_scheduled_row_is_not_claimed_before_its_time(alice):
    publication = Publication.objects.create(
        clip=make_clip(alice), connection=make_connection(alice), platform="telegram",
        status=Status.SCHEDULED, scheduled_at=timezone.now() + timedelta(minutes=5),
        next_attempt_at=timezone.now() + timedelta(minutes=5),
    )
    assert not publication.claim(60)
    assert Publication.objects.get(pk=publication.pk).status == Status.SCHEDULED


def test_one_bad_target_does_not_block_the_others(alice, bob):
    clip = make_clip(alice)
    good = make_connection(alice)
    expired = make_connection(alice, target_id="-1002", status=ConnectionStatus.EXPIRED)
    foreign = make_connection(bob, target_id="-1003")
    results = publish_clip(alice, clip.pk, [good.pk, expired.pk, foreign.pk, 999999])
    by_target = {r.connection_id: r for r in results}
    assert by_target[good.pk].ok
    assert (by_target[expired.pk].code, by_target[expired.pk].message) == (
        "connection_expired", "Токен истёк, переподключите платформу"
    )
    assert by_target[foreign.pk].code == "connection_not_found"
    assert by_target[999999].code == "connection_not_found"
    assert list(Publication.objects.values_list("connection_id", flat=True)) == [good.pk]


@pytest.mark.parametrize(
    ("plan", "code"),
    [(Plan.FREE, "plan_forbids_platform"), (Plan.START, "plan_forbids_platform"), (Plan.PRO, None)],
)
def test_plan_decides_which_platforms_a_user_may_publish_to(alice, plan, code):
    alice.plan = plan
    alice.save()
    [result] = publish_clip(alice, make_clip(alice).pk, [make_connection(alice).pk])
    assert result.code == code
    assert Publication.objects.count() == (0 if code else 1)


def test_too_large_for_telegram_is_rejected_before_anything_is_created(alice, django_capture_on_commit_callbacks):
    clip = make_clip(alice, size=60 * 1024 * 1024)
    with django_capture_on_commit_callbacks(execute=True):
        [result] = publish_clip(alice, clip.pk, [make_connection(alice).pk])
    assert (result.code, result.message) == (
        "file_too_large", "Файл слишком большой для Telegram (максимум 50 МБ)"
    )
    assert not Publication.objects.exists()
    assert HUEY.pending_count() == 0


def test_clip_not_ready_is_rejected(alice):
    [result] = publish_clip(alice, make_clip(alice, status="processing").pk, [make_connection(alice).pk])
    assert result.code == "clip_not_ready"


def test_schedule_in_the_past_and_empty_targets_are_refused(alice):
    clip = make_clip(alice)
    with pytest.raises(ServiceError) as past:
        publish_clip(alice, clip.pk, [make_connection(alice).pk], timezone.now() - timedelta(seconds=1))
    assert past.value.code == "scheduled_in_past"
    with pytest.raises(ServiceError) as empty:
        publish_clip(alice, clip.pk, [])
    assert empty.value.code == "no_targets"
    assert not Publication.objects.exists()


def test_publish_rate_limit_per_user(alice, bob, settings):
    settings.PUBLISH_RATE_PER_USER = "2/minute"
    for _ in range(2):
        publish_clip(alice, make_clip(alice).pk, [make_connection(alice, target_id=f"-{_}").pk])
    with pytest.raises(ServiceError) as limited:
        publish_clip(alice, make_clip(alice).pk, [make_connection(alice, target_id="-9").pk])
    assert (limited.value.code, limited.value.status) == ("rate_limited", 429)
    publish_clip(bob, make_clip(bob).pk, [make_connection(bob).pk])  # bob has his own window


def test_scheduled_publication_waits_in_the_queue_and_cancel_revokes_it(alice, django_capture_on_commit_callbacks):
    at = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        [result] = publish_clip(alice, make_clip(alice).pk, [make_connection(alice).pk], at)
    publication = Publication.objects.get(pk=result.publication.pk)
    assert (publication.status, publication.next_attempt_at) == (Status.SCHEDULED, at)
    # huey keeps a delayed job in the queue with its eta until a consumer moves it to the schedule.
    [job] = HUEY.pending()
    assert job.args == (publication.pk,) and job.eta is not None

    cancel_publication(alice, publication.pk)
    publication.refresh_from_db()
    assert publication.status == Status.CANCELLED
    assert HUEY.is_revoked(publication.job_id)
    assert [e.reason for e in publication.events.all()] == ["scheduled", "cancelled_by_user"]
    with pytest.raises(ServiceError) as again:
        cancel_publication(alice, publication.pk)
    assert again.value.code == "not_cancellable"


def test_retry_of_a_failed_publication_starts_fresh_attempts(alice, django_capture_on_commit_callbacks):
    [result] = publish_clip(alice, make_clip(alice).pk, [make_connection(alice).pk])
    publication = Publication.objects.get(pk=result.publication.pk)
    assert publication.claim(60)
    publication.mark_failed("platform_unavailable", "Платформа временно недоступна")
    HUEY.flush()

    with django_capture_on_commit_callbacks(execute=True):
        retry_publication(alice, publication.pk)
    publication.refresh_from_db()
    assert (publication.status, publication.attempts, publication.last_error_code) == (Status.PUBLISHING, 0, "")
    assert [task.args for task in HUEY.pending()] == [(publication.pk,)]
    with pytest.raises(ServiceError) as not_failed:
        retry_publication(alice, publication.pk)
    assert not_failed.value.code == "not_retryable"


def test_other_users_cannot_cancel_or_retry(alice, bob):
    [result] = publish_clip(alice, make_clip(alice).pk, [make_connection(alice).pk], timezone.now() + timedelta(hours=1))
    for action in (cancel_publication, retry_publication):
        with pytest.raises(ServiceError) as denied:
            action(bob, result.publication.pk)
        assert (denied.value.code, denied.value.status) == ("not_found", 404)
    assert Publication.objects.get().status == Status.SCHEDULED


def test_disconnect_cancels_scheduled_publications_and_revokes_their_jobs(alice, django_capture_on_commit_callbacks):
    connection, other = make_connection(alice), make_connection(alice, target_id="-1009")
    later = timezone.now() + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        [mine] = publish_clip(alice, make_clip(alice).pk, [connection.pk], later)
        [kept] = publish_clip(alice, make_clip(alice).pk, [other.pk], later)

    disconnect_platform(alice, connection.pk)

    mine = Publication.objects.get(pk=mine.publication.pk)
    assert (mine.status, mine.events.last().reason) == (Status.CANCELLED, "connection_disconnected")
    assert HUEY.is_revoked(mine.job_id)
    assert Publication.objects.get(pk=kept.publication.pk).status == Status.SCHEDULED
    connection.refresh_from_db()
    assert (connection.status, connection.access_token_enc) == (ConnectionStatus.REVOKED, "")
