"""Platform connections: list, connect Telegram (bot token + channel), disconnect."""

from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from autopost.api.schemas import ConnectionOut, TelegramConnectIn, errors
from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.connections.service import connect_platform, disconnect_platform

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
