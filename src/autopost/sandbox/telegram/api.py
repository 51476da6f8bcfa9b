"""The Bot API over HTTP: ``/bot<token>/<method>`` and ``/file/bot<token>/<file_path>``.

A request goes through the same stages as on the real server: the path is split like the Bot API
server's HttpConnection does, the body is read completely (streamed, see ``sandbox.body``), then
the token is checked (ClientManager), then the method is looked up (Client). Every answer is JSON
with the HTTP status equal to ``error_code`` (platform-apis.md §3.2, §8).
"""

from __future__ import annotations

import asyncio

from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send

from autopost.sandbox.body import MalformedBody, RequestBody, read_params
from autopost.sandbox.faults import Fault, drop_connection
from autopost.sandbox.state import SandboxState
from autopost.sandbox.telegram.calls import BotApiError, Call
from autopost.sandbox.telegram.methods import METHODS
from autopost.sandbox.telegram.world import Bot, TelegramWorld

NOT_FOUND = BotApiError(404, "Not Found")
# HTTP-level faults and the answers they produce.
FAULT_ERRORS = {
    "http_500": (500, "Internal Server Error"),
    "http_502": (502, "Bad Gateway"),
    "unauthorized": (401, "Unauthorized"),
}


def error_response(error: BotApiError) -> JSONResponse:
    content: dict = {"ok": False, "error_code": error.code, "description": error.description}
    headers = {}
    if error.retry_after is not None:
        # Both forms: clients read parameters.retry_after, proxies and generic clients the header.
        content["parameters"] = {"retry_after": error.retry_after}
        headers["Retry-After"] = str(error.retry_after)
    return JSONResponse(content, status_code=error.code, headers=headers)


def split_bot_path(path: str) -> tuple[str, str] | None:
    """``bot<token>/<rest>`` → (token, rest); None where the Bot API server answers 404."""
    if not path.startswith("bot"):
        return None
    token, slash, rest = path[3:].partition("/")
    if not slash:
        return None
    return token, rest


def is_well_formed(token: str) -> bool:
    """The Bot API server's shape check (ClientManager::send): ``<positive id>:<secret>``."""
    if not token or token[0] == "0" or len(token) > 80 or "/" in token or ":" not in token:
        return False
    bot_id = token.split(":", 1)[0]
    return bot_id.isdigit() and 0 < int(bot_id) < 2**54


def authenticate(world: TelegramWorld, token: str) -> Bot:
    if not is_well_formed(token):
        raise BotApiError(401, "Unauthorized: invalid token specified")
    bot = world.bot_for_token(token)
    if bot is None:
        raise BotApiError(401, "Unauthorized")
    return bot


class BotApi:
    """ASGI endpoint for everything under ``/telegram``.

    A raw ASGI callable rather than a Starlette view, because the ``drop_connection`` fault must
    be able to end a request without any response.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        state: SandboxState = request.app.state.sandbox
        path = request.path_params["path"]
        try:
            if path.startswith("file/bot"):
                response = self._download(state.telegram, path.removeprefix("file/"))
            else:
                response = await self._answer(request, receive, state, path)
        except ClientDisconnect:
            # The client gave up mid-request (a timeout, a killed worker): nobody to answer.
            return
        if response is not None:
            await response(scope, receive, send)

    async def _answer(
        self, request: Request, receive: Receive, state: SandboxState, path: str
    ) -> Response | None:
        parts = split_bot_path(path)
        if parts is None:
            await RequestBody(request).drain()
            return error_response(NOT_FOUND)
        token, method = parts[0], parts[1].lower()
        fault = state.faults.take("telegram", method)
        slow = fault is not None and fault.kind == "slow_upload"
        body = RequestBody(request, pause_s=fault.delay_s if slow else 0.0)
        if fault is not None and fault.kind == "drop_connection":
            await drop_connection(receive, body)
            return None
        try:
            if fault is not None:
                await self._apply(fault)
            result = await self._call(request, body, state.telegram, token, method)
        except BotApiError as error:
            await body.drain()
            return error_response(error)
        return JSONResponse({"ok": True, "result": result})

    @staticmethod
    async def _apply(fault: Fault) -> None:
        """Faults that act before the call: a delay, or an error answer instead of the call."""
        if fault.kind == "delay":
            await asyncio.sleep(fault.delay_s)
        elif fault.kind == "rate_limit":
            raise BotApiError.too_many_requests(fault.retry_after)
        elif fault.kind in FAULT_ERRORS:
            raise BotApiError(*FAULT_ERRORS[fault.kind])

    @staticmethod
    async def _call(
        request: Request, body: RequestBody, world: TelegramWorld, token: str, method: str
    ) -> object:
        try:
            params = await read_params(
                request, body, file_limit=world.config.upload_limit, keep_dir=world.keep_dir()
            )
        except MalformedBody as exc:
            raise BotApiError(400, f"Bad Request: {exc}") from exc
        try:
            if params.too_large:
                raise BotApiError(413, "Request Entity Too Large")
            bot = authenticate(world, token)
            # As on the server, an empty method in the path may come as a "method" parameter.
            handler = METHODS.get(method or params.fields.get("method", "").lower())
            if handler is None:
                raise BotApiError(404, "Not Found: method not found")
            return await handler(Call(world, bot, params))
        finally:
            # Uploads that did not become a stored file are not kept.
            for received in params.files.values():
                if received.path is not None:
                    received.path.unlink(missing_ok=True)

    @staticmethod
    def _download(world: TelegramWorld, path: str) -> Response:
        """The download URL of getFile's ``file_path``; only kept uploads have bytes to serve."""
        parts = split_bot_path(path)
        bot = world.bot_for_token(parts[0]) if parts else None
        stored = next(
            (f for f in world.files.values() if parts and f.file_path == parts[1] and f.path),
            None,
        )
        if bot is None or stored is None:
            return error_response(NOT_FOUND)
        return FileResponse(stored.path, media_type=stored.mime_type)
