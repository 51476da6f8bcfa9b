"""The watchdog: due work no worker claimed within two minutes is logged, recorded, and shown to the
owner, once per stall."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from structlog.testing import capture_logs

from autopost.notifications.models import Kind, Notification
from autopost.publishing import watchdog
from autopost.publishing.models import Publication, PublicationEvent, Status
from autopost.publishing.sweeper import SweeperThread
from autopost.testing.processes import wait_for
from tests.factories import make_clip, make_connection

T0 = timezone.now().replace(microsecond=0) + timedelta(days=1)


def make(owner, target="-1001", **fields):
    values = dict(status=Status.SCHEDULED, next_attempt_at=T0, scheduled_at=T0)
    values.update(fields)
    return Publication.objects.create(
        clip=make_clip(owner), connection=make_connection(owner, target_id=target), platform="telegram", **values
    )


def unclaimed_events(publication):
    return list(publication.events.filter(reason="unclaimed"))


def test_due_work_unclaimed_for_two_minutes_is_logged_recorded_and_shown_to_the_owner(alice):
    publication = make(alice)

    with time_machine.travel(T0 + timedelta(seconds=119), tick=False):
        assert watchdog.check_unclaimed() == 0
    with time_machine.travel(T0 + timedelta(seconds=121), tick=False), capture_logs() as logs:
        assert watchdog.check_unclaimed() == 1

    [event] = unclaimed_events(publication)
    assert (event.from_status, event.to_status, event.attempt) == (Status.SCHEDULED, Status.SCHEDULED, 0)
    [logged] = [entry for entry in logs if entry["event"] == "publication_unclaimed"]
    assert logged["publication_id"] == publication.pk and logged["late_s"] == 121
    [notice] = Notification.objects.filter(owner=alice)
    assert (notice.kind, notice.publication_id) == (Kind.PUBLICATION_UNCLAIMED, publication.pk)
    assert notice.title == "Публикация в Telegram задерживается"
    # A stall usually resolves itself: the owner sees it on the page, without an e-mail.
    assert mail.outbox == []
    # The state did not change: the watchdog only reports.
    publication.refresh_from_db()
    assert publication.status == Status.SCHEDULED


def test_claimed_and_not_yet_due_work_is_left_alone(alice):
    now = T0 + timedelta(hours=1)
    long_ago = now - timedelta(minutes=30)
    make(alice, "-1", next_attempt_at=now + timedelta(minutes=5))  # scheduled later
    make(alice, "-2", status=Status.PUBLISHING, next_attempt_at=long_ago,
         lease_until=now + timedelta(seconds=60))  # an upload running, heartbeat renewing
    make(alice, "-3", status=Status.PUBLISHING, next_attempt_at=now + timedelta(minutes=10),
         attempts=1)  # waiting for its retry
    make(alice, "-4", status=Status.PUBLISHED, next_attempt_at=None)
    make(alice, "-5", status=Status.CANCELLED, next_attempt_at=long_ago)
    make(alice, "-6", status=Status.FAILED, next_attempt_at=None)
    make(alice, "-7", next_attempt_at=now - timedelta(seconds=90))  # due, but only 90 s ago

    with time_machine.travel(now, tick=False):
        assert watchdog.check_unclaimed() == 0
    assert not PublicationEvent.objects.filter(reason="unclaimed").exists()
    assert not Notification.objects.exists()


def test_a_lease_that_just_expired_counts_from_its_expiry(alice):
    """A worker that died mid-upload made the row due again when its lease ran out, not before."""
    lease_end = T0 + timedelta(minutes=30)
    publication = make(alice, status=Status.PUBLISHING, attempts=1, lease_until=lease_end)

    with time_machine.travel(lease_end + timedelta(seconds=60), tick=False):
        assert watchdog.check_unclaimed() == 0
    with time_machine.travel(lease_end + timedelta(seconds=121), tick=False):
        assert watchdog.check_unclaimed() == 1
    [event] = unclaimed_events(publication)
    assert (event.from_status, event.to_status, event.attempt) == (Status.PUBLISHING, Status.PUBLISHING, 1)


def test_one_stall_is_reported_once_however_many_sweeps_see_it(alice):
    publication = make(alice)
    for minutes in (3, 4, 10, 60):
        with time_machine.travel(T0 + timedelta(minutes=minutes), tick=False):
            watchdog.check_unclaimed()
    assert len(unclaimed_events(publication)) == 1
    assert Notification.objects.filter(owner=alice).count() == 1


def test_a_new_stall_after_a_claim_is_reported_again(alice):
    publication = make(alice)
    with time_machine.travel(T0 + timedelta(minutes=3), tick=False):
        assert watchdog.check_unclaimed() == 1
        # A worker finally takes it, the platform fails transiently: the retry is due in 5 minutes.
        assert publication.claim(lease_seconds=60)
        assert publication.schedule_retry(timezone.now() + timedelta(minutes=5), "platform_unavailable", "503")
    with time_machine.travel(T0 + timedelta(minutes=9), tick=False):
        assert watchdog.check_unclaimed() == 0  # the retry is due since 1 minute
    with time_machine.travel(T0 + timedelta(minutes=11), tick=False):
        assert watchdog.check_unclaimed() == 1
        assert watchdog.check_unclaimed() == 0
    assert len(unclaimed_events(publication)) == 2
    assert Notification.objects.filter(owner=alice, kind=Kind.PUBLICATION_UNCLAIMED).count() == 2


def test_unclaimed_helpers_answer_for_the_delayed_badge(alice, bob):
    stalled = make(alice, "-1")
    running = make(alice, "-2", status=Status.PUBLISHING, lease_until=T0 + timedelta(hours=1))
    later = make(bob, "-3", next_attempt_at=T0 + timedelta(hours=2))
    now = T0 + timedelta(minutes=5)

    assert watchdog.unclaimed_ids([stalled.pk, running.pk, later.pk], now) == {stalled.pk}
    assert watchdog.unclaimed_ids([], now) == set()
    assert list(watchdog.unclaimed(Publication.objects.all(), now)) == [stalled]
    with time_machine.travel(now, tick=False):
        assert watchdog.unclaimed_ids([stalled.pk]) == {stalled.pk}


@pytest.mark.django_db(transaction=True)
def test_the_sweeper_thread_runs_the_watchdog_each_sweep(alice, settings):
    settings.SWEEPER_INTERVAL_SECONDS = 1
    publication = make(alice, next_attempt_at=timezone.now() - timedelta(minutes=5))
    sweeper = SweeperThread()
    sweeper.start()
    try:
        wait_for(lambda: publication.events.filter(reason="unclaimed").exists(), timeout=10)
    finally:
        sweeper.stop()
        sweeper.join()
    assert len(unclaimed_events(publication)) == 1
