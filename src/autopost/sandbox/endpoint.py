"""What every Rutube and Дзен endpoint does first: take its fault and act on the transport ones.

Endpoints are raw ASGI callables rather than Starlette views, because ``drop_connection`` must be
able to end a request without any response. The faults that shape an answer (HTTP statuses,
platform errors) are left to the handler, which knows how its host writes errors. (VK's
``vk.endpoint`` is the same thing, written first and bound to the VK world.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from autopost.sandbox.body import RequestBody
from autopost.sandbox.faults import Fault, drop_connection

if TYPE_CHECKING:
    from autopost.sandbox.state import SandboxState

TRANSPORT_KINDS = ("drop_connection", "slow_upload", "delay")


@dataclass
class Exchange:
    request: Request
    body: RequestBody
    state: SandboxState
    # The fault this request must answer with, if any (transport ones are already applied) — or,
    # for an endpoint that ``handles_drop``, its drop_connection fault.
    fault: Fault | None
    receive: Receive

    @property
    def base_url(self) -> str:
        """The sandbox root as the client reached it: answers carry absolute URLs on it."""
        return str(self.request.base_url).rstrip("/")


Handler = Callable[[Exchange], Awaitable[Response | None]]


def server_error_page(status: int) -> HTMLResponse:
    """What a front server answers when the service behind it fails: HTML, not JSON."""
    text = {500: "500 Internal Server Error", 502: "502 Bad Gateway"}.get(status, f"{status}")
    return HTMLResponse(
        f"<html><head><title>{text}</title></head><body><center><h1>{text}</h1></center>"
        "<hr><center>nginx</center></body></html>",
        status_code=status,
    )


class Endpoint:
    """ASGI endpoint of ``platform``: the request is ``method`` in the FaultBook.

    ``fault_model`` turns a queued generic fault into the platform's own model. A handler that
    returns None has already dealt with the connection (it dropped it).
    """

    def __init__(
        self,
        platform: str,
        method: str,
        handler: Handler,
        *,
        fault_model: type[Fault] = Fault,
        handles_drop: bool = False,
    ):
        self.platform = platform
        self.method = method
        self.handler = handler
        self.fault_model = fault_model
        self.handles_drop = handles_drop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        state: SandboxState = request.app.state.sandbox
        fault = state.faults.take(self.platform, self.method)
        if fault is not None and not isinstance(fault, self.fault_model):
            fault = self.fault_model.model_validate(fault.model_dump())
        slow = fault is not None and fault.kind == "slow_upload"
        body = RequestBody(request, pause_s=fault.delay_s if slow else 0.0)
        try:
            if fault is not None and fault.kind == "drop_connection" and not self.handles_drop:
                await drop_connection(receive, body)
                return
            if fault is not None and fault.kind == "delay":
                await asyncio.sleep(fault.delay_s)
            if fault is not None and fault.kind in ("slow_upload", "delay"):
                fault = None
            response = await self.handler(Exchange(request, body, state, fault, receive))
        except ClientDisconnect:
            # The client gave up mid-request: nobody to answer.
            return
        if response is not None:
            await response(scope, receive, send)


def routes_with_and_without_slash(path: str, endpoint: Endpoint, methods: list[str]) -> list:
    """``/x/`` and ``/x`` both, answered alike: the platforms' docs show both spellings, and
    Starlette's slash redirect would turn a POST into a 307 the client may not follow."""
    bare = path.rstrip("/")
    return [Route(f"{bare}/", endpoint, methods=methods), Route(bare, endpoint, methods=methods)]
