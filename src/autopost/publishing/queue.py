"""Putting publication jobs on the huey queue and taking them off. Jobs carry only the id."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from huey.contrib.djhuey import HUEY

from autopost.publishing.models import Publication


def enqueue(publication_id: int, run_at: datetime | None = None) -> str:
    from autopost.publishing.tasks import publish_job

    now = timezone.now()
    delay = (run_at - now).total_seconds() if run_at else 0.0
    result = publish_job.schedule(args=(publication_id,), delay=delay) if delay > 0 else publish_job(publication_id)
    Publication.objects.filter(pk=publication_id).update(job_id=result.id, enqueued_at=now)
    return result.id


def revoke(job_id: str) -> None:
    """Skip a pending job; the row's status already refuses the claim, this saves the wake-up."""
    if job_id:
        HUEY.revoke_by_id(job_id, revoke_once=True)
