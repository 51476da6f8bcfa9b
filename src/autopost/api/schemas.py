"""The API's contracts. Fields are listed one by one (no ModelSchema) so a new model column —
above all a secret one — never leaks into a response by accident."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from autopost.platforms import get_provider, platform_label
from autopost.publishing.stats import COUNTERS, clip_totals


class ErrorOut(Schema):
    code: str = Field(description="Стабильный машинный код ошибки, например `not_found`")
    message: str = Field(description="Понятное человеку описание (по-русски)")


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error statuses an operation can answer, for its OpenAPI description."""
    return {status: ErrorOut for status in statuses}


class StatsTotalsOut(Schema):
    """Counters summed over publications; null when none of them reported that counter."""

    views: int | None
    likes: int | None
    comments: int | None
    reposts: int | None


class ClipOut(Schema):
    id: int
    title: str
    description: str
    size: int = Field(description="Размер файла в байтах")
    duration: float | None = Field(description="Длительность в секундах")
    width: int | None
    height: int | None
    status: str = Field(description="processing | ready | failed")
    status_message: str
    created_at: datetime
    stats: StatsTotalsOut = Field(description="Последние счётчики, сложенные по всем платформам")

    @staticmethod
    def resolve_stats(obj) -> dict:
        if hasattr(obj, "total_views"):  # annotated by the list (stats.totals_annotations)
            return {name: getattr(obj, f"total_{name}") for name in COUNTERS}
        return clip_totals(obj)


class ConnectionOut(Schema):
    """A connected account and its target. Tokens never appear here, not even redacted."""

    id: int
    platform: str
    platform_label: str
    account_name: str
    target_id: str
    target_name: str
    target_url: str
    status: str = Field(description="active | expired | revoked")
    expires_at: datetime | None
    created_at: datetime
    publish_as: str | None = Field(None, description="VK: clip (клип) или video (видео)")
    wall_post: bool | None = Field(None, description="VK: публиковать ли запись на стене")

    @staticmethod
    def resolve_platform_label(obj) -> str:
        return platform_label(obj.platform)

    @staticmethod
    def resolve_publish_as(obj) -> str | None:
        return obj.options.get("publish_as")

    @staticmethod
    def resolve_wall_post(obj) -> bool | None:
        return obj.options.get("wall_post")


class VkTokenConnectIn(Schema):
    access_token: str = Field(description="Токен пользователя VK с правом video")
    target_id: str = Field("", description="Куда публиковать: пусто — своя страница, -<id> — сообщество")


class RutubeConnectIn(Schema):
    username: str = Field("", description="E-mail или телефон аккаунта Rutube (пароль не сохраняется)")
    password: str = Field("", description="Пароль: используется один раз для получения токена")
    token: str = Field("", description="Или готовый токен Rutube")


class DzenConnectIn(Schema):
    session: str = Field(description="Cookies студии Дзена: заголовок Cookie или экспорт из браузера")
    channel: str = Field(description="publisherId канала или ссылка на канал")


class AuthorizeIn(Schema):
    reconnect_id: int | None = Field(None, description="Переподключить это подключение")


class AuthorizeOut(Schema):
    authorize_url: str


class TargetOut(Schema):
    target_id: str
    name: str
    kind: str = Field(description="page | community")
    url: str


class ConnectionUpdateIn(Schema):
    target_id: str | None = None
    publish_as: str | None = Field(None, description="clip | video")
    wall_post: bool | None = None


class TelegramConnectIn(Schema):
    bot_token: str = Field(description="Токен бота от @BotFather")
    channel: str = Field(description="@username канала или его числовой id")


class ErrorInfo(Schema):
    code: str
    message: str


class StatsOut(Schema):
    views: int | None
    likes: int | None
    comments: int | None
    reposts: int | None
    updated_at: datetime


class EventOut(Schema):
    at: datetime
    from_status: str | None
    to_status: str
    reason: str
    message: str

    @staticmethod
    def resolve_at(obj) -> datetime:
        return obj.created_at

    @staticmethod
    def resolve_from_status(obj) -> str | None:
        return obj.from_status or None


class PublicationOut(Schema):
    id: int
    clip_id: int
    connection_id: int
    platform: str
    status: str = Field(description="scheduled | publishing | published | failed | cancelled")
    scheduled_at: datetime | None
    next_attempt_at: datetime | None
    attempts: int
    last_error: ErrorInfo | None
    remote_id: str
    url: str
    published_at: datetime | None
    stats: StatsOut | None = Field(description="null, пока статистика не собрана")
    created_at: datetime

    @staticmethod
    def resolve_last_error(obj) -> dict | None:
        if not obj.last_error_code:
            return None
        return {"code": obj.last_error_code, "message": obj.last_error_message}

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.remote_url

    @staticmethod
    def resolve_stats(obj) -> dict | None:
        if obj.stats_updated_at is None:
            return None
        return {
            "views": obj.views,
            "likes": obj.likes,
            "comments": obj.comments,
            "reposts": obj.reposts,
            "updated_at": obj.stats_updated_at,
        }


class SnapshotOut(Schema):
    taken_at: datetime
    views: int | None
    likes: int | None
    comments: int | None
    reposts: int | None


class PublicationStatsOut(Schema):
    publication_id: int
    connection_id: int
    platform: str
    platform_label: str
    status: str
    url: str
    stats_available: bool = Field(description="false — платформа не отдаёт статистику (Telegram)")
    stats: StatsOut | None = Field(description="Последние счётчики; null, пока не собраны")

    @staticmethod
    def resolve_publication_id(obj) -> int:
        return obj.pk

    @staticmethod
    def resolve_platform_label(obj) -> str:
        return platform_label(obj.platform)

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.remote_url

    @staticmethod
    def resolve_stats_available(obj) -> bool:
        return get_provider(obj.platform).capabilities.stats

    @staticmethod
    def resolve_stats(obj) -> dict | None:
        return PublicationOut.resolve_stats(obj)


class ClipStatsOut(Schema):
    clip_id: int
    totals: StatsTotalsOut
    publications: list[PublicationStatsOut]


class PublicationDetailOut(PublicationOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.all())


class PublishIn(Schema):
    targets: list[int] = Field(description="id подключений, куда публиковать")
    scheduled_at: datetime | None = Field(
        None,
        description="Когда опубликовать (ISO-8601); null — сразу. Время без часового пояса "
        "считается в часовом поясе сервиса.",
    )


class PublishResultOut(Schema):
    connection_id: int
    ok: bool
    publication: PublicationOut | None
    error: ErrorInfo | None


class PublishOut(Schema):
    results: list[PublishResultOut]
