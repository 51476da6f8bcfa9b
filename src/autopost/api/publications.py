"""Publications: list (filter by clip and status), detail with events, cancel, retry."""

from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from autopost.api.schemas import PublicationDetailOut, PublicationOut, SnapshotOut, errors
from autopost.publishing.errors import ServiceError
from autopost.publishing.models import Publication, Status
from autopost.publishing.service import cancel_publication, retry_publication

router = Router(tags=["publications"])


class PublicationFilter(Schema):
    clip: int | None = None
    status: Status | None = None


def owned_publication(user, publication_id: int) -> Publication:
    publication = (
        Publication.objects.owned_by(user)
        .prefetch_related("events")
        .filter(pk=publication_id)
        .first()
    )
    if publication is None:
        raise ServiceError("not_found", "Публикация не найдена", status=404)
    return publication


@router.get(
    "/publications", response=list[PublicationOut], summary="Мои публикации (новые первыми)"
)
@paginate(LimitOffsetPagination)
def list_publications(request, filters: Query[PublicationFilter]):
    publications = Publication.objects.owned_by(request.auth)
    if filters.clip is not None:
        publications = publications.filter(clip_id=filters.clip)
    if filters.status is not None:
        publications = publications.filter(status=filters.status)
    return publications


@router.get(
    "/publications/{int:publication_id}",
    response={200: PublicationDetailOut, **errors(401, 404)},
    summary="Публикация и история её статусов",
)
def get_publication(request, publication_id: int):
    return owned_publication(request.auth, publication_id)


@router.get(
    "/publications/{int:publication_id}/stats",
    response={200: list[SnapshotOut], **errors(401, 404)},
    summary="История статистики публикации (старые снимки первыми)",
)
@paginate(LimitOffsetPagination)
def publication_stats(request, publication_id: int):
    return owned_publication(request.auth, publication_id).stats_snapshots.all()


@router.post(
    "/publications/{int:publication_id}/cancel",
    response={200: PublicationDetailOut, **errors(401, 403, 404, 409)},
    summary="Отменить запланированную публикацию",
)
def cancel(request, publication_id: int):
    publication = cancel_publication(request.auth, publication_id)
    return owned_publication(request.auth, publication.pk)


@router.post(
    "/publications/{int:publication_id}/retry",
    response={200: PublicationDetailOut, **errors(401, 403, 404, 409)},
    summary="Повторить неудавшуюся публикацию",
)
def retry(request, publication_id: int):
    publication = retry_publication(request.auth, publication_id)
    return owned_publication(request.auth, publication.pk)
