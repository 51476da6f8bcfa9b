"""Building adapters and clips for the VK publishing tests."""

from __future__ import annotations

import io

import httpx

from autopost.platforms.base import ClipFile, Credentials, Target

from .replies import ACCESS_TOKEN, GROUP_ID, USER_ID

VIDEO_BYTES = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 300 + b"\r\n--not-a-boundary\r\n"


def adapter(vk, *, community=True, calls=None, **options):
    from autopost.platforms.vk.adapter import VkAdapter

    target_id = f"-{GROUP_ID}" if community else str(USER_ID)
    target = Target(str(USER_ID), target_id, "Клипы недели",
                    {"user_id": USER_ID, "token_source": "pasted", **options})
    throttle = (lambda: calls.append("throttle")) if calls is not None else None
    return VkAdapter(Credentials(ACCESS_TOKEN), target, throttle=throttle, transport=vk.transport)


def clip_of(data: bytes = VIDEO_BYTES) -> tuple[ClipFile, list[io.BytesIO]]:
    """The clip and the list of streams its ``open`` handed out."""
    opened = []

    def open_():
        stream = io.BytesIO(data)
        opened.append(stream)
        return stream

    return ClipFile(open=open_, size=len(data), filename="clip-7.mp4"), opened


def seen_by(checkpoint, response_body):
    """An upload reply that remembers what the checkpoint held when the file arrived."""
    seen = []

    def reply(request: httpx.Request) -> httpx.Response:
        seen.append(dict(checkpoint.data))
        return httpx.Response(200, json=response_body)

    return reply, seen
