"""Telegram Bot API calls and the models of their replies (docs/platform-apis.md §3, §8).

Every call goes to ``{TELEGRAM_API_URL}/bot<token>/<method>``. The URL holds the bot token, so
nothing here ever puts a URL, a request or an httpx exception into a message or a log line:
failures are classified by HTTP status (§3.5, §8) and Telegram's ``description`` text only.
"""

from __future__ import annotations

import math
from typing import Any, BinaryIO, Generic, Literal, Self, TypeVar
from urllib.parse import quote

import httpx
import structlog
from django.conf import settings
from pydantic import BaseModel, ConfigDict, ValidationError

from autopost.platforms.errors import (
    AuthExpired,
    PermanentError,
    PlatformError,
    RateLimited,
    TransientError,
)
from autopost.platforms.http import build_client, translate_errors

log = structlog.get_logger("autopost.platforms.telegram")

PLATFORM_LABEL = "Telegram"
MB = 1024 * 1024
CLOUD_MAX_UPLOAD = 50 * MB  # §3.4, multipart upload to api.telegram.org
LOCAL_MAX_UPLOAD = 2000 * MB  # §3.4, telegram-bot-api --local
# The server answers sendVideo only after it has the whole file (and has passed it on to
# Telegram), so the wait for the reply is much longer than for an ordinary call.
UPLOAD_READ_TIMEOUT_S = 600.0
DEFAULT_RETRY_AFTER_S = 30.0  # 429 without parameters.retry_after and without Retry-After

# Substrings of Telegram's ``description`` for 400 / 403 replies (§3.5), matched case-insensitively.
DESC_CHAT_NOT_FOUND = "chat not found"
DESC_NOT_MEMBER = "bot is not a member"
DESC_KICKED = "bot was kicked"
DESC_NEED_ADMIN_RIGHTS = "need administrator rights"
DESC_NOT_ENOUGH_RIGHTS = "not enough rights"
DESC_CAPTION_TOO_LONG = "message caption is too long"
DESC_WRONG_FILE = "wrong file identifier"
DESC_URL_CONTENT = "failed to get http url content"

# Stable error codes (messages are Russian, for people).
CODE_TOKEN_INVALID = "telegram_token_invalid"
CODE_CHAT_NOT_FOUND = "telegram_chat_not_found"
CODE_BOT_NOT_MEMBER = "telegram_bot_not_member"
CODE_NO_POST_RIGHTS = "telegram_no_post_rights"
CODE_CAPTION_TOO_LONG = "telegram_caption_too_long"
CODE_WRONG_FILE = "telegram_wrong_file"
CODE_URL_CONTENT = "telegram_url_content"
CODE_CHAT_MIGRATED = "telegram_chat_migrated"
CODE_BAD_REQUEST = "telegram_bad_request"
CODE_FORBIDDEN = "telegram_forbidden"
CODE_FILE_TOO_LARGE = "file_too_large"
CODE_SERVER_ERROR = "telegram_server_error"
CODE_BAD_REPLY = "telegram_bad_reply"

MSG_CHAT_NOT_FOUND = "Канал не найден: проверьте @имя или ID канала"
MSG_BOT_NOT_MEMBER = "Бот не добавлен в канал: добавьте его администратором"
MSG_NO_POST_RIGHTS = "У бота нет права «Публикация сообщений» в канале"


def max_upload_bytes(local_api: bool) -> int:
    return LOCAL_MAX_UPLOAD if local_api else CLOUD_MAX_UPLOAD


def file_too_large(local_api: bool) -> PermanentError:
    limit_mb = max_upload_bytes(local_api) // MB
    return PermanentError(
        CODE_FILE_TOO_LARGE, f"Файл слишком большой для Telegram (максимум {limit_mb} МБ)"
    )


# --- reply models (strict types; unknown fields ignored, Telegram adds fields often) -----------


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class User(_Model):
    id: int
    is_bot: bool
    first_name: str
    username: str | None = None


class Chat(_Model):
    id: int
    type: Literal["private", "group", "supergroup", "channel"]
    title: str | None = None
    username: str | None = None


class ChatMember(_Model):
    status: Literal["creator", "administrator", "member", "restricted", "left", "kicked"]
    user: User | None = None
    can_post_messages: bool | None = None


class Video(_Model):
    file_id: str
    file_unique_id: str
    width: int
    height: int
    duration: int


class Message(_Model):
    message_id: int
    date: int
    chat: Chat
    video: Video | None = None


class ResponseParameters(_Model):
    migrate_to_chat_id: int | None = None
    retry_after: float | None = None


class ErrorReply(_Model):
    ok: Literal[False]
    error_code: int | None = None
    description: str = ""
    parameters: ResponseParameters | None = None


T = TypeVar("T")


class OkReply(_Model, Generic[T]):
    ok: Literal[True]
    result: T


# --- classification -----------------------------------------------------------------------------


def _retry_after(reply: ErrorReply | None, headers: httpx.Headers) -> float:
    if reply and reply.parameters and reply.parameters.retry_after is not None:
        return reply.parameters.retry_after
    try:
        header = float(headers.get("Retry-After", ""))
    except ValueError:
        return DEFAULT_RETRY_AFTER_S
    return header if math.isfinite(header) and header >= 0 else DEFAULT_RETRY_AFTER_S


def _bad_reply(method: str, status: int) -> TransientError:
    log.warning("telegram_bad_reply", method=method, status=status)
    return TransientError("Telegram вернул непонятный ответ", code=CODE_BAD_REPLY)


def classify_error(
    status: int, reply: ErrorReply | None, headers: httpx.Headers, *, method: str, local_api: bool
) -> PlatformError:
    """The error for a failed reply, by HTTP status first (§3.5, §6, §8), then by description."""
    if status in (401, 404):
        return AuthExpired(code=CODE_TOKEN_INVALID)
    if status == 429:
        return RateLimited(_retry_after(reply, headers))
    if status == 413:
        return file_too_large(local_api)
    if status >= 500:
        return TransientError(
            f"Telegram временно недоступен (ошибка {status})", code=CODE_SERVER_ERROR
        )
    if reply is None:  # a 400 / 403 we cannot read says nothing we could act on
        return _bad_reply(method, status)
    parameters = reply.parameters or ResponseParameters()
    if parameters.migrate_to_chat_id is not None:
        return PermanentError(
            CODE_CHAT_MIGRATED,
            f"Чат в Telegram переехал (новый ID {parameters.migrate_to_chat_id}): "
            "переподключите платформу",
        )
    description = reply.description.lower()
    if DESC_CHAT_NOT_FOUND in description:
        return PermanentError(CODE_CHAT_NOT_FOUND, MSG_CHAT_NOT_FOUND)
    if DESC_NOT_MEMBER in description or DESC_KICKED in description:
        return PermanentError(CODE_BOT_NOT_MEMBER, MSG_BOT_NOT_MEMBER)
    if DESC_NEED_ADMIN_RIGHTS in description or DESC_NOT_ENOUGH_RIGHTS in description:
        return PermanentError(CODE_NO_POST_RIGHTS, MSG_NO_POST_RIGHTS)
    if DESC_CAPTION_TOO_LONG in description:
        return PermanentError(
            CODE_CAPTION_TOO_LONG, "Подпись длиннее 1024 символов: сократите название или описание"
        )
    if DESC_WRONG_FILE in description:
        return PermanentError(CODE_WRONG_FILE, "Telegram не принял файл видео")
    if DESC_URL_CONTENT in description:
        return PermanentError(CODE_URL_CONTENT, "Telegram не смог скачать видео по ссылке")
    if status == 403:
        return PermanentError(CODE_FORBIDDEN, f"Telegram запретил действие: {reply.description}")
    return PermanentError(CODE_BAD_REQUEST, f"Telegram отклонил запрос: {reply.description}")


# --- the client ---------------------------------------------------------------------------------


class TelegramClient:
    """One bot's calls. Use as a context manager; ``transport`` is for tests only."""

    def __init__(
        self,
        bot_token: str,
        *,
        base_url: str | None = None,
        local_api: bool | None = None,
        transport: httpx.BaseTransport | None = None,
    ):
        # Percent-encoded so that no pasted character can change the path or add a query.
        self._path_prefix = f"/bot{quote(bot_token, safe=':')}/"
        self.local_api = settings.TELEGRAM_LOCAL_API if local_api is None else local_api
        self._http = build_client(base_url or settings.TELEGRAM_API_URL, transport=transport)

    def __repr__(self) -> str:
        return "<TelegramClient bot=<hidden>>"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # https://core.telegram.org/bots/api#getme (§3.1)
    def get_me(self) -> User:
        return self._call("getMe", User)

    # https://core.telegram.org/bots/api#getchat (§3.1): ChatFullInfo
    def get_chat(self, chat_id: str | int) -> Chat:
        return self._call("getChat", Chat, data={"chat_id": str(chat_id)})

    # https://core.telegram.org/bots/api#getchatmember (§3.1)
    def get_chat_member(self, chat_id: str | int, user_id: int) -> ChatMember:
        data = {"chat_id": str(chat_id), "user_id": str(user_id)}
        return self._call("getChatMember", ChatMember, data=data)

    # https://core.telegram.org/bots/api#sendvideo (§3.3): multipart, the file part named "video"
    def send_video(
        self,
        chat_id: str | int,
        video: BinaryIO,
        *,
        filename: str,
        content_type: str,
        caption: str = "",
        width: int | None = None,
        height: int | None = None,
        duration: int | None = None,
    ) -> Message:
        data = {"chat_id": str(chat_id), "supports_streaming": "true"}
        if caption:
            data["caption"] = caption
        for name, value in (("width", width), ("height", height), ("duration", duration)):
            if value is not None and value > 0:
                data[name] = str(value)
        # httpx reads the open file in 64 KiB chunks while sending: memory stays flat.
        files = {"video": (filename, video, content_type)}
        base = self._http.timeout
        timeout = httpx.Timeout(
            connect=base.connect,
            read=max(UPLOAD_READ_TIMEOUT_S, base.read or 0.0),
            write=base.write,
            pool=base.pool,
        )
        return self._call("sendVideo", Message, data=data, files=files, timeout=timeout)

    def _call(self, method: str, model: type[T], **request: Any) -> T:
        with translate_errors(PLATFORM_LABEL):
            response = self._http.post(self._path_prefix + method, **request)
        return self._parse(method, response, model)

    def _parse(self, method: str, response: httpx.Response, model: type[T]) -> T:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        if status == 200 and isinstance(body, dict) and body.get("ok") is True:
            try:
                return OkReply[model].model_validate(body).result
            except ValidationError:
                raise _bad_reply(method, status) from None
        reply = None
        if isinstance(body, dict):
            try:
                reply = ErrorReply.model_validate(body)
            except ValidationError:
                reply = None
        if status == 200:  # ok:false under HTTP 200: Telegram's error_code is the status (§3.2)
            if reply is None or reply.error_code is None or reply.error_code == 200:
                raise _bad_reply(method, status)
            status = reply.error_code
        if status < 400:
            raise _bad_reply(method, status)
        raise classify_error(
            status, reply, response.headers, method=method, local_api=self.local_api
        )
