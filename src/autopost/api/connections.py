"""Platform connections: list, connect Telegram (bot token + channel), disconnect."""

from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from autopost.api.schemas import (
    AuthorizeIn,
    AuthorizeOut,
    ConnectionOut,
    ConnectionUpdateIn,
    DzenConnectIn,
    RutubeConnectIn,
    TargetOut,
    TelegramConnectIn,
    VkTokenConnectIn,
    errors,
)
from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.connections.oauth import start_authorization
from autopost.connections.service import (
    configure_connection,
    connect_platform,
    disconnect_platform,
    list_targets,
)

router = Router(tags=["connections"])


class ConnectionFilter(Schema):
    status: ConnectionStatus | None = None


@router.get(
    "/connections",
    response=list[ConnectionOut],
    summary="Мои подключения",
    description="Без `status` — действующие и истёкшие; отключённые (`revoked`) — по запросу "
    "`?status=revoked`.",
)
@paginate(LimitOffsetPagination)
def list_connections(request, filters: Query[ConnectionFilter]):
    connections = PlatformConnection.objects.filter(owner=request.auth)
    if filters.status is None:
        # Every reconnect after a disconnect leaves a revoked row; they are history, not choices.
        return connections.exclude(status=ConnectionStatus.REVOKED)
    return connections.filter(status=filters.status)


@router.post(
    "/connections/telegram",
    response={201: ConnectionOut, **errors(400, 401, 403, 404, 429, 502)},
    summary="Подключить Telegram-канал",
    description="Токен бота проверяется в Telegram (getMe, getChat, getChatMember): бот должен "
    "быть администратором канала с правом публикации. Токен хранится зашифрованным и "
    "никогда не возвращается.",
)
def connect_telegram(request, payload: TelegramConnectIn):
    connection = connect_platform(
        request.auth, "telegram", bot_token=payload.bot_token, channel=payload.channel
    )
    return Status(201, connection)


@router.delete(
    "/connections/{int:connection_id}",
    response={200: ConnectionOut, **errors(401, 403, 404)},
    summary="Отключить платформу",
    description="Запланированные публикации через это подключение отменяются.",
)
def disconnect(request, connection_id: int):
    return disconnect_platform(request.auth, connection_id)


@router.post(
    "/connections/vk/authorize",
    response={200: AuthorizeOut, **errors(400, 401, 403, 429)},
    summary="Начать подключение VK (VK ID)",
    description="Возвращает адрес VK ID (OAuth 2.1 + PKCE). После согласия VK вернёт человека на "
    "/oauth/vk/callback; state действует 5 минут и только один раз.",
)
def authorize_vk(request, payload: AuthorizeIn):
    return {"authorize_url": start_authorization(request, request.auth, "vk", reconnect_id=payload.reconnect_id)}


@router.post(
    "/connections/vk",
    response={201: ConnectionOut, **errors(400, 401, 403, 429, 502)},
    summary="Подключить VK токеном пользователя",
    description="Запасной путь, пока VK не выдал приложению право video: токен проверяется "
    "(users.get и доступ к видео) и хранится зашифрованным.",
)
def connect_vk_token(request, payload: VkTokenConnectIn):
    connection = connect_platform(request.auth, "vk", access_token=payload.access_token, target_id=payload.target_id)
    return Status(201, connection)


@router.get(
    "/connections/{int:connection_id}/targets",
    response={200: list[TargetOut], **errors(400, 401, 404, 429, 502)},
    summary="Куда можно публиковать",
    description="Своя страница и сообщества, где аккаунт администратор или редактор.",
)
def targets(request, connection_id: int):
    return list_targets(request.auth, connection_id)


@router.patch(
    "/connections/{int:connection_id}",
    response={200: ConnectionOut, **errors(400, 401, 403, 404, 409, 502)},
    summary="Изменить цель или режим публикации",
)
def update(request, connection_id: int, payload: ConnectionUpdateIn):
    return configure_connection(
        request.auth, connection_id,
        target_id=payload.target_id, publish_as=payload.publish_as, wall_post=payload.wall_post,
    )


@router.post(
    "/connections/rutube",
    response={201: ConnectionOut, **errors(400, 401, 403, 404, 429, 502)},
    summary="Подключить Rutube",
    description="Логин и пароль обмениваются на токен одним запросом к Rutube; пароль нигде не "
    "сохраняется и не записывается в журналы. Можно передать готовый токен.",
)
def connect_rutube(request, payload: RutubeConnectIn):
    connection = connect_platform(
        request.auth, "rutube", username=payload.username, password=payload.password, token=payload.token
    )
    return Status(201, connection)


@router.post(
    "/connections/dzen",
    response={201: ConnectionOut, **errors(400, 401, 403, 404, 429, 502)},
    summary="Подключить Дзен (сессия студии)",
    description="У Дзена нет открытого API и OAuth: нужна сессия студии (cookies из браузера). "
    "Она хранится зашифрованной и проверяется каждый день.",
)
def connect_dzen(request, payload: DzenConnectIn):
    connection = connect_platform(request.auth, "dzen", session=payload.session, channel=payload.channel)
    return Status(201, connection)
