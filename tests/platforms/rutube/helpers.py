"""Building adapters and clips for the Rutube tests."""

from __future__ import annotations

import io

from autopost.platforms.base import ClipFile, Credentials, Target

from .replies import CHANNEL_NAME, SIGNED_URL, TOKEN, USER_ID

VIDEO_BYTES = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40


def adapter(rutube, *, calls=None):
    from autopost.platforms.rutube.adapter import RutubeAdapter

    target = Target(str(USER_ID), str(USER_ID), CHANNEL_NAME, {})
    throttle = (lambda: calls.append("throttle")) if calls is not None else None
    return RutubeAdapter(Credentials(TOKEN), target, throttle=throttle,
                         transport=rutube.transport)


def clip_of(signed_url: str | None = SIGNED_URL) -> tuple[ClipFile, list[io.BytesIO]]:
    """The clip and the streams its ``open`` handed out (URL pull should open none)."""
    opened = []

    def open_():
        stream = io.BytesIO(VIDEO_BYTES)
        opened.append(stream)
        return stream

    clip = ClipFile(open=open_, size=len(VIDEO_BYTES), filename="clip-7.mp4",
                    signed_url=signed_url)
    return clip, opened
