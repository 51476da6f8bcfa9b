"""Readiness: can this deployment do its work right now?

``/healthz`` says the process answers; ``/readyz`` also needs the database, the queue storage
and a worker that beat within ``AUTOPOST_READY_HEARTBEAT_SECONDS``: a queue that nobody consumes
is the failure a green health check must not hide.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import structlog
from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from autopost.observability.models import WorkerHeartbeat
from autopost.observability.queues import queues

log = structlog.get_logger("autopost.observability.health")


class NotReady(Exception):
    pass


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {}


def check_queue() -> dict:
    # The cheapest call that needs the storage: a count (LLEN on Redis, COUNT on SQLite).
    return {name: {"pending": huey.pending_count()} for name, huey in queues().items()}


def check_worker() -> dict:
    now = timezone.now()
    newest = WorkerHeartbeat.objects.aggregate(newest=Max("beat_at"))["newest"]
    limit = settings.READY_HEARTBEAT_SECONDS
    if newest is None:
        raise NotReady("no worker has ever sent a heartbeat")
    age = max((now - newest).total_seconds(), 0.0)
    if now - newest > timedelta(seconds=limit):
        raise NotReady(f"no worker heartbeat for {age:.0f} s (limit {limit} s)")
    return {"heartbeat_age_seconds": round(age, 1)}


CHECKS: dict[str, Callable[[], dict]] = {
    "database": check_database,
    "queue": check_queue,
    "worker": check_worker,
}


def readiness() -> tuple[bool, dict[str, dict]]:
    """Each check's result; ready only when all pass. Errors name their kind, never a URL."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = {"ok": True, **check()}
        except NotReady as exc:
            results[name] = {"ok": False, "error": str(exc)}
        except Exception as exc:
            log.warning("readiness_check_failed", check=name, error_type=type(exc).__name__)
            results[name] = {"ok": False, "error": type(exc).__name__}
    return all(r["ok"] for r in results.values()), results
