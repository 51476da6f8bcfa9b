"""VK API calls, the models of their replies and the classification of VK's error codes.

docs/platform-apis.md §2. Every call is ``POST {VK_API_URL}/method/<name>`` with ``v`` and the
user token in an ``Authorization: Bearer`` header, never in a URL or a form field, so neither a
log line nor an httpx exception can carry it. The upload server is another host: it gets the file
and nothing else (its URL is signed by VK).
"""

from __future__ import annotations

import time

from collections.abc import Callable, Iterable
from typing import Any, BinaryIO, Self, TypeVar
from urllib.parse import urlencode

import httpx
import structlog
from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from autopost.platforms.errors import (
    AuthExpired,
    PermanentError,
    PlatformError,
    RateLimited,
    TransientError,
)
from autopost.platforms.http import build_client, translate_errors
from autopost.platforms.vk.formats import seconds_until_moscow_midnight

log = structlog.get_logger("autopost.platforms.vk")

PLATFORM_LABEL = "VK"
FORM_LIMIT_BYTES = 2048  # §2.1: form-urlencoded up to 2 KB, multipart beyond
UPLOAD_READ_TIMEOUT_S = 600.0  # the upload server answers after it has the whole file
STATS_BATCH = 200  # §2.7: video.get count ≤ 200

# --- VK error codes (§2.6, VKCOM/vk-api-schema errors.json) -----------------------------------
E_UNKNOWN = 1
E_AUTH = 5
E_TOO_MANY = 6
E_PERMISSION = 7
E_INVALID_REQUEST = 8
E_FLOOD = 9
E_SERVER = 10
E_CAPTCHA = 14
E_ACCESS = 15
E_VALIDATION = 17
E_USER_DELETED = 18
E_UPLOAD = 22
E_GROUP_AUTH = 27
E_QUOTA = 29
E_USER_BANNED = 37
E_PARAM = 100
E_ACCESS_FIRST, E_ACCESS_LAST = 200, 219
E_GROUP_DENIED = 203
E_WALL_DENIED = 214
E_AD_POST_RECENT = 219
E_2FA = 704
E_ALREADY_ADDED = 800
E_TOKEN_EXPIRED = 1117
E_CLIP_PROCESSING = 3001

# Waits the client picks itself: VK sends no retry-after (§2.6).
WAIT_TOO_MANY_S = 1.0
INLINE_WAIT_TOO_MANY_S = 0.5  # vk_api sleeps 0.5 s before resending (§2.6)
INLINE_RETRIES_TOO_MANY = 2
WAIT_FLOOD_S = 600.0
WAIT_CAPTCHA_S = 300.0
WAIT_AD_POST_S = 3600.0

# Stable codes and the people's words for them.
CODE_TOKEN_EXPIRED = "vk_token_expired"
CODE_TOKEN_INVALID = "vk_token_invalid"
CODE_VALIDATION = "vk_validation_required"
CODE_NO_PERMISSION = "vk_no_permission"
CODE_ACCESS_DENIED = "vk_access_denied"
CODE_BAD_REQUEST = "vk_bad_request"
CODE_NOT_GROUP_ADMIN = "vk_not_group_admin"
CODE_WALL_DENIED = "vk_wall_denied"
CODE_2FA = "vk_2fa_required"
CODE_USER_BANNED = "vk_user_banned"
CODE_COMMUNITY_TOKEN = "vk_community_token"
CODE_API_ERROR = "vk_api_error"
CODE_CLIP_PROCESSING = "vk_clip_processing"
CODE_UPLOAD_FAILED = "vk_upload_failed"
CODE_BAD_REPLY = "vk_bad_reply"

MESSAGES = {
    CODE_TOKEN_EXPIRED: "Токен VK истёк: переподключите VK",
    CODE_TOKEN_INVALID: "Токен VK недействителен: переподключите VK",
    CODE_VALIDATION: "VK просит подтвердить вход: откройте vk.com, пройдите проверку "
    "и переподключите VK",
    CODE_NO_PERMISSION: "У VK нет разрешения на это действие: переподключите VK и выдайте "
    "доступ к видео, стене и сообществам",
    CODE_ACCESS_DENIED: "VK запретил доступ к видео или сообществу",
    CODE_BAD_REQUEST: "VK отклонил запрос: неверные параметры",
    CODE_NOT_GROUP_ADMIN: "Вы не администратор и не редактор этого сообщества VK",
    CODE_WALL_DENIED: "VK запретил публикацию на стене",
    CODE_2FA: "Сообщество требует двухфакторную аутентификацию: включите её в настройках VK",
    CODE_USER_BANNED: "Страница VK удалена или заблокирована",
    CODE_COMMUNITY_TOKEN: "Это токен сообщества: нужен токен пользователя",
}


def _permanent(code: str) -> PermanentError:
    return PermanentError(code, MESSAGES[code])


def classify_error(error_code: int, error_msg: str = "") -> PlatformError | None:
    """The error for a VK API error object (§2.6, §6); ``None`` for 800, which means success."""
    if error_code == E_ALREADY_ADDED:
        return None
    if error_code == E_TOKEN_EXPIRED or (error_code == E_AUTH and "expired" in error_msg.lower()):
        return AuthExpired(MESSAGES[CODE_TOKEN_EXPIRED], code=CODE_TOKEN_EXPIRED)
    if error_code == E_AUTH:
        return AuthExpired(MESSAGES[CODE_TOKEN_INVALID], code=CODE_TOKEN_INVALID)
    if error_code == E_VALIDATION:  # needs the person in a browser; refreshing cannot help
        return AuthExpired(MESSAGES[CODE_VALIDATION], code=CODE_VALIDATION)
    if error_code == E_TOO_MANY:
        return RateLimited(WAIT_TOO_MANY_S, code="vk_too_many_requests")
    if error_code == E_FLOOD:
        return RateLimited(WAIT_FLOOD_S, "VK: слишком частые одинаковые действия, пауза 10 минут",
                           code="vk_flood_control")
    if error_code == E_QUOTA:
        return RateLimited(seconds_until_moscow_midnight(),
                           "VK: дневной лимит вызовов исчерпан, продолжим завтра",
                           code="vk_quota_exceeded")
    if error_code == E_CAPTCHA:
        return RateLimited(WAIT_CAPTCHA_S, "VK запросил капчу: повторим через 5 минут",
                           code="vk_captcha")
    if error_code == E_AD_POST_RECENT:
        return RateLimited(WAIT_AD_POST_S, "VK: недавно вышел рекламный пост, повторим через час",
                           code="vk_ad_post_recent")
    if error_code in (E_UNKNOWN, E_SERVER):
        return TransientError(f"VK временно недоступен (ошибка {error_code})",
                              code="vk_server_error")
    if error_code == E_UPLOAD:
        return TransientError("VK не принял загрузку файла", code=CODE_UPLOAD_FAILED)
    if error_code == E_CLIP_PROCESSING:
        return TransientError("VK ещё обрабатывает клип", code=CODE_CLIP_PROCESSING)
    code = {
        E_PERMISSION: CODE_NO_PERMISSION,
        E_ACCESS: CODE_ACCESS_DENIED,
        E_INVALID_REQUEST: CODE_BAD_REQUEST,
        E_PARAM: CODE_BAD_REQUEST,
        E_GROUP_DENIED: CODE_NOT_GROUP_ADMIN,
        E_WALL_DENIED: CODE_WALL_DENIED,
        E_2FA: CODE_2FA,
        E_USER_DELETED: CODE_USER_BANNED,
        E_USER_BANNED: CODE_USER_BANNED,
        E_GROUP_AUTH: CODE_COMMUNITY_TOKEN,
    }.get(error_code)
    if code is None and E_ACCESS_FIRST <= error_code <= E_ACCESS_LAST:
        code = CODE_ACCESS_DENIED
    if code is not None:
        return _permanent(code)
    return PermanentError(CODE_API_ERROR, f"VK отклонил запрос (ошибка {error_code})")


# --- reply models (strict types; unknown fields ignored, VK adds fields often) ---------------


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class ApiError(_Model):
    error_code: int
    error_msg: str = ""


class User(_Model):  # §2.2 users.get
    id: int
    first_name: str = ""
    last_name: str = ""


class Group(_Model):  # §2.2 groups.getById / groups.get extended
    id: int
    name: str = ""
    screen_name: str = ""
    is_admin: int | bool = 0
    admin_level: int | None = None


class GroupsById(_Model):  # §2.2, the v5.194+ object form
    groups: list[Group]


class GroupList(_Model):
    count: int
    items: list[Group]


class SavedVideo(_Model):  # §2.3 video.save; §2.4 shortVideo.create
    upload_url: str = Field(min_length=1)
    video_id: int
    owner_id: int


class UploadReply(_Model):  # §2.3 / §2.4 upload server reply (not wrapped in "response")
    video_hash: str | None = None
    size: int | None = None
    owner_id: int | None = None
    video_id: int | None = None


class UploadServerError(_Model):  # §2.3, SevereCloud/vksdk api/upload.go
    error: str | dict[str, Any]
    error_code: int | None = None
    error_descr: str = ""


class Count(_Model):
    count: int = 0


class Video(_Model):  # §2.7 video.get item
    id: int
    owner_id: int
    type: str | None = None
    duration: int | None = None
    processing: int | bool | None = None
    converting: int | bool | None = None
    views: int | None = None
    comments: int | None = None
    likes: Count | None = None
    reposts: Count | None = None

    @property
    def key(self) -> str:
        return f"{self.owner_id}_{self.id}"

    @property
    def has_file(self) -> bool:
        """VK got the file: it is transcoding or has a length (an empty placeholder has neither)."""
        return bool(self.processing or self.converting or (self.duration or 0) > 0)


class VideoList(_Model):  # §2.7
    count: int
    items: list[Video]


class WallPost(_Model):  # §2.3 wall.post
    post_id: int


class PublishedClip(_Model):  # §2.4 shortVideo.publish
    wall_post_id: int | None = None


T = TypeVar("T")
_ANY_OK = TypeAdapter(int | bool | dict[str, Any])  # §2.4 shortVideo.edit: shape undocumented
_PUBLISHED = TypeAdapter(PublishedClip | int)


def _bad_reply(method: str, status: int) -> TransientError:
    log.warning("vk_bad_reply", method=method, status=status)
    return TransientError("VK вернул непонятный ответ", code=CODE_BAD_REPLY)


def _params(values: dict[str, Any]) -> dict[str, str]:
    """Form values as VK wants them: no ``None``, booleans as 0/1, lists comma-separated (§2.1)."""
    out = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = int(value)
        elif isinstance(value, (list, tuple)):
            value = ",".join(map(str, value))
        out[key] = str(value)
    return out


class VkClient:
    """One user token's calls. Use as a context manager; ``transport`` is for tests only.

    ``throttle`` runs before every API method call (the 3 req/s per user token of §2.1).
    """

    def __init__(
        self,
        access_token: str,
        *,
        throttle: Callable[[], None] | None = None,
        transport: httpx.BaseTransport | None = None,
    ):
        self._auth = {"Authorization": f"Bearer {access_token}"}
        self._throttle = throttle
        self._http = build_client(settings.VK_API_URL, transport=transport)

    def __repr__(self) -> str:
        return "<VkClient token=<hidden>>"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # §2.2 users.get without ids: the token's owner
    def get_user(self) -> User:
        users = self.call("users.get", {}, list[User])
        if not users:  # only a token that is no person's (a community's) has no owner here
            raise _permanent(CODE_COMMUNITY_TOKEN)
        return users[0]

    # §2.2 groups.getById (v5.199 object form)
    def get_group(self, group_id: int) -> Group:
        groups = self.call("groups.getById", {"group_id": group_id}, GroupsById).groups
        if not groups:
            raise _bad_reply("groups.getById", 200)
        return groups[0]

    # §2.2 groups.get filter=admin,editor (needs the groups scope)
    def managed_groups(self) -> list[Group]:
        params = {"filter": "admin,editor", "extended": 1, "count": 1000}
        return self.call("groups.get", params, GroupList).items

    # §2.7 video.get: with ``videos`` a batch of ≤ 200 ``<owner>_<id>``; without, own videos
    def get_videos(self, keys: Iterable[str] = (), *, count: int = STATS_BATCH) -> list[Video]:
        params = {"videos": list(keys) or None, "count": count}
        return self.call("video.get", params, VideoList).items

    # §2.3 video.save
    def save_video(self, **params: Any) -> SavedVideo:
        return self.call("video.save", params, SavedVideo)

    # §2.4 shortVideo.create (undocumented; file_size in bytes)
    def create_clip(self, **params: Any) -> SavedVideo:
        return self.call("shortVideo.create", params, SavedVideo)

    # §2.4 shortVideo.edit
    def edit_clip(self, **params: Any) -> None:
        self.call("shortVideo.edit", params, _ANY_OK)

    # §2.4 shortVideo.publish: error 3001 while VK is still processing the clip
    def publish_clip(self, **params: Any) -> PublishedClip:
        reply = self.call("shortVideo.publish", params, _PUBLISHED, already_done=PublishedClip())
        return reply if isinstance(reply, PublishedClip) else PublishedClip()

    # §2.3 video.delete (after a failed Clip, §2.4)
    def delete_video(self, owner_id: int, video_id: int) -> None:
        self.call("video.delete", {"owner_id": owner_id, "video_id": video_id}, _ANY_OK)

    # §2.3 wall.post
    def wall_post(self, **params: Any) -> WallPost:
        return self.call("wall.post", params, WallPost)

    # §2.3 / §2.4: multipart POST of the file to the signed upload URL, streamed from ``stream``
    def upload(self, url: str, field: str, stream: BinaryIO, *, filename: str,
               content_type: str) -> UploadReply:
        base = self._http.timeout
        timeout = httpx.Timeout(connect=base.connect, write=base.write, pool=base.pool,
                                read=max(UPLOAD_READ_TIMEOUT_S, base.read or 0))
        # httpx reads the open file in 64 KiB chunks while sending: memory stays flat.
        with translate_errors(PLATFORM_LABEL):
            response = self._http.post(url, files={field: (filename, stream, content_type)},
                                       timeout=timeout)
        return self._parse_upload(response)

    @staticmethod
    def _parse_upload(response: httpx.Response) -> UploadReply:
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code == 200 and isinstance(body, dict) and "error" not in body:
            try:
                return UploadReply.model_validate(body)
            except ValidationError:
                pass
        detail = None
        if isinstance(body, dict):
            try:
                detail = UploadServerError.model_validate(body)
            except ValidationError:
                detail = None
        log.warning("vk_upload_failed", status=response.status_code,
                    error_code=detail.error_code if detail else None)
        return_code = f" ({detail.error_code})" if detail and detail.error_code else ""
        raise TransientError(f"Сервер загрузки VK не принял файл{return_code}",
                             code=CODE_UPLOAD_FAILED)

    def call(self, method: str, params: dict[str, Any], model: Any, *,
             already_done: Any = None) -> Any:
        """POST one API method and parse its ``response`` with ``model`` (a type or TypeAdapter).

        ``already_done`` is returned for error 800 (the action was done before, §2.6).
        """
        data = _params({**params, "v": settings.VK_API_VERSION})
        if len(urlencode(data)) > FORM_LIMIT_BYTES:  # §2.1: long descriptions go as multipart
            request = {"files": [(key, (None, value)) for key, value in data.items()]}
        else:
            request = {"data": data}
        for attempt in range(INLINE_RETRIES_TOO_MANY + 1):
            if self._throttle is not None:
                self._throttle()
            with translate_errors(PLATFORM_LABEL):
                response = self._http.post(f"/method/{method}", headers=self._auth, **request)
            try:
                return self._parse(method, response, model, already_done)
            except RateLimited as exc:
                # §2.6: error 6 means VK did nothing; sleep and resend (as vk_api does). Our
                # shared window counts at send time and VK at arrival, so jitter can still
                # trip it; only a lasting overload gives the job back.
                if exc.code != "vk_too_many_requests" or attempt == INLINE_RETRIES_TOO_MANY:
                    raise
                time.sleep(INLINE_WAIT_TOO_MANY_S)
        raise AssertionError("unreachable")

    @staticmethod
    def _parse(method: str, response: httpx.Response, model: Any, already_done: Any) -> Any:
        status = response.status_code
        if status >= 500:
            log.warning("vk_server_error", method=method, status=status)
            raise TransientError(f"VK временно недоступен (HTTP {status})", code="vk_server_error")
        try:
            body = response.json()
        except ValueError:
            raise _bad_reply(method, status) from None
        if status != 200 or not isinstance(body, dict):
            raise _bad_reply(method, status)
        if "error" in body:
            try:
                error = ApiError.model_validate(body["error"])
            except ValidationError:
                raise _bad_reply(method, status) from None
            log.info("vk_api_error", method=method, error_code=error.error_code)
            exc = classify_error(error.error_code, error.error_msg)
            if exc is None:
                if already_done is None:
                    raise _bad_reply(method, status)
                return already_done
            raise exc
        if "response" not in body:
            raise _bad_reply(method, status)
        adapter = model if isinstance(model, TypeAdapter) else TypeAdapter(model)
        try:
            return adapter.validate_python(body["response"], strict=True)
        except ValidationError:
            raise _bad_reply(method, status) from None
