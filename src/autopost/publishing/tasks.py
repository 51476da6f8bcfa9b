"""huey tasks: thin wrappers that take ids and call the services.

Publish jobs run on the main queue. Stats jobs run on a queue of their own (``STATS_HUEY``, same
storage, its own name) that each worker consumes with its own thread(s), so a slow platform or a
throttled window during stats never holds a thread a publication needs (docs/architecture.md).
"""

from django.conf import settings
from huey.consumer import Consumer
from huey.contrib.djhuey import HUEY, close_db, db_task

from autopost.publishing import stats
from autopost.publishing.attempt import run_publication

STATS_HUEY = type(HUEY)(
    f"{HUEY.name}-stats", immediate=HUEY.immediate, utc=HUEY.utc, results=False, **HUEY.storage_kwargs
)


@db_task()
def publish_job(publication_id: int) -> None:
    run_publication(publication_id)


def every_stats_interval(now) -> bool:
    """huey's periodic check runs once a minute: true every AUTOPOST_STATS_INTERVAL_SECONDS
    (rounded to whole minutes, at least one)."""
    minutes = max(round(settings.STATS_INTERVAL_SECONDS / 60), 1)
    return (now.hour * 60 + now.minute) % minutes == 0


def _stats_db_task(decorator):
    """``decorator`` (a STATS_HUEY task or periodic task) with djhuey's connection handling;
    ``call_local`` runs the plain function, as djhuey's ``db_task`` does."""

    def wrap(fn):
        wrapper = decorator(close_db(fn))
        wrapper.call_local = fn
        return wrapper

    return wrap


@_stats_db_task(STATS_HUEY.periodic_task(every_stats_interval))
def collect_stats() -> None:
    """Fan out one stats job per connection that has due stats."""
    for connection_id in stats.due_connection_ids():
        stats_job(connection_id)


@_stats_db_task(STATS_HUEY.task())
def stats_job(connection_id: int) -> None:
    stats.refresh_connection_stats(connection_id)


class _ThreadConsumer(Consumer):
    """A consumer started beside the worker's main one: signals stay with the main consumer."""

    def _set_signal_handlers(self) -> None:
        pass


def stats_consumer(*, periodic: bool) -> Consumer:
    """The stats queue's consumer for a worker process: ``start()`` it, ``stop()`` it on exit.

    Jobs lost when the process dies are harmless: the next round selects the same due rows.
    """
    return _ThreadConsumer(
        STATS_HUEY,
        workers=settings.STATS_WORKER_THREADS,
        periodic=periodic,
        worker_type="thread",
        check_worker_health=False,
    )
