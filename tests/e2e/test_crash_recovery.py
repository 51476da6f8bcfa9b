"""Invariants 4 and 5 through real processes: a worker SIGKILLed mid-upload, and a wiped queue."""

import os
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import redis
from django.conf import settings
from huey.contrib.djhuey import HUEY

from autopost.testing.processes import wait_for


def test_worker_killed_mid_upload_publishes_exactly_once_after_restart(stack, sandbox_control, sample_clip):
    connection = stack.connect_demo_channel()
    clip = stack.upload_clip(sample_clip)
    # The first upload crawls, so the kill lands while the body is still on the wire.
    sandbox_control.add_fault(platform="telegram", method="sendVideo", kind="slow_upload", delay_s=20, count=1)
    [result] = stack.publish(clip["id"], [connection["id"]])
    publication_id = result["publication"]["id"]
    wait_for(lambda: stack.publication(publication_id)["attempts"] == 1, 15, message="the first attempt")
    time.sleep(1.0)

    [worker] = stack.workers
    worker.kill()
    assert sandbox_control.telegram_messages() == []
    stack.start_worker()

    publication = stack.wait_status(publication_id, {"published", "failed"}, timeout=40)
    assert publication["status"] == "published"
    assert publication["attempts"] == 2
    assert len(sandbox_control.telegram_messages()) == 1


def _wipe_queue() -> None:
    if settings.QUEUE_URL:
        redis.Redis.from_url(settings.QUEUE_URL).flushall()
        return
    HUEY.storage.close()
    queue_file = Path(settings.HUEY["filename"])
    for path in (queue_file, Path(f"{queue_file}-wal"), Path(f"{queue_file}-shm")):
        if path.exists():
            os.remove(path)


def test_wiped_queue_storage_still_publishes_scheduled_work_on_time(stack, sandbox_control, sample_clip):
    connection = stack.connect_demo_channel()
    at = datetime.now(timezone.utc) + timedelta(seconds=5)
    ids = []
    for n in range(3):
        clip = stack.upload_clip(sample_clip, title=f"Клип {n}")
        [result] = stack.publish(clip["id"], [connection["id"]], scheduled_at=at.isoformat())
        ids.append(result["publication"]["id"])

    [worker] = stack.workers
    worker.stop()
    _wipe_queue()
    stack.start_worker()

    for publication_id in ids:
        publication = stack.wait_status(publication_id, {"published", "failed"}, timeout=30)
        assert publication["status"] == "published"
        lateness = datetime.fromisoformat(publication["published_at"]) - at
        # Lost jobs are found by the sweeper: one interval plus its grace (1 s + 3 s here).
        assert timedelta(0) <= lateness < timedelta(seconds=8)
    assert len(sandbox_control.telegram_messages()) == 3
