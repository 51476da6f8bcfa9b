"""Test doubles for the VK provider: a scripted VK (API, upload server, VK ID) and a checkpoint."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from .replies import API_URL, OAUTH_URL
from tests.platforms.multipart import multipart_parts

UPLOAD = "upload"
OAUTH = "oauth2/auth"


class FakeVk:
    """Queue replies per API method (or ``UPLOAD`` / ``OAUTH``), then read back the requests."""

    def __init__(self):
        self.replies: dict[str, list[httpx.Response | Callable[[httpx.Request], Any]]] = {}
        self.requests: list[tuple[str, httpx.Request]] = []
        self.transport = httpx.MockTransport(self._handle)

    def reply(self, route: str, body: Any = None, status: int = 200, *, content=None, times=1):
        for _ in range(times):
            if content is None:
                response = httpx.Response(status, json=body)
            else:
                response = httpx.Response(status, content=content)
            self.replies.setdefault(route, []).append(response)
        return self

    def fail_with(self, route: str, exc: Exception):
        def raise_(request):
            raise exc

        self.replies.setdefault(route, []).append(raise_)
        return self

    @property
    def routes(self) -> list[str]:
        return [route for route, _ in self.requests]

    def sent(self, route: str) -> list[httpx.Request]:
        return [request for name, request in self.requests if name == route]

    def _route(self, request: httpx.Request) -> str:
        if request.url.host == httpx.URL(OAUTH_URL).host:
            return request.url.path.lstrip("/")
        if request.url.host == httpx.URL(API_URL).host:
            return request.url.path.removeprefix("/method/")
        return UPLOAD

    def _handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        route = self._route(request)
        self.requests.append((route, request))
        queue = self.replies.get(route)
        if not queue:
            raise AssertionError(f"unexpected call {route}")
        reply = queue.pop(0)
        return reply(request) if callable(reply) else reply


class StreamingTransport(httpx.BaseTransport):
    """Like ``vk.transport``, but uploads are counted chunk by chunk and never held in memory
    (``httpx.MockTransport`` reads every request body whole)."""

    def __init__(self, vk: FakeVk, upload_reply: Any):
        self.vk, self.upload_reply, self.received = vk, upload_reply, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.vk._route(request) != UPLOAD:
            request.read()
            return self.vk._handle(request)
        for chunk in request.stream:
            self.received += len(chunk)
        return httpx.Response(200, json=self.upload_reply)


@dataclass
class FakeCheckpoint:
    data: dict = field(default_factory=dict)
    saves: list = field(default_factory=list)

    def save(self, **values):
        self.saves.append(values)
        self.data.update(values)




def form_fields(request: httpx.Request) -> dict[str, str]:
    """The fields of a form-urlencoded or multipart request (files excluded)."""
    if request.headers.get("Content-Type", "").startswith("multipart/form-data"):
        return {name: body.decode() for name, (params, body) in multipart_parts(request).items()
                if "filename" not in params}
    return dict(httpx.QueryParams(request.content.decode()))


def body_json(data: Any) -> bytes:
    return json.dumps(data).encode()
