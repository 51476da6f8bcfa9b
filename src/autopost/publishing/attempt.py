"""One publish attempt: claim the row, call the provider, and turn the outcome into state.

``handle_outcome`` is the one place where provider errors become publication state.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import structlog
from django.conf import settings
from django.db import close_old_connections, connection as db_connection
from django.utils import timezone

from autopost import ratelimit
from autopost.clips.signed_urls import signed_url
from autopost.connections.models import ConnectionStatus
from autopost.connections.refresh import needs_refresh, refresh_connection
from autopost.connections.service import mark_connection_expired, window_keys
from autopost.notifications import notices
from autopost.observability import events
from autopost.platforms import get_provider, platform_label
from autopost.platforms.base import ClipFile, Metadata, PublishResult
from autopost.platforms.errors import (
    AuthExpired,
    ClipFileMissing,
    PermanentError,
    PlatformError,
    RateLimited,
    TransientError,
)
from autopost.publishing import queue
from autopost.publishing.models import Publication

log = structlog.get_logger("autopost.publishing")


class LeaseLost(Exception):
    """Another worker took the row over (our lease expired): stop without touching it."""


class DbCheckpoint:
    """The provider's progress, persisted on the publication row the moment it is saved."""

    def __init__(self, publication: Publication):
        self._publication = publication
        self._data: dict[str, Any] = dict(publication.checkpoint or {})

    @property
    def data(self) -> Mapping[str, Any]:
        return dict(self._data)

    def save(self, **values: Any) -> None:
        self._data.update(values)
        if not self._publication.save_checkpoint(self._data):
            raise LeaseLost()


class Heartbeat:
    """Renews the lease while an attempt runs, so a live upload is never taken for a stalled one."""

    def __init__(self, publication: Publication, lease_seconds: int):
        self._publication = publication
        self._lease = lease_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{publication.pk}", daemon=True)

    def _run(self) -> None:
        interval = max(self._lease / 3, 0.2)
        try:
            while not self._stop.wait(interval):
                self._publication.renew_lease(self._lease)
                close_old_connections()
        finally:
            db_connection.close()  # this thread's own connection

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run_publication(publication_id: int) -> None:
    """Entry point of the publish job. A duplicate or stale job finds nothing to claim."""
    publication = Publication.objects.select_related("clip", "connection").filter(pk=publication_id).first()
    if publication is None or not publication.claim(settings.PUBLISH_LEASE_SECONDS):
        return
    log.info(
        events.PUBLISH_JOB_START,
        publication_id=publication.pk,
        platform=publication.platform,
        attempt=publication.attempts,
    )
    started = time.monotonic()
    try:
        with Heartbeat(publication, settings.PUBLISH_LEASE_SECONDS):
            outcome: PublishResult | Exception = _attempt(publication)
    except LeaseLost:
        log.warning("publish_job_lease_lost", publication_id=publication.pk)
        return
    handle_outcome(publication, outcome, elapsed=time.monotonic() - started)


def _attempt(publication: Publication) -> PublishResult | Exception:
    try:
        _check_ready(publication)
        provider_class = get_provider(publication.platform)
        _wait_for_windows(provider_class.rate_limits, publication)
        return _publish_with_refresh(provider_class, publication)
    except LeaseLost:
        raise
    except PlatformError as exc:
        return exc
    except Exception as exc:  # a bug or an unexpected library error: retry like a transient one
        log.exception("publish_job_crashed", publication_id=publication.pk, error_type=type(exc).__name__)
        return TransientError("Внутренняя ошибка при публикации, повторим попытку", code="internal_error")


def _check_ready(publication: Publication) -> None:
    connection = publication.connection
    if connection.status == ConnectionStatus.EXPIRED:
        raise AuthExpired()
    if connection.status != ConnectionStatus.ACTIVE:
        raise PermanentError(
            "connection_revoked",
            f"{platform_label(publication.platform)} отключён: подключите платформу заново",
        )
    if not publication.clip.file_exists():
        raise ClipFileMissing()


def _clip_file(publication: Publication, url_pull: bool) -> ClipFile:
    clip = publication.clip
    return ClipFile(
        signed_url=signed_url(clip) if url_pull else None,
        open=clip.open,
        size=clip.size,
        filename=f"clip-{clip.pk}{os.path.splitext(clip.storage_key)[1] or '.mp4'}",
        content_type=clip.content_type,
        duration=clip.duration,
        width=clip.width,
        height=clip.height,
    )


def _publish_with_refresh(provider_class, publication: Publication) -> PublishResult:
    connection = publication.connection
    clip_file = _clip_file(publication, provider_class.capabilities.url_pull)
    metadata = Metadata(title=publication.clip.title, description=publication.clip.description)
    checkpoint = DbCheckpoint(publication)
    refreshable = provider_class.capabilities.refresh
    if refreshable and needs_refresh(connection):
        credentials = refresh_connection(connection)
    else:
        credentials = connection.get_credentials()
    try:
        return _provider(provider_class, credentials, publication).publish(clip_file, metadata, checkpoint)
    except AuthExpired:
        if not refreshable:
            raise
        # One refresh, then one more try: the checkpoint lets it resume, not repeat.
        fresh = refresh_connection(connection)
        return _provider(provider_class, fresh, publication).publish(clip_file, metadata, checkpoint)


def _provider(provider_class, credentials, publication: Publication):
    return provider_class(
        credentials,
        publication.connection.target(),
        throttle=lambda: _wait_for_windows(provider_class.call_limits, publication),
    )


def _wait_for_windows(limits: tuple[tuple[str, str], ...], publication: Publication) -> None:
    """Wait briefly for the platform's shared windows, or give the job back with a delay."""
    try:
        ratelimit.wait_for_windows(
            limits, window_keys(publication.connection), max_wait=settings.RATE_LIMIT_MAX_INLINE_WAIT
        )
    except ratelimit.WindowBusy as busy:
        raise RateLimited(busy.wait_s, "Ждём окно лимита платформы", code="rate_limited_locally") from None


def handle_outcome(publication: Publication, outcome: PublishResult | Exception, elapsed: float = 0.0) -> None:
    """Turn one attempt's outcome into publication (and connection) state. The only such place."""
    context = {"publication_id": publication.pk, "platform": publication.platform, "attempt": publication.attempts}
    now = timezone.now()
    if isinstance(outcome, PublishResult):
        publication.mark_published(outcome.remote_id, outcome.url)
        log.info(events.PUBLISH_JOB_SUCCESS, url=outcome.url, seconds=round(elapsed, 3), **context)
    elif isinstance(outcome, RateLimited):
        at = now + timedelta(seconds=outcome.retry_after_s)
        if publication.schedule_retry(at, outcome.code, outcome.message, consume_attempt=False):
            queue.enqueue(publication.pk, at)
        log.info(events.PUBLISH_JOB_RETRY, reason=outcome.code, delay_s=outcome.retry_after_s, **context)
    elif isinstance(outcome, AuthExpired):
        mark_connection_expired(publication.connection, outcome.code)
        if publication.mark_failed(outcome.code, outcome.message):
            notices.publication_failed(publication)
        log.warning(events.PUBLISH_JOB_FAILED, code=outcome.code, **context)
    elif isinstance(outcome, TransientError) and publication.attempts <= len(settings.RETRY_DELAYS):
        at = now + timedelta(seconds=settings.RETRY_DELAYS[publication.attempts - 1])
        if publication.schedule_retry(at, outcome.code, outcome.message):
            queue.enqueue(publication.pk, at)
        log.info(events.PUBLISH_JOB_RETRY, reason=outcome.code, retry_at=at.isoformat(), **context)
    else:
        assert isinstance(outcome, PlatformError)
        if publication.mark_failed(outcome.code, outcome.message):
            notices.publication_failed(publication)
        log.warning(events.PUBLISH_JOB_FAILED, code=outcome.code, error=outcome.message, **context)
