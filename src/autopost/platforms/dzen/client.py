"""Дзен Studio's private editor API: calls, reply models, error classes (platform-apis.md §5).

There is no public API (§5.1): autopost acts as the person's browser in Дзен Studio. Every call
carries the session cookies, the CSRF token read from the Studio page (``GET /profile/editor``,
``window._csrfToken``; fetched fresh for each client, never stored), ``Origin`` / ``Referer`` of
the Studio, and ``publisherId`` + ``clid=320`` in the query (§5.2, §5.3).

Cookies and the CSRF token travel in headers only, never in a URL, so neither the logging hook nor
an httpx exception can show them; nothing here logs a header or a body. The TUS upload server is
another host and gets neither (``tus.py``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any, Self, TypeVar

import httpx
import structlog
from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from autopost.platforms.dzen.formats import PUBLIC_URL, cookie_header, is_valid_cookie
from autopost.platforms.errors import (
    AuthExpired,
    PermanentError,
    PlatformError,
    RateLimited,
    TransientError,
)
from autopost.platforms.http import build_client, translate_errors

log = structlog.get_logger("autopost.platforms.dzen")

PLATFORM_LABEL = "Дзен"
CLID = "320"  # §5.2: most calls add clid=320
ORIGIN = PUBLIC_URL  # §5.2: the Studio's own origin, also when DZEN_URL points at a sandbox
REFERER = f"{PUBLIC_URL}/profile/editor"
STUDIO_PATH = "/profile/editor"
EDITOR = "/editor-api/v2"  # §5.3 E
MEDIA = "/media-api-video"  # §5.3 M
MAX_STUDIO_REDIRECTS = 5
DEFAULT_RETRY_AFTER_S = 60.0
UPLOAD_READ_TIMEOUT_S = 300.0  # a TUS PATCH is answered once its chunk is stored
STATS_PAGE_SIZE = 100  # §5.4
STATS_FIELDS = ("typeSpecificViews", "likes", "comments", "shares")

# errors[].type values (§5.2, §6)
TYPE_INVALID_CSRF = "invalid-csrf-token-error"
TYPE_AUTH = "auth-error"
TYPE_FORBIDDEN = "forbidden"

CODE_SESSION_EXPIRED = "dzen_session_expired"
CODE_FORBIDDEN = "dzen_forbidden"
CODE_NOT_FOUND = "dzen_not_found"
CODE_BAD_REQUEST = "dzen_bad_request"
CODE_SERVER_ERROR = "dzen_server_error"
CODE_BAD_REPLY = "dzen_bad_reply"
CODE_NO_CSRF = "dzen_csrf_not_found"
CODE_RATE_LIMITED = "dzen_rate_limited"

MSG_SESSION_EXPIRED = "Сессия Дзена истекла: войдите в Дзен в браузере и вставьте cookies заново"
MSG_FORBIDDEN = "Дзен запретил действие: у этой учётной записи нет доступа к каналу"

# ``window._csrfToken = "…"``, ``"_csrfToken":"…"`` (also JSON-escaped inside a script string).
_CSRF_RE = re.compile(r"""_csrfToken\\?["']?\s*[:=]\s*\\?["']([A-Za-z0-9:._+/=-]{8,512})\\?["']""")
_CSRF_HEADER_RE = re.compile(r"^[A-Za-z0-9:._+/=-]{8,512}$")
# A redirect to any of these means the session is gone (§5.2; a scraper checks for passport.yandex).
_LOGIN_RE = re.compile(
    r"passport|sso\.|id\.vk\.(?:com|ru)|/(?:login|signin|sign-in|auth)(?:[/?#]|$)", re.IGNORECASE
)
PUBLICATION_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def session_expired() -> AuthExpired:
    return AuthExpired(MSG_SESSION_EXPIRED, code=CODE_SESSION_EXPIRED)


class CsrfRejected(AuthExpired):
    """``invalid-csrf-token-error``: refetch the token once and resend; if it escapes, the
    session itself is no longer accepted (§6: re-capture)."""

    def __init__(self):
        super().__init__(MSG_SESSION_EXPIRED, code=CODE_SESSION_EXPIRED)


def is_login_url(url: str) -> bool:
    return bool(_LOGIN_RE.search(url))


def find_csrf_token(html: str, headers: httpx.Headers | None = None) -> str | None:
    """The Studio page's ``_csrfToken``, else an ``X-Csrf-Token`` response header (§5.2)."""
    if match := _CSRF_RE.search(html):
        return match[1]
    value = (headers or httpx.Headers()).get("X-Csrf-Token", "")
    return value if _CSRF_HEADER_RE.match(value) else None


def _retry_after(headers: httpx.Headers) -> float:
    try:
        value = float(headers.get("Retry-After", ""))
    except ValueError:
        return DEFAULT_RETRY_AFTER_S
    return value if math.isfinite(value) and value >= 0 else DEFAULT_RETRY_AFTER_S


def rate_limited(headers: httpx.Headers) -> RateLimited:
    return RateLimited(_retry_after(headers), code=CODE_RATE_LIMITED)


def bad_reply(what: str, status: int) -> TransientError:
    log.warning("dzen_bad_reply", call=what, status=status)
    return TransientError("Дзен вернул непонятный ответ", code=CODE_BAD_REPLY)


def server_error(status: int) -> TransientError:
    return TransientError(f"Дзен временно недоступен (HTTP {status})", code=CODE_SERVER_ERROR)


def classify_error_type(error_type: str, status: int) -> PlatformError:
    """§5.2 / §6: the error for an ``{"errors":[{"type": …}]}`` reply."""
    if error_type == TYPE_INVALID_CSRF:
        return CsrfRejected()
    if error_type == TYPE_AUTH:
        return session_expired()
    if error_type == TYPE_FORBIDDEN:
        return PermanentError(CODE_FORBIDDEN, MSG_FORBIDDEN)
    if status >= 500:
        return server_error(status)
    slug = re.sub(r"[^a-z0-9]+", "_", error_type.lower()).strip("_")[:60] or "error"
    return PermanentError(f"dzen_{slug}", f"Дзен отклонил запрос: {error_type[:100]}")


# --- reply models (strict types; unknown fields ignored) ------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class ErrorItem(_Model):
    type: str = Field(min_length=1)


class ErrorReply(_Model):  # §5.2 {"errors":[{"type":"invalid-csrf-token-error"}]}
    errors: list[ErrorItem] = Field(min_length=1)


class PublicationRef(_Model):
    id: str = Field(pattern=PUBLICATION_ID_RE.pattern)


class AddedPublication(_Model):  # §5.3 step 2: {"id"} or {"publications":[{"id"}]}
    id: str | None = Field(default=None, pattern=PUBLICATION_ID_RE.pattern)
    publications: list[PublicationRef] | None = None


class UploadSlot(_Model):  # §5.3 step 3
    uploadUrl: str = Field(min_length=1)
    uploadId: str | int


class GifContent(_Model):  # §5.3 step 6 / 7
    isUploaded: bool | None = None
    isConverted: bool | None = None
    isFailed: bool | None = None


class PublicationContent(_Model):
    gifContent: GifContent | None = None


class Publication(_Model):  # §5.3 step 6, read only for its flags; the raw object is kept too
    id: str | int | None = None
    content: PublicationContent | None = None

    @property
    def gif(self) -> GifContent:
        return (self.content and self.content.gifContent) or GifContent()


class PublishReply(_Model):  # §5.3 step 7: {"result":"OK"}
    result: str


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], body: Any, what: str, status: int = 200) -> M:
    if not isinstance(body, dict):
        raise bad_reply(what, status)
    try:
        return model.model_validate(body)
    except ValidationError:
        raise bad_reply(what, status) from None


# --- the client -----------------------------------------------------------------------------------


class DzenClient:
    """One Studio session acting for one channel. Use as a context manager.

    ``throttle`` runs before every call to Дзен itself (Studio page and API), not before the TUS
    requests to the upload host. ``transport`` is for tests only.
    """

    def __init__(
        self,
        cookies: dict[str, str],
        publisher_id: str,
        *,
        throttle: Callable[[], None] | None = None,
        transport: httpx.BaseTransport | None = None,
    ):
        self._cookies = dict(cookies)
        self.publisher_id = publisher_id
        self._csrf: str | None = None
        self._throttle = throttle
        self._http = build_client(settings.DZEN_URL, transport=transport)
        # The upload host gets no cookies and no token: its own client, empty jar.
        self.upload_http = build_client(
            settings.DZEN_URL, read_timeout=UPLOAD_READ_TIMEOUT_S, transport=transport
        )

    def __repr__(self) -> str:
        return f"<DzenClient publisher={self.publisher_id} session=<hidden>>"

    def close(self) -> None:
        self._http.close()
        self.upload_http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # §5.2: the CSRF token lives on the Studio page; a redirect to a login page = session expired
    def fetch_csrf(self) -> None:
        url: str | httpx.URL = STUDIO_PATH
        studio_host = self._http.base_url.host
        for _ in range(MAX_STUDIO_REDIRECTS + 1):
            response = self._send("GET", url, headers={"Accept": "text/html,*/*;q=0.8"})
            if not response.is_redirect:
                break
            target = response.request.url.join(response.headers.get("Location", ""))
            if is_login_url(str(target)) or target.host != studio_host:
                log.info("dzen_login_redirect")
                raise session_expired()
            url = target
        else:
            raise bad_reply("studio", response.status_code)
        status = response.status_code
        if status in (401, 403):
            raise session_expired()
        if status == 429:
            raise rate_limited(response.headers)
        if status >= 500:
            raise server_error(status)
        if status != 200:
            raise bad_reply("studio", status)
        token = find_csrf_token(response.text, response.headers)
        if token is None:
            log.warning("dzen_csrf_not_found", status=status)
            raise TransientError(
                "Не удалось получить CSRF-токен со страницы Студии Дзена: повторим позже",
                code=CODE_NO_CSRF,
            )
        self._csrf = token

    # §5.3 step 2
    def add_publication(self) -> str:
        body = self._api("POST", f"{EDITOR}/add-publication",
                         json={"publicationType": "gif", "content": {"gifContent": {}}})
        reply = parse(AddedPublication, body, "add-publication")
        publication_id = reply.id or (reply.publications[0].id if reply.publications else None)
        if not publication_id:
            raise bad_reply("add-publication", 200)
        return publication_id

    # §5.3 step 3
    def start_upload(self, publication_id: str, *, file_name: str, file_size: int,
                     mime_type: str) -> tuple[str, str]:
        """Returns (absolute upload URL, upload id)."""
        body = self._api("POST", f"{MEDIA}/start-upload-video", json={
            "publicationId": publication_id, "fileName": file_name,
            "fileSize": file_size, "mimeType": mime_type,
        })
        slot = parse(UploadSlot, body, "start-upload-video")
        url = self._http.base_url.join(slot.uploadUrl)
        if url.scheme not in ("http", "https") or not url.host:
            raise bad_reply("start-upload-video", 200)
        return str(url), str(slot.uploadId)

    # §5.3 step 5 (the reply's shape is not documented: any reply without errors[] is success)
    def finish_upload(self, publication_id: str, upload_id: str) -> None:
        self._api("POST", f"{MEDIA}/finish-upload-video",
                  json={"publicationId": publication_id, "uploadId": upload_id})

    # §5.3 step 6: GET E/publisher/<pid>/publication/<pubId>?clid=320
    def get_publication(self, publication_id: str) -> tuple[Publication, dict[str, Any]]:
        """The publication's flags and the whole object (step 7 sends it back)."""
        body = self._api("GET", f"{EDITOR}/publisher/{self.publisher_id}/publication/"
                                f"{publication_id}", params={"clid": CLID})
        if isinstance(body, dict) and "content" not in body and isinstance(
                body.get("publication"), dict):
            body = body["publication"]
        publication = parse(Publication, body, "publication")
        if publication.id is not None and str(publication.id) != publication_id:
            raise bad_reply("publication", 200)
        return publication, body

    # §5.3 step 7
    def publish(self, publication: dict[str, Any]) -> None:
        body = self._api("POST", f"{EDITOR}/update-publication-content-and-publish",
                         json=publication)
        if parse(PublishReply, body, "publish").result.upper() != "OK":
            raise bad_reply("publish", 200)

    # §5.4: per-publication rows, paginated; the rows' shape is undocumented (see stats.py)
    def stats_page(self, page: int) -> Any:
        params = [("allPublications", "true"), *(("fields", f) for f in STATS_FIELDS),
                  ("groupBy", "flight"), ("total", "true"), ("pageSize", str(STATS_PAGE_SIZE)),
                  ("page", str(page)), ("clid", CLID)]
        return self._api("GET", f"{EDITOR}/publisher/{self.publisher_id}/stats2", params=params)

    # --- transport ------------------------------------------------------------------------------
    def _api(self, method: str, path: str, *, params: Any = None, json: Any = None) -> Any:
        if params is None:
            params = {"publisherId": self.publisher_id, "clid": CLID}
        if self._csrf is None:
            self.fetch_csrf()
        for attempt in (1, 2):
            headers = {"Accept": "application/json", "Origin": ORIGIN, "Referer": REFERER,
                       "X-Csrf-Token": self._csrf or ""}
            response = self._send(method, path, params=params, json=json, headers=headers)
            try:
                return self._parse(path, response)
            except CsrfRejected:
                if attempt == 2:
                    raise
                log.info("dzen_csrf_refetch", call=path.rsplit("/", 1)[-1])
                self.fetch_csrf()
        raise AssertionError("unreachable")

    def _send(self, method: str, url: str | httpx.URL, *, headers: dict[str, str],
              **request: Any) -> httpx.Response:
        if self._throttle is not None:
            self._throttle()
        headers = {**headers, "Cookie": cookie_header(self._cookies)}
        with translate_errors(PLATFORM_LABEL):
            response = self._http.request(method, url, headers=headers, **request)
        # As a browser would: cookies the server sets (or renews) go with the next calls.
        for cookie in response.cookies.jar:
            if cookie.value is not None and is_valid_cookie(cookie.name, cookie.value):
                self._cookies[cookie.name] = cookie.value
        return response

    @staticmethod
    def _parse(path: str, response: httpx.Response) -> Any:
        what = path.rsplit("/", 1)[-1]
        status = response.status_code
        if response.is_redirect:
            if is_login_url(response.headers.get("Location", "")):
                log.info("dzen_login_redirect", call=what)
                raise session_expired()
            raise bad_reply(what, status)
        if status == 429:
            raise rate_limited(response.headers)
        try:
            body = response.json() if response.content else None
        except ValueError:  # an HTML error page, a proxy's reply: nothing to act on
            if status == 401:
                raise session_expired() from None
            raise (server_error(status) if status >= 500 else bad_reply(what, status)) from None
        if isinstance(body, dict) and "errors" in body:
            try:
                error = ErrorReply.model_validate(body)
            except ValidationError:
                error = None
            if error is not None:
                log.info("dzen_api_error", call=what, status=status, type=error.errors[0].type[:60])
                raise classify_error_type(error.errors[0].type, status)
        if status == 401:
            raise session_expired()
        if status == 403:
            raise PermanentError(CODE_FORBIDDEN, MSG_FORBIDDEN)
        if status == 404:
            raise PermanentError(CODE_NOT_FOUND, "Дзен не нашёл канал или публикацию (HTTP 404)")
        if status >= 500:
            raise server_error(status)
        if status >= 400:
            raise PermanentError(CODE_BAD_REQUEST, f"Дзен отклонил запрос (HTTP {status})")
        if not 200 <= status < 300:
            raise bad_reply(what, status)
        return body
