"""The publish service: publish a clip to many targets, cancel, retry.

Publications are created in one transaction and their jobs enqueued only after it commits; a job
carries nothing but the publication id (invariants 1–3 in docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from autopost import ratelimit
from autopost.clips.models import Clip
from autopost.connections.models import PlatformConnection
from autopost.publishing import queue
from autopost.publishing.errors import NotFound, ServiceError
from autopost.publishing.models import Publication, Status
from autopost.publishing.validation import check_target


@dataclass(frozen=True)
class TargetResult:
    connection_id: int
    publication: Publication | None = None
    code: str | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.publication is not None


ALREADY_LIVE = ("already_publishing", "Этот клип уже публикуется или запланирован в этот канал")


def _check_publish_rate(user) -> None:
    if not ratelimit.hit(settings.PUBLISH_RATE_PER_USER, "publish", str(user.pk)):
        raise ServiceError(
            "rate_limited", "Слишком много публикаций подряд: подождите минуту", status=429
        )


def publish_clip(
    user, clip_id: int, connection_ids: list[int], scheduled_at: datetime | None = None
) -> list[TargetResult]:
    clip = Clip.objects.filter(owner=user, pk=clip_id).first()
    if clip is None:
        raise NotFound("Клип не найден")
    targets = list(dict.fromkeys(connection_ids))  # keep order, drop repeats
    if not targets:
        raise ServiceError("no_targets", "Выберите хотя бы одну платформу")
    now = timezone.now()
    if scheduled_at is not None:
        if timezone.is_naive(scheduled_at):
            scheduled_at = timezone.make_aware(scheduled_at)
        if scheduled_at <= now:
            raise ServiceError("scheduled_in_past", "Время публикации уже прошло: выберите время в будущем")
    _check_publish_rate(user)

    connections = {
        c.pk: c for c in PlatformConnection.objects.filter(owner=user, pk__in=targets)
    }
    results: list[TargetResult] = []
    with transaction.atomic():
        for connection_id in targets:
            results.append(_create_one(user, clip, connections.get(connection_id), connection_id, scheduled_at, now))
        created = [r.publication for r in results if r.publication is not None]
        transaction.on_commit(lambda: [queue.enqueue(p.pk, p.next_attempt_at) for p in created])
    return results


def _create_one(user, clip, connection, connection_id, scheduled_at, now) -> TargetResult:
    if connection is None:
        return TargetResult(connection_id, code="connection_not_found", message="Подключение не найдено")
    problem = check_target(user, clip, connection)
    if problem:
        return TargetResult(connection_id, code=problem.code, message=problem.message)
    if Publication.objects.live().filter(clip=clip, connection=connection).exists():
        return TargetResult(connection_id, code=ALREADY_LIVE[0], message=ALREADY_LIVE[1])
    try:
        # A savepoint per target: a racing duplicate (invariant 1, the partial unique index)
        # loses only its own row, not the other targets.
        with transaction.atomic():
            publication = Publication.objects.create(
                clip=clip,
                connection=connection,
                platform=connection.platform,
                status=Status.SCHEDULED if scheduled_at else Status.PUBLISHING,
                scheduled_at=scheduled_at,
                next_attempt_at=scheduled_at or now,
            )
            publication.events.create(
                to_status=publication.status,
                reason="scheduled" if scheduled_at else "publish_requested",
                message=scheduled_at.isoformat() if scheduled_at else "",
            )
    except IntegrityError:
        return TargetResult(connection_id, code=ALREADY_LIVE[0], message=ALREADY_LIVE[1])
    return TargetResult(connection_id, publication=publication)


def _owned(user, publication_id: int) -> Publication:
    publication = Publication.objects.owned_by(user).filter(pk=publication_id).first()
    if publication is None:
        raise NotFound("Публикация не найдена")
    return publication


def cancel_publication(user, publication_id: int) -> Publication:
    publication = _owned(user, publication_id)
    if not publication.cancel():
        raise ServiceError(
            "not_cancellable",
            "Отменить можно только запланированную публикацию или ожидающую повтора",
            status=409,
        )
    queue.revoke(publication.job_id)
    return publication


def retry_publication(user, publication_id: int) -> Publication:
    publication = _owned(user, publication_id)
    if publication.status != Status.FAILED:
        raise ServiceError("not_retryable", "Повторить можно только публикацию с ошибкой", status=409)
    if not publication.connection.is_active:
        raise ServiceError("connection_expired", "Токен истёк, переподключите платформу", status=409)
    try:
        with transaction.atomic():
            retried = publication.retry_now()
    except IntegrityError:
        raise ServiceError(ALREADY_LIVE[0], ALREADY_LIVE[1], status=409) from None
    if not retried:
        raise ServiceError("not_retryable", "Повторить можно только публикацию с ошибкой", status=409)
    transaction.on_commit(lambda: queue.enqueue(publication.pk, publication.next_attempt_at))
    return publication


def cancel_pending_for_connection(connection_id: int) -> int:
    """Cancel a disconnected connection's scheduled and retry-waiting rows (invariant 8)."""
    cancelled = 0
    for publication in Publication.objects.live().filter(connection_id=connection_id):
        if publication.cancel(reason="connection_disconnected"):
            queue.revoke(publication.job_id)
            cancelled += 1
    return cancelled
