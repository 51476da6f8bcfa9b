"""Test doubles for the Telegram provider: a scripted Bot API and an in-memory checkpoint."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx


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


def multipart_parts(request: httpx.Request) -> dict[str, tuple[dict[str, str], bytes]]:
    """Part name → (its Content-Disposition parameters and Content-Type, its exact bytes)."""
    content_type = request.headers["Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=", 1)[1].encode()
    parts = {}
    for chunk in request.content.split(b"--" + boundary)[1:-1]:
        head, _, body = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        params = {}
        for line in head.decode().split("\r\n"):
            key, _, value = line.partition(": ")
            if key.lower() == "content-disposition":
                for item in value.split("; ")[1:]:
                    name, _, quoted = item.partition("=")
                    params[name] = quoted.strip('"')
            else:
                params[key.lower()] = value
        parts[params["name"]] = (params, body.removesuffix(b"\r\n"))
    return parts
