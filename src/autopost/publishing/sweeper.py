"""The sweeper: re-enqueues work whose job the queue lost (invariant 4).

huey drops a job whose worker dies mid-run and loses its schedule when its storage is wiped; the
publications table is the record. Every interval the sweeper enqueues rows that are due (or whose
lease expired) and have not been enqueued within the grace period. Duplicate jobs are harmless:
the claim lets exactly one of them run.
"""

from __future__ import annotations

import threading
from itertools import chain
from datetime import timedelta

import structlog
from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connection as db_connection
from django.db.models import Q
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from autopost.publishing import queue, watchdog
from autopost.publishing.models import Publication

log = structlog.get_logger("autopost.publishing.sweeper")
BATCH = 500
QUEUE_SCAN_LIMIT = 10_000


def grace_seconds() -> int:
    # A job huey still holds fires within ~1 s of its time; give it that and one sweep interval.
    return max(3, settings.SWEEPER_INTERVAL_SECONDS)


def queued_publication_ids() -> set[int] | None:
    """Publications whose job huey still holds (queued or scheduled); None if too many to read.

    A long backlog keeps jobs waiting past the grace period; re-enqueuing those would only add
    duplicate work when the system is busiest.
    """
    from autopost.publishing.tasks import publish_job

    if HUEY.pending_count() + HUEY.scheduled_count() > QUEUE_SCAN_LIMIT:
        return None
    return {
        task.args[0]
        for task in chain(HUEY.pending(), HUEY.scheduled())
        if isinstance(task, publish_job.task_class) and task.args
    }


def sweep_stalled_publications() -> int:
    now = timezone.now()
    cutoff = now - timedelta(seconds=grace_seconds())
    stalled = (
        Publication.objects.due(now)
        .filter(next_attempt_at__lte=cutoff)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=cutoff))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    held = queued_publication_ids() or set()
    ids = [pk for pk in stalled if pk not in held]
    for publication_id in ids:
        queue.enqueue(publication_id)
    if ids:
        log.info("sweeper_reenqueued", count=len(ids))
    return len(ids)


class SweeperThread(threading.Thread):
    """Runs the sweep every ``AUTOPOST_SWEEPER_INTERVAL_SECONDS`` in a worker process.

    A short cache lock lets only one worker process sweep per interval; the sweep is idempotent
    anyway.
    """

    def __init__(self):
        super().__init__(name="sweeper", daemon=True)
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = settings.SWEEPER_INTERVAL_SECONDS
        while not self.stopped.wait(interval):
            try:
                if cache.add("autopost:sweeper-lock", 1, timeout=max(interval - 0.5, 0.5)):
                    sweep_stalled_publications()
                    watchdog.check_unclaimed()
            except Exception:
                log.exception("sweeper_failed")
            finally:
                close_old_connections()
        db_connection.close()  # this thread's own connection: a stopped sweeper holds none

    def stop(self) -> None:
        self.stopped.set()
