"""Clips: upload (multipart, streamed to disk by Django), list, get, publish."""

from datetime import datetime

from django.utils import timezone
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from autopost.api.schemas import ClipOut, ClipStatsOut, PublishIn, PublishOut, errors
from autopost.clips.models import Clip
from autopost.clips.service import create_clip
from autopost.publishing.errors import ServiceError
from autopost.publishing.models import Status as PublicationStatus
from autopost.publishing.service import publish_clip
from autopost.publishing.stats import clip_totals, totals_annotations

router = Router(tags=["clips"])


def owned_clip(user, clip_id: int) -> Clip:
    clip = Clip.objects.filter(owner=user, pk=clip_id).first()
    if clip is None:
        # Another user's clip is "not found", never "forbidden": its existence is not revealed.
        raise ServiceError("not_found", "Клип не найден", status=404)
    return clip


@router.post(
    "/clips",
    response={201: ClipOut, **errors(400, 401, 403, 413)},
    summary="Загрузить клип",
    description="multipart/form-data: `file`, `title`, `description`. Файл проверяется "
    "(видео ли это, длительность, размер кадра) до того, как клип появится.",
)
def upload_clip(
    request,
    file: File[UploadedFile],
    title: Form[str],
    description: Form[str] = "",
):
    clip = create_clip(
        request.auth, file, filename=file.name or "", title=title, description=description
    )
    return Status(201, clip)


@router.get("/clips", response=list[ClipOut], summary="Мои клипы (новые первыми)")
@paginate(LimitOffsetPagination)
def list_clips(request):
    # An aggregate ignores Meta.ordering (Django drops it from GROUP BY queries): keep it explicit.
    clips = Clip.objects.filter(owner=request.auth).annotate(**totals_annotations())
    return clips.order_by(*Clip._meta.ordering)


@router.get("/clips/{int:clip_id}", response={200: ClipOut, **errors(401, 404)}, summary="Клип")
def get_clip(request, clip_id: int):
    return owned_clip(request.auth, clip_id)


@router.get(
    "/clips/{int:clip_id}/stats",
    response={200: ClipStatsOut, **errors(401, 404)},
    summary="Статистика клипа: по каждой публикации и в сумме по платформам",
)
def get_clip_stats(request, clip_id: int):
    clip = owned_clip(request.auth, clip_id)
    published = clip.publications.filter(status=PublicationStatus.PUBLISHED)
    return {
        "clip_id": clip.pk,
        "totals": clip_totals(clip),
        "publications": published.order_by("published_at", "pk"),
    }


@router.post(
    "/clips/{int:clip_id}/publish",
    response={200: PublishOut, **errors(400, 401, 403, 404, 429)},
    summary="Опубликовать клип (сразу или по расписанию)",
    description="Один результат на каждое подключение из `targets`: публикация или ошибка. "
    "Ошибка одной цели не мешает остальным.",
)
def publish(request, clip_id: int, payload: PublishIn):
    results = publish_clip(
        request.auth, clip_id, list(payload.targets), scheduled_at=_aware(payload.scheduled_at)
    )
    return {
        "results": [
            {
                "connection_id": r.connection_id,
                "ok": r.ok,
                "publication": r.publication,
                "error": {"code": r.code, "message": r.message or ""} if r.code else None,
            }
            for r in results
        ]
    }


def _aware(value: datetime | None) -> datetime | None:
    """A time without an offset means the service's own time zone (settings.TIME_ZONE)."""
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, timezone.get_default_timezone())
