"""One Rutube request as the handlers see it: the world, who is calling, the parsed body.

Authentication is DRF's ``TokenAuthentication``: ``Authorization: Token <key>``. Like DRF, a
request that sends a token is checked even on public endpoints (a bad token is a 401 there too);
one that sends none is anonymous, and endpoints that need an account answer 401
"Authentication credentials were not provided." (DRF's answer when the authenticator names a
scheme, as TokenAuthentication does).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from autopost.sandbox.body import MalformedBody, Params, read_params
from autopost.sandbox.endpoint import Exchange
from autopost.sandbox.rutube import errors
from autopost.sandbox.rutube.errors import RutubeError
from autopost.sandbox.rutube.world import RutubeWorld, Video

THUMBNAIL_LIMIT = 10 * 1024 * 1024
TRUE = ("true", "1", "yes", "on")
FALSE = ("false", "0", "no", "off")


def token_user(world: RutubeWorld, header: str) -> int | None:
    """The account the ``Authorization`` header is for; None when it names no token scheme."""
    parts = header.split()
    if not parts or parts[0].lower() != "token":
        return None
    if len(parts) == 1:
        raise RutubeError.unauthorized(errors.NO_CREDENTIALS)
    if len(parts) > 2:
        raise RutubeError.unauthorized(errors.SPACES)
    userid = world.tokens.get(parts[1])
    if userid is None or userid not in world.accounts:
        raise RutubeError.unauthorized()
    return userid


def is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


@dataclass
class Call:
    exchange: Exchange
    world: RutubeWorld
    userid: int | None

    @property
    def base_url(self) -> str:
        return self.exchange.base_url

    def account_id(self) -> int:
        if self.userid is None:
            raise RutubeError.unauthorized(errors.NOT_PROVIDED)
        return self.userid

    async def params(self, file_limit: int = 0) -> Params:
        try:
            return await read_params(
                self.exchange.request, self.exchange.body, file_limit=file_limit
            )
        except MalformedBody as exc:
            raise RutubeError.detail(400, f"Malformed request: {exc}") from exc

    async def data(self) -> dict[str, Any]:
        """The body as DRF's parsers give it: JSON keeps its types, a form gives strings."""
        content_type = self.exchange.request.headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            return dict((await self.params()).fields)
        raw = await self.exchange.body.read_small()
        try:
            data = json.loads(raw or b"{}")
        except ValueError as exc:
            raise RutubeError.detail(400, f"JSON parse error - {exc}") from exc
        if not isinstance(data, dict):
            kind = type(data).__name__
            message = f"Invalid data. Expected a dictionary, but got {kind}."
            raise RutubeError(400, {"non_field_errors": [message]})
        return data

    @property
    def query(self) -> dict[str, str]:
        return dict(self.exchange.request.query_params)

    def video(self) -> Video:
        video = self.world.live_video(self.exchange.request.path_params["video_id"])
        if video is None:
            raise RutubeError.not_found()
        return video

    def own_video(self) -> Video:
        """A video the caller may change: 404 if unknown, 403 if someone else's."""
        userid = self.account_id()
        video = self.video()
        if video.userid != userid:
            raise RutubeError.detail(403, errors.NO_PERMISSION)
        return video


class FieldErrors:
    """DRF collects every field's errors into one 400 answer."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def raise_any(self) -> None:
        if self.errors:
            raise RutubeError(400, self.errors)

    def text(self, data: dict, name: str, *, required: bool = False) -> str | None:
        if name not in data or data[name] is None:
            if required:
                self.add(name, errors.REQUIRED)
            return None
        value = data[name] if isinstance(data[name], str) else json.dumps(data[name])
        if required and not value.strip():
            self.add(name, "This field may not be blank.")
        return value

    def url(self, data: dict, name: str, *, required: bool = False) -> str | None:
        value = self.text(data, name, required=required)
        if value and not is_url(value.strip()):
            self.add(name, "Enter a valid URL.")
        return value.strip() if value else value

    def boolean(self, data: dict, name: str) -> bool | None:
        value = data.get(name)
        if value is None or isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE or text in FALSE:
            return text in TRUE
        self.add(name, "Must be a valid boolean.")
        return None

    def category(self, world: RutubeWorld, data: dict, name: str) -> int | None:
        value = data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not str(value).strip().isdigit():
            kind = type(value).__name__
            self.add(name, f"Incorrect type. Expected pk value, received {kind}.")
            return None
        if int(value) not in world.categories:
            self.add(name, f'Invalid pk "{value}" - object does not exist.')
            return None
        return int(value)
