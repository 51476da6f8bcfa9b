"""The worker heartbeat: one ``WorkerHeartbeat`` row per running ``autopost worker``.

/readyz and ``autopost_worker_heartbeat_age_seconds`` read it, so a queue that nobody consumes
shows up even while every web process answers.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from datetime import timedelta

import structlog
from django.conf import settings
from django.db import close_old_connections, connection as db_connection
from django.utils import timezone

from autopost.observability.models import WorkerHeartbeat

log = structlog.get_logger("autopost.observability.heartbeat")
# Rows of workers that were killed (no clean stop) are dropped once this old.
FORGET_AFTER = timedelta(days=1)


class WorkerHeartbeatThread(threading.Thread):
    """Beats every ``AUTOPOST_WORKER_HEARTBEAT_SECONDS`` while ``alive()`` says the consumer runs.

    ``start()`` writes the first beat before returning, so a worker is visible at once.
    """

    def __init__(self, alive: Callable[[], bool] = lambda: True):
        super().__init__(name="worker-heartbeat", daemon=True)
        self._alive = alive
        self._stopped = threading.Event()
        self._row: WorkerHeartbeat | None = None

    def start(self) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()
        self._row = WorkerHeartbeat.objects.create(
            hostname=socket.gethostname(), pid=os.getpid(), started_at=now, beat_at=now
        )
        super().start()

    def run(self) -> None:
        try:
            while not self._stopped.wait(settings.WORKER_HEARTBEAT_SECONDS):
                if not self._alive():
                    continue
                try:
                    self.beat()
                except Exception:
                    log.exception("worker_heartbeat_failed")
                finally:
                    close_old_connections()
        finally:
            db_connection.close()  # this thread's own connection

    def beat(self) -> None:
        row = self._row
        now = timezone.now()
        if not WorkerHeartbeat.objects.filter(pk=row.pk).update(beat_at=now):
            # Removed by someone tidying up: come back under a new row.
            self._row = WorkerHeartbeat.objects.create(
                hostname=row.hostname, pid=row.pid, started_at=row.started_at, beat_at=now
            )

    def stop(self) -> None:
        self._stopped.set()
        if self.is_alive():
            self.join(timeout=5)
        if self._row is not None:
            WorkerHeartbeat.objects.filter(pk=self._row.pk).delete()
