"""One Дзен API request: its session, its CSRF token, its channel, and the error answers.

Checks run in this order (platform-apis.md §5.2): the ``Session_id`` cookie (missing, unknown or
expired → 401 ``auth-error``; the doc leaves the status open), the ``X-Csrf-Token`` header (missing
or not the session's current token → 400 ``invalid-csrf-token-error``), then the channel: a
``publisherId`` (query or path) that is not one of the session's own channels → 403
``forbidden``. ``clid``, ``Origin`` and ``Referer`` are not checked.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse, Response

from autopost.sandbox.dzen.world import DzenWorld, Publication, Session
from autopost.sandbox.endpoint import Exchange, server_error_page
from autopost.sandbox.faults import Fault

SESSION_COOKIE = "Session_id"
CSRF_HEADER = "x-csrf-token"
FAULT_ERRORS = {
    "csrf_error": (400, "invalid-csrf-token-error"),
    "auth_error": (401, "auth-error"),
    "unauthorized": (401, "auth-error"),
    "forbidden": (403, "forbidden"),
}


class DzenError(Exception):
    """An answer ``{"errors": [{"type": …, "message"?: …}]}``."""

    def __init__(self, status: int, error_type: str, message: str = ""):
        super().__init__(error_type)
        self.status = status
        self.type = error_type
        self.message = message

    @classmethod
    def invalid(cls, message: str) -> DzenError:
        return cls(400, "validation-error", message)

    @classmethod
    def not_found(cls, message: str = "") -> DzenError:
        return cls(404, "not-found", message)

    def response(self) -> JSONResponse:
        error = {"type": self.type} | ({"message": self.message} if self.message else {})
        return JSONResponse({"errors": [error]}, status_code=self.status)


def fault_answer(fault: Fault) -> Response:
    if fault.kind == "rate_limit":
        body = {"errors": [{"type": "too-many-requests"}]}
        headers = {"Retry-After": str(fault.retry_after)}
        return JSONResponse(body, status_code=429, headers=headers)
    if fault.kind in FAULT_ERRORS:
        return DzenError(*FAULT_ERRORS[fault.kind]).response()
    return server_error_page(502 if fault.kind == "http_502" else 500)


def authenticate(world: DzenWorld, exchange: Exchange) -> Session:
    session = world.live_session(exchange.request.cookies.get(SESSION_COOKIE))
    if session is None:
        raise DzenError(401, "auth-error")
    csrf = exchange.request.headers.get(CSRF_HEADER, "")
    if not csrf or not secrets.compare_digest(csrf, session.csrf_token):
        raise DzenError(400, "invalid-csrf-token-error")
    return session


@dataclass
class Call:
    exchange: Exchange
    world: DzenWorld
    session: Session

    @property
    def base_url(self) -> str:
        return self.exchange.base_url

    @property
    def query(self) -> dict[str, str]:
        return dict(self.exchange.request.query_params)

    def publisher_id(self) -> str:
        """The channel the call acts for: the path's ``pid``, else the ``publisherId`` query."""
        path = self.exchange.request.path_params
        publisher_id = path.get("pid") or self.query.get("publisherId", "")
        if not publisher_id:
            raise DzenError.invalid("publisherId is required")
        if publisher_id not in self.session.publisher_ids:
            raise DzenError(403, "forbidden")
        return publisher_id

    def publication(self, publisher_id: str, publication_id: Any) -> Publication:
        publication = self.world.publications.get(str(publication_id or ""))
        if publication is None or publication.publisher_id != publisher_id:
            raise DzenError.not_found(f"publication {publication_id} not found")
        return publication

    async def json(self) -> dict[str, Any]:
        raw = await self.exchange.body.read_small()
        if raw is None:
            raise DzenError(413, "request-too-large")
        try:
            data = json.loads(raw or b"{}")
        except ValueError as exc:
            raise DzenError.invalid("the body is not JSON") from exc
        if not isinstance(data, dict):
            raise DzenError.invalid("the body is not a JSON object")
        return data
