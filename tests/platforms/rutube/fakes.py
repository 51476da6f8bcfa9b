"""Test doubles for the Rutube provider: a scripted Rutube API and an in-memory checkpoint."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx


class FakeRutube:
    """Queue replies per route (``"GET /api/video/<id>/"``), then read back the requests."""

    def __init__(self):
        self.replies: dict[str, list[httpx.Response | Callable[[httpx.Request], Any]]] = {}
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._handle)

    def reply(self, route: str, body: Any = None, status: int = 200, *, content=None,
              headers=None, times: int = 1):
        for _ in range(times):
            if content is None:
                response = httpx.Response(status, json=body, headers=headers)
            else:
                response = httpx.Response(status, content=content, headers=headers)
            self.replies.setdefault(route, []).append(response)
        return self

    def answer(self, route: str, handler: Callable[[httpx.Request], httpx.Response]):
        self.replies.setdefault(route, []).append(handler)
        return self

    def fail_with(self, route: str, exc: Exception):
        def raise_(request):
            raise exc

        return self.answer(route, raise_)

    @property
    def routes(self) -> list[str]:
        return [route_of(request) for request in self.requests]

    def sent(self, route: str) -> list[httpx.Request]:
        return [request for request in self.requests if route_of(request) == route]

    def _handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        queue = self.replies.get(route_of(request))
        if not queue:
            raise AssertionError(f"unexpected call {route_of(request)}")
        reply = queue.pop(0)
        return reply(request) if callable(reply) else reply


def route_of(request: httpx.Request) -> str:
    return f"{request.method} {request.url.path}"


def json_body(request: httpx.Request) -> Any:
    return json.loads(request.content)


def form_fields(request: httpx.Request) -> dict[str, str]:
    return dict(httpx.QueryParams(request.content.decode()))


@dataclass
class FakeCheckpoint:
    data: dict = field(default_factory=dict)
    saves: list = field(default_factory=list)

    def save(self, **values):
        self.saves.append(values)
        self.data.update(values)
