"""Connecting, configuring and disconnecting platforms. Tokens are validated against the platform,
then stored encrypted; nothing here logs or returns a secret."""

from __future__ import annotations

import structlog
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from autopost import ratelimit
from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.notifications import notices
from autopost.observability import events
from autopost.platforms import PLATFORMS, get_provider, is_available
from autopost.platforms.base import ConnectionInfo
from autopost.platforms.errors import PermanentError, PlatformError, RateLimited
from autopost.publishing.errors import NotFound, ServiceError

log = structlog.get_logger("autopost.connections")

PUBLISH_MODES = ("clip", "video")


def check_connect_rate(user) -> None:
    if not ratelimit.hit(settings.CONNECT_RATE_PER_USER, "connect", str(user.pk)):
        raise ServiceError(
            "rate_limited",
            "Слишком много попыток подключения: попробуйте через час",
            status=429,
        )


def _as_service_error(exc: PlatformError) -> ServiceError:
    if isinstance(exc, RateLimited):
        return ServiceError(exc.code, exc.message, status=429)
    if isinstance(exc, PermanentError):
        return ServiceError(exc.code, exc.message)
    return ServiceError(exc.code, exc.message, status=502)


def connect_platform(user, platform: str, **form: str) -> PlatformConnection:
    """Validate pasted credentials with the platform and save (or renew) the connection."""
    if platform not in PLATFORMS or not is_available(platform):
        raise ServiceError("platform_unavailable", "Эта платформа пока не поддерживается", status=404)
    check_connect_rate(user)
    try:
        info = get_provider(platform).validate_credentials(**form)
    except PlatformError as exc:
        raise _as_service_error(exc) from None
    return save_connection(user, platform, info)


def save_connection(user, platform: str, info: ConnectionInfo, *, reconnect_id: int | None = None) -> PlatformConnection:
    """Create the connection, or renew the live one for the same target (or the one reconnected)."""
    with transaction.atomic():
        live = PlatformConnection.objects.select_for_update().exclude(status=ConnectionStatus.REVOKED).filter(owner=user, platform=platform)
        connection = (
            (live.filter(pk=reconnect_id).first() if reconnect_id else None)
            or live.filter(target_id=info.target_id).first()
            or PlatformConnection(owner=user, platform=platform, target_id=info.target_id)
        )
        connection.account_id = info.account_id
        connection.account_name = info.account_name
        if not connection.pk:
            connection.target_name = info.target_name
            connection.target_url = info.target_url
        # A reconnect keeps the chosen target and mode; new secrets and platform facts win.
        connection.options = {**info.options, **{k: v for k, v in connection.options.items() if k in ("publish_as", "wall_post")}}
        connection.set_credentials(info.credentials)
        connection.status = ConnectionStatus.ACTIVE
        connection.status_reason = ""
        connection.save()
    log.info(events.PLATFORM_CONNECTED, user_id=user.pk, platform=platform, connection_id=connection.pk)
    return connection


def window_keys(connection: PlatformConnection) -> dict[str, str]:
    """The keys of a connection's shared rate-limit windows, by scope."""
    return {
        "platform": connection.platform,
        "global": "",
        "account": connection.account_id,
        "target": connection.target_id,
    }


def provider_for(connection: PlatformConnection):
    """A provider for calls made outside the worker, throttled by the same shared windows."""
    provider_class = get_provider(connection.platform)

    def throttle() -> None:
        try:
            ratelimit.wait_for_windows(provider_class.call_limits, window_keys(connection), max_wait=3.0)
        except ratelimit.WindowBusy as busy:
            raise RateLimited(busy.wait_s) from None

    return provider_class(connection.get_credentials(), connection.target(), throttle=throttle)


TARGETS_CACHE_SECONDS = 300


def _owned_live(user, connection_id: int) -> PlatformConnection:
    connection = PlatformConnection.objects.filter(owner=user, pk=connection_id).exclude(status=ConnectionStatus.REVOKED).first()
    if connection is None:
        raise NotFound("Подключение не найдено")
    return connection


def list_targets(user, connection_id: int):
    """Where the connected account may publish (its page, communities it administers)."""
    connection = _owned_live(user, connection_id)
    # Each settings page shows these; VK allows 3 calls a second per token, so remember them.
    key = f"autopost:targets:{connection.pk}:{connection.account_id}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    try:
        targets = provider_for(connection).list_targets()
    except NotImplementedError:
        raise ServiceError("targets_unsupported", "Для этой платформы цель выбирается при подключении") from None
    except PlatformError as exc:
        raise _as_service_error(exc) from None
    cache.set(key, targets, TARGETS_CACHE_SECONDS)
    return targets


def configure_connection(user, connection_id: int, *, target_id: str | None = None,
                         publish_as: str | None = None, wall_post: bool | None = None) -> PlatformConnection:
    """Change where and how a connection publishes; a target must be one the account may post to."""
    connection = _owned_live(user, connection_id)
    if publish_as is not None:
        if publish_as not in PUBLISH_MODES:
            raise ServiceError("validation_error", "Режим публикации: clip (клип) или video (видео)")
        connection.options["publish_as"] = publish_as
    if wall_post is not None:
        connection.options["wall_post"] = bool(wall_post)
    if target_id is not None and target_id != connection.target_id:
        choice = next((t for t in list_targets(user, connection_id) if t.target_id == target_id), None)
        if choice is None:
            raise ServiceError("target_not_allowed", "Публиковать сюда нельзя: выберите свою страницу или сообщество, где вы администратор")
        connection.target_id, connection.target_name, connection.target_url = choice.target_id, choice.name, choice.url
    try:
        with transaction.atomic():
            connection.save()
    except IntegrityError:
        raise ServiceError("already_connected", "Эта цель уже подключена отдельно", status=409) from None
    return connection


def disconnect_platform(user, connection_id: int) -> PlatformConnection:
    """Revoke a connection: wipe its secrets, cancel its pending publications, revoke their jobs."""
    from autopost.publishing.service import cancel_pending_for_connection

    connection = _owned_live(user, connection_id)
    with transaction.atomic():
        PlatformConnection.objects.filter(pk=connection.pk).update(
            status=ConnectionStatus.REVOKED,
            status_reason="disconnected",
            access_token_enc="",
            refresh_token_enc="",
            updated_at=timezone.now(),
        )
    cancelled = cancel_pending_for_connection(connection.pk)
    connection.refresh_from_db()
    log.info(
        events.PLATFORM_DISCONNECTED,
        user_id=user.pk,
        platform=connection.platform,
        connection_id=connection.pk,
        cancelled_publications=cancelled,
    )
    return connection


def mark_connection_expired(connection: PlatformConnection, reason: str) -> None:
    now = timezone.now()
    expired = PlatformConnection.objects.filter(pk=connection.pk, status=ConnectionStatus.ACTIVE).update(
        status=ConnectionStatus.EXPIRED, status_reason=reason[:255], updated_at=now
    )
    if expired:  # only the caller that made the change tells the owner
        notices.connection_expired(connection, now)
