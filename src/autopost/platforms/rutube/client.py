"""Rutube API calls, the models of their replies and the classification of its errors.

docs/platform-apis.md §4. Every call goes to ``{RUTUBE_API_URL}/api/...`` with
``Accept: application/json``; authenticated calls carry ``Authorization: Token <token>`` in a
header, never in a URL, so neither a log line nor an httpx exception can hold it. The password
goes into one ``token_auth`` request body and nowhere else: no model, message or log line here
keeps it, and failures are raised outside ``except`` blocks so no exception chain points at the
request that carried it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Self, TypeVar

import httpx
import structlog
from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from autopost.platforms.errors import (
    AuthExpired,
    PermanentError,
    PlatformError,
    RateLimited,
    TransientError,
)
from autopost.platforms.http import build_client, translate_errors

log = structlog.get_logger("autopost.platforms.rutube")

PLATFORM_LABEL = "Rutube"
DEFAULT_RETRY_AFTER_S = 60.0  # §4.3: 429 without Retry-After
DETAIL_LIMIT = 300  # characters of the platform's own words kept in a message
# Tokens are DRF-style hex keys (§4.1); anything printable ASCII without spaces is accepted, so a
# header can never be split or carry a character httpx refuses to encode.
TOKEN_RE = re.compile(r"^[!-~]{1,512}$")
VIDEO_ID_RE = re.compile(r"^[0-9A-Za-z_-]{1,64}$")  # §4.2: 32 hex; path-safe is what matters

# --- stable codes and the people's words for them -----------------------------------------------
CODE_BAD_CREDENTIALS = "rutube_bad_credentials"
CODE_CREDENTIALS_REQUIRED = "rutube_credentials_required"
CODE_INVALID_TOKEN = "rutube_invalid_token"  # connect: the pasted token is refused
CODE_TOKEN_INVALID = "rutube_token_invalid"  # later: a stored token stopped working
CODE_RATE_LIMITED = "rutube_rate_limited"
CODE_SERVER_ERROR = "rutube_server_error"
CODE_BAD_REPLY = "rutube_bad_reply"
CODE_BAD_REQUEST = "rutube_bad_request"
CODE_FORBIDDEN = "rutube_forbidden"
CODE_NOT_FOUND = "rutube_not_found"
CODE_REJECTED = "rutube_rejected"

MSG_BAD_CREDENTIALS = "Неверный логин или пароль Rutube"
MSG_CREDENTIALS_REQUIRED = "Укажите логин и пароль Rutube или вставьте токен API (что-то одно)"
MSG_INVALID_TOKEN = "Rutube не принял токен: проверьте его или войдите по логину и паролю"
MSG_TOKEN_INVALID = "Токен Rutube недействителен: подключите Rutube заново"

_FIELD_KEYS_WITHOUT_NAME = frozenset({"detail", "non_field_errors", "error", "message"})
_URL_RE = re.compile(r"(https?://[^\s?#\"'<>]*)[?#][^\s\"'<>]*")


# --- reply models (strict types; unknown fields ignored, Rutube adds fields freely) --------------


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class TokenReply(_Model):  # §4.1 token_auth
    token: str = Field(pattern=TOKEN_RE.pattern, repr=False)
    userid: int


class Author(_Model):
    id: int
    name: str = ""


class ActionReason(_Model):
    name: str | None = None


class Video(_Model):  # §4.2 GET /api/video/<id>/, §4.4
    id: str = Field(pattern=VIDEO_ID_RE.pattern)
    title: str | None = None
    status: str | None = None
    is_deleted: bool | None = None
    action_reason: ActionReason | None = None
    hits: int | None = None
    comments_count: int | None = None
    author: Author | None = None


class VideoPage(_Model):  # §4.1 / §4.4 GET /api/video/person/
    results: list[Video]
    has_next: bool | None = None


class CreatedVideo(_Model):  # §4.2 POST /api/video/
    video_id: str = Field(pattern=VIDEO_ID_RE.pattern)


class Profile(_Model):  # §4.1 GET /api/profile/user/<userid>/
    id: int | None = None
    name: str | None = None


class Votes(_Model):  # §4.4 GET /api/numerator/video/<id>/vote
    positive: int | None = None
    negative: int | None = None


M = TypeVar("M", bound=_Model)


# --- classification -----------------------------------------------------------------------------


def _flatten(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return "; ".join(text for text in map(_flatten, value) if text)
    if isinstance(value, dict):
        return platform_detail(value)
    return ""


def platform_detail(body: Any) -> str:
    """Rutube's own words from a DRF-style error body (§4.3), readable and short.

    ``{"detail": "Not found."}`` → ``Not found.``; ``{"url": ["This field is required."]}`` →
    ``поле «url»: This field is required.``. Query strings of URLs are dropped (a signed link
    echoed back stays out of messages).
    """
    if isinstance(body, dict):
        parts = []
        for key, value in body.items():
            text = _flatten(value)
            if text:
                parts.append(text if key in _FIELD_KEYS_WITHOUT_NAME else f"поле «{key}»: {text}")
        text = "; ".join(parts)
    else:
        text = _flatten(body)
    text = _URL_RE.sub(r"\1", text)
    return text if len(text) <= DETAIL_LIMIT else text[: DETAIL_LIMIT - 1].rstrip() + "…"


def retry_after(headers: httpx.Headers) -> float:
    """``Retry-After`` in seconds (a number or an HTTP date), else the default (§4.3)."""
    value = headers.get("Retry-After", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value) - datetime.now(timezone.utc)).total_seconds()
        except (TypeError, ValueError, IndexError):
            return DEFAULT_RETRY_AFTER_S
        return max(seconds, 0.0)
    return seconds if math.isfinite(seconds) and seconds >= 0 else DEFAULT_RETRY_AFTER_S


def classify_error(status: int, body: Any, headers: httpx.Headers) -> PlatformError:
    """The error for a non-2xx reply, by HTTP status (§4.3, §6)."""
    if status == 401:  # no refresh and no password kept: the person has to connect again
        return AuthExpired(MSG_TOKEN_INVALID, code=CODE_TOKEN_INVALID)
    if status == 429:
        wait = retry_after(headers)
        return RateLimited(
            wait, f"Rutube ограничил частоту запросов, повтор через {wait:g} с",
            code=CODE_RATE_LIMITED,
        )
    if status >= 500 or status == 408:
        return TransientError(f"Rutube временно недоступен (HTTP {status})", code=CODE_SERVER_ERROR)
    if status < 400:  # a redirect (we never follow one) or an informational status
        return TransientError("Rutube вернул непонятный ответ", code=CODE_BAD_REPLY)
    detail = platform_detail(body)
    said = f": {detail}" if detail else ""
    if status == 400:
        return PermanentError(CODE_BAD_REQUEST, f"Rutube отклонил запрос{said}")
    if status == 403:
        return PermanentError(CODE_FORBIDDEN, f"Rutube запретил действие{said}")
    if status == 404:
        return PermanentError(CODE_NOT_FOUND, f"Rutube не нашёл запрошенное{said}")
    return PermanentError(CODE_REJECTED, f"Rutube отклонил запрос (HTTP {status}){said}")


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


# --- the client ---------------------------------------------------------------------------------


class RutubeClient:
    """Calls with one token (or none, for ``token_auth``). Use as a context manager.

    ``throttle`` runs before every request; ``transport`` is for tests only.
    """

    def __init__(
        self,
        token: str = "",
        *,
        throttle: Callable[[], None] | None = None,
        transport: httpx.BaseTransport | None = None,
    ):
        self._headers = {"Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Token {token}"
        self._throttle = throttle
        self._http = build_client(settings.RUTUBE_API_URL, transport=transport)

    def __repr__(self) -> str:
        return "<RutubeClient token=<hidden>>"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # §4.1 POST /api/accounts/token_auth/ (form body): the password's one and only use
    def token_auth(self, username: str, password: str) -> TokenReply:
        response = self._send("POST", "/api/accounts/token_auth/",
                              data={"username": username, "password": password})
        if response.status_code in (400, 401):  # §4.1 non_field_errors, or a blank field
            raise PermanentError(CODE_BAD_CREDENTIALS, MSG_BAD_CREDENTIALS)
        return self._parse("token_auth", response, TokenReply)

    # §4.1 GET /api/video/person/: the account's own videos (any authenticated call validates)
    def own_videos(self) -> VideoPage:
        return self._parse("video_person", self._send("GET", "/api/video/person/"), VideoPage)

    # §4.1 GET /api/profile/user/<userid>/: the public channel info
    def profile(self, user_id: int) -> Profile:
        return self._parse("profile", self._send("GET", f"/api/profile/user/{user_id}/"), Profile)

    # §4.2 POST /api/video/ (JSON): Rutube pulls the file from ``url``
    def create_video(self, *, url: str, title: str, description: str,
                     category_id: int, is_hidden: int = 0) -> CreatedVideo:
        body = {"url": url, "title": title, "description": description,
                "is_hidden": is_hidden, "category_id": category_id}
        return self._parse("video_create", self._send("POST", "/api/video/", json=body),
                           CreatedVideo)

    # §4.2 / §4.4 GET /api/video/<id>/: processing state and counters
    def video(self, video_id: str) -> Video:
        return self._parse("video", self._send("GET", f"/api/video/{_path_id(video_id)}/"), Video)

    # §4.4 GET /api/numerator/video/<id>/vote (undocumented [3p])
    def votes(self, video_id: str) -> Votes:
        path = f"/api/numerator/video/{_path_id(video_id)}/vote"
        return self._parse("votes", self._send("GET", path), Votes)

    def _send(self, method: str, path: str, **request: Any) -> httpx.Response:
        if self._throttle is not None:
            self._throttle()
        failure: TransientError | None = None
        try:
            with translate_errors(PLATFORM_LABEL):
                return self._http.request(method, path, headers=self._headers, **request)
        except TransientError as exc:
            failure = exc
        # Raised here, outside the ``except``, with the httpx exception (and the request it
        # holds: a token header, maybe a password) cut from the chain.
        failure.__cause__ = failure.__context__ = None
        raise failure

    @staticmethod
    def _parse(call: str, response: httpx.Response, model: type[M]) -> M:
        status = response.status_code
        body = _json(response)
        if not 200 <= status < 300:
            error = classify_error(status, body, response.headers)
            log.info("rutube_api_error", call=call, status=status, code=error.code)
            raise error
        parsed = None
        if isinstance(body, dict):
            try:
                parsed = model.model_validate(body)
            except ValidationError:  # its text holds the input, maybe a token: never kept
                parsed = None
        if parsed is None:
            log.warning("rutube_bad_reply", call=call, status=status)
            raise TransientError("Rutube вернул непонятный ответ", code=CODE_BAD_REPLY)
        return parsed


def _path_id(video_id: str) -> str:
    if not VIDEO_ID_RE.match(video_id):
        raise PermanentError(CODE_NOT_FOUND, "Rutube не нашёл видео: неверный id")
    return video_id
