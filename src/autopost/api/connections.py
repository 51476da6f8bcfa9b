"""Platform connections: list, connect Telegram (bot token + channel), disconnect."""

from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from autopost.api.schemas import ConnectionOut, ErrorOut, TelegramConnectIn
from autopost.connections.models import PlatformConnection
from autopost.connections.service import connect_platform, disconnect_platform

router = Router(tags=["connections"])
ERRORS = {code: ErrorOut for code in (400, 401, 404, 429, 502)}


@router.get("/connections", response=list[ConnectionOut], summary="Мои подключения")
@paginate(LimitOffsetPagination)
def list_connections(request):
    return PlatformConnection.objects.filter(owner=request.auth)


@router.post(
    "/connections/telegram",
    response={201: ConnectionOut, **ERRORS},
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
    response={200: ConnectionOut, **ERRORS},
    summary="Отключить платформу",
    description="Запланированные публикации через это подключение отменяются.",
)
def disconnect(request, connection_id: int):
    return disconnect_platform(request.auth, connection_id)
