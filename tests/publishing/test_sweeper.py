"""The sweeper re-enqueues what the queue lost, and nothing else (invariant 4)."""

from datetime import timedelta

from django.utils import timezone
from huey.contrib.djhuey import HUEY

from autopost.publishing.models import Publication, Status
from autopost.publishing.sweeper import grace_seconds, sweep_stalled_publications
from tests.factories import make_clip, make_connection


def make(owner, target, **fields):
    return Publication.objects.create(
        clip=make_clip(owner), connection=make_connection(owner, target_id=target), platform="telegram", **fields
    )


def test_sweeper_enqueues_only_lost_or_stalled_work(alice):
    now = timezone.now()
    long_ago = now - timedelta(seconds=grace_seconds() + 5)
    lost_scheduled = make(alice, "-1", status=Status.SCHEDULED, next_attempt_at=long_ago, enqueued_at=long_ago)
    never_enqueued = make(alice, "-2", status=Status.PUBLISHING, next_attempt_at=long_ago)
    stalled = make(alice, "-3", status=Status.PUBLISHING, next_attempt_at=long_ago, enqueued_at=long_ago,
                   lease_until=now - timedelta(seconds=1))
    make(alice, "-4", status=Status.SCHEDULED, next_attempt_at=now + timedelta(hours=1), enqueued_at=long_ago)
    make(alice, "-5", status=Status.PUBLISHING, next_attempt_at=long_ago, enqueued_at=long_ago,
         lease_until=now + timedelta(seconds=60))  # a live upload, heartbeat renewing
    make(alice, "-6", status=Status.PUBLISHING, next_attempt_at=long_ago, enqueued_at=now)  # just enqueued
    make(alice, "-7", status=Status.PUBLISHED, next_attempt_at=None, enqueued_at=long_ago)
    make(alice, "-8", status=Status.CANCELLED, next_attempt_at=long_ago, enqueued_at=long_ago)

    assert sweep_stalled_publications() == 3
    assert sorted(job.args[0] for job in HUEY.pending()) == sorted(
        [lost_scheduled.pk, never_enqueued.pk, stalled.pk]
    )
    # Enqueuing stamps the rows, so the next sweep leaves them to their new jobs.
    assert sweep_stalled_publications() == 0


def test_sweeper_leaves_rows_whose_job_is_still_waiting_in_the_queue(alice):
    """A long backlog keeps jobs queued past the grace period: they are not lost, only late."""
    from autopost.publishing import queue

    long_ago = timezone.now() - timedelta(seconds=grace_seconds() + 60)
    waiting = make(alice, "-1", status=Status.PUBLISHING, next_attempt_at=long_ago)
    queue.enqueue(waiting.pk)
    Publication.objects.filter(pk=waiting.pk).update(enqueued_at=long_ago)
    lost = make(alice, "-2", status=Status.PUBLISHING, next_attempt_at=long_ago, enqueued_at=long_ago)

    assert sweep_stalled_publications() == 1
    assert sorted(job.args[0] for job in HUEY.pending()) == sorted([waiting.pk, lost.pk])
