"""Fault injection shared by every emulated platform.

A test (or the demo page) queues faults per (platform, method); ``"*"`` matches any method of
that platform. Each matching request takes the oldest fault of the most specific queue and uses up
one of its ``count``. What an HTTP-level fault looks like on the wire (status, body) is the
platform module's business; the transport-level ones (dropping the connection, reading slowly)
are implemented here once.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections import deque
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.types import Receive

from autopost.sandbox.body import RequestBody

FaultKind = Literal[
    "http_500", "http_502", "rate_limit", "unauthorized", "drop_connection", "slow_upload", "delay"
]

# Bytes of the body a dropped connection reads first, so the client is mid-upload when it breaks.
DROP_AFTER_BYTES = 64 * 1024


class Fault(BaseModel):
    """One queued fault, as posted to ``/_control/faults``."""

    model_config = ConfigDict(extra="forbid")

    platform: str
    method: str = "*"
    kind: FaultKind
    count: int = Field(default=1, ge=1)
    # rate_limit: the retry-after the answer carries.
    retry_after: int = Field(default=5, ge=1)
    # delay: seconds before the request is handled; slow_upload: pause after each body chunk.
    delay_s: float = Field(default=1.0, ge=0, le=300)


class FaultBook:
    """FIFO queues of faults keyed by (platform, method); method names match case-insensitively."""

    def __init__(self) -> None:
        self._queues: dict[tuple[str, str], deque[Fault]] = {}

    def add(self, fault: Fault) -> None:
        key = (fault.platform, fault.method.lower())
        self._queues.setdefault(key, deque()).append(fault.model_copy())

    def take(self, platform: str, method: str) -> Fault | None:
        """The fault this request must suffer, if any: the method's queue first, then ``"*"``."""
        for key in ((platform, method.lower()), (platform, "*")):
            queue = self._queues.get(key)
            if queue:
                fault = queue[0]
                fault.count -= 1
                if fault.count == 0:
                    queue.popleft()
                return fault
        return None

    def pending(self) -> list[Fault]:
        return [fault for queue in self._queues.values() for fault in queue]

    def clear(self, platform: str | None = None) -> int:
        keys = [key for key in self._queues if platform is None or key[0] == platform]
        return sum(len(self._queues.pop(key)) for key in keys)


async def drop_connection(receive: Receive, body: RequestBody) -> None:
    """Read a little of the body, then reset the TCP connection without answering.

    ASGI has no way to abort a connection, so this reaches uvicorn's transport through its
    ``receive`` (a bound method of the request cycle) — the sandbox always runs on uvicorn.
    SO_LINGER 0 makes the close an RST, which the client sees as a connection reset.
    """
    async for _ in body.chunks():
        if body.received >= DROP_AFTER_BYTES:
            break
    await abort_connection(receive)


async def abort_connection(receive: Receive) -> None:
    """Reset the TCP connection of this request now, without answering (see ``drop_connection``);
    for endpoints that read part of a body themselves before dropping (Дзен's TUS PATCH)."""
    transport = receive.__self__.transport  # type: ignore[attr-defined]
    sock = transport.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    # Let uvicorn notice the lost connection, so it does not try to answer with a 500.
    await asyncio.sleep(0)
