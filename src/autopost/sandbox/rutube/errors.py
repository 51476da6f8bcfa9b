"""Rutube's error answers: Django REST framework's shapes and texts (platform-apis.md §4.3).

``{"detail": …}`` for authentication, permission, not-found and throttling; field errors are
``{"<field>": ["<message>"]}``; bad credentials ``{"non_field_errors": [...]}``.
"""

from __future__ import annotations

from starlette.responses import JSONResponse

NOT_PROVIDED = "Authentication credentials were not provided."
INVALID_TOKEN = "Invalid token."
# DRF's TokenAuthentication on a malformed header.
NO_CREDENTIALS = "Invalid token header. No credentials provided."
SPACES = "Invalid token header. Token string should not contain spaces."
NOT_FOUND = "Not found."
NO_PERMISSION = "You do not have permission to perform this action."
INVALID_PAGE = "Invalid page."
BAD_LOGIN = "Unable to log in with provided credentials."
REQUIRED = "This field is required."
NO_FILE = "No file was submitted."


class RutubeError(Exception):
    """An answer with a DRF-style JSON body."""

    def __init__(self, status: int, body: dict, headers: dict[str, str] | None = None):
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}

    @classmethod
    def detail(cls, status: int, text: str) -> RutubeError:
        return cls(status, {"detail": text})

    @classmethod
    def unauthorized(cls, text: str = INVALID_TOKEN) -> RutubeError:
        # DRF's TokenAuthentication names its scheme, which makes the answer a 401 (not 403).
        return cls(401, {"detail": text}, {"WWW-Authenticate": "Token"})

    @classmethod
    def field(cls, name: str, text: str) -> RutubeError:
        return cls(400, {name: [text]})

    @classmethod
    def not_found(cls) -> RutubeError:
        return cls.detail(404, NOT_FOUND)

    @classmethod
    def throttled(cls, retry_after: int) -> RutubeError:
        text = f"Request was throttled. Expected available in {retry_after} seconds."
        return cls(429, {"detail": text}, {"Retry-After": str(retry_after)})

    def response(self) -> JSONResponse:
        return JSONResponse(self.body, status_code=self.status, headers=self.headers)
