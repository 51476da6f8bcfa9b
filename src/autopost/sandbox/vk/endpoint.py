"""What every VK endpoint does first: take its fault and act on the transport-level ones.

Endpoints are raw ASGI callables rather than Starlette views, because ``drop_connection`` must be
able to end a request without any response. The faults that shape an answer (HTTP statuses, VK
errors) are left to the handler, which knows how its host writes errors.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send

from autopost.sandbox.body import Params, RequestBody, read_params
from autopost.sandbox.faults import Fault, drop_connection
from autopost.sandbox.state import SandboxState
from autopost.sandbox.vk.faults import PLATFORM, VkFault
from autopost.sandbox.vk.world import VkWorld

TRANSPORT_KINDS = ("drop_connection", "slow_upload", "delay")
HTTP_FAULTS = {"http_500": 500, "http_502": 502}
STATUS_TEXTS = {500: "Internal Server Error", 502: "Bad Gateway"}


@dataclass
class Exchange:
    request: Request
    body: RequestBody
    world: VkWorld
    # The fault this request must answer with, if any (transport ones are already applied).
    fault: VkFault | None

    @property
    def base_url(self) -> str:
        """The sandbox root as the client reached it: answers carry absolute URLs on it."""
        return str(self.request.base_url).rstrip("/")


Handler = Callable[[Exchange], Awaitable[Response]]


def http_error_page(status: int) -> HTMLResponse:
    """What VK's nginx front answers when the service behind it fails: HTML, not JSON."""
    text = f"{status} {STATUS_TEXTS.get(status, 'Error')}"
    return HTMLResponse(
        f"<html><head><title>{text}</title></head><body><center><h1>{text}</h1></center>"
        "<hr><center>nginx</center></body></html>",
        status_code=status,
    )


async def read_form(exchange: Exchange, file_limit: int) -> Params:
    """Query plus a urlencoded or multipart body, as VK reads requests: a JSON body is not
    parameters to VK (it is drained and ignored), so a client that sends JSON fails here too."""
    content_type = exchange.request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() == "application/json":
        await exchange.body.drain()
        return Params(fields=dict(exchange.request.query_params))
    return await read_params(exchange.request, exchange.body, file_limit=file_limit)


def as_vk_fault(fault: Fault) -> VkFault:
    return fault if isinstance(fault, VkFault) else VkFault.model_validate(fault.model_dump())


class VkEndpoint:
    """ASGI endpoint: ``fault_key(request)`` names the request in the FaultBook."""

    def __init__(self, handler: Handler, fault_key: Callable[[Request], str]):
        self.handler = handler
        self.fault_key = fault_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        state: SandboxState = request.app.state.sandbox
        taken = state.faults.take(PLATFORM, self.fault_key(request))
        fault = as_vk_fault(taken) if taken is not None else None
        slow = fault is not None and fault.kind == "slow_upload"
        body = RequestBody(request, pause_s=fault.delay_s if slow else 0.0)
        try:
            if fault is not None and fault.kind == "drop_connection":
                await drop_connection(receive, body)
                return
            if fault is not None and fault.kind == "delay":
                await asyncio.sleep(fault.delay_s)
            answer_fault = None if fault is None or fault.kind in TRANSPORT_KINDS else fault
            response = await self.handler(Exchange(request, body, state.vk, answer_fault))
        except ClientDisconnect:
            # The client gave up mid-request: nobody to answer.
            return
        await response(scope, receive, send)


def fixed_key(key: str) -> Callable[[Request], str]:
    return lambda request: key
