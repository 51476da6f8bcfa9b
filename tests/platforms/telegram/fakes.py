"""Test doubles for the Telegram provider: a scripted Bot API and an in-memory checkpoint."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from tests.platforms.multipart import multipart_parts  # noqa: F401  (re-exported to tests)


class FakeTelegram:
    """A scripted Bot API: queue replies per method, then read back the requests it got."""

    def __init__(self):
        self.replies: dict[
            str, list[httpx.Response | Callable[[httpx.Request], httpx.Response]]
        ] = {}
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._handle)

    def reply(
        self, method: str, body: Any = None, status: int = 200, *, content=None, headers=None
    ):
        if content is None:
            content = json.dumps(body).encode()
            headers = {"Content-Type": "application/json", **(headers or {})}
        self.replies.setdefault(method, []).append(
            httpx.Response(status, content=content, headers=headers)
        )
        return self

    def fail_with(self, method: str, exc: Exception):
        def raise_(request):
            raise exc

        self.replies.setdefault(method, []).append(raise_)
        return self

    @property
    def methods(self) -> list[str]:
        return [r.url.path.rsplit("/", 1)[-1] for r in self.requests]

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        method = request.url.path.rsplit("/", 1)[-1]
        queue = self.replies.get(method)
        if not queue:
            raise AssertionError(f"unexpected call {method}")
        reply = queue.pop(0)
        return reply(request) if callable(reply) else reply


@dataclass
class FakeCheckpoint:
    data: dict = field(default_factory=dict)
    saves: list = field(default_factory=list)

    def save(self, **values):
        self.saves.append(values)
        self.data.update(values)


def form_fields(request: httpx.Request) -> dict[str, str]:
    """The fields of a form-urlencoded request body."""
    return dict(httpx.QueryParams(request.content.decode()))


