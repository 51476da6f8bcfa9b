"""Building adapters and clips for the Дзен provider tests."""

from __future__ import annotations

import io

from autopost.platforms.base import ClipFile, Credentials, Target

from .fakes import PUBLISHER_ID, SESSION_HEADER, FakeDzen

CHUNK = 1000
VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 20 + b"tail"  # 5136 bytes: 6 chunks


def adapter(dzen: FakeDzen, *, calls: list | None = None, session: str | None = None):
    from autopost.platforms.dzen.adapter import DzenAdapter
    from autopost.platforms.dzen.formats import dump_session, parse_session

    cookies = parse_session(session or SESSION_HEADER)
    target = Target(PUBLISHER_ID, PUBLISHER_ID, PUBLISHER_ID,
                    {"publisher_id": PUBLISHER_ID, "channel_slug": ""})
    throttle = (lambda: calls.append("throttle")) if calls is not None else None
    return DzenAdapter(Credentials(dump_session(cookies)), target, throttle=throttle,
                       transport=dzen.transport)


class RecordingStream(io.BytesIO):
    """A clip stream that remembers every read size."""

    def __init__(self, data: bytes, reads: list):
        super().__init__(data)
        self.reads = reads

    def read(self, size=-1):
        self.reads.append(size)
        return super().read(size)


def clip_of(data: bytes = VIDEO, reads: list | None = None, opened: list | None = None):
    def open_():
        stream = RecordingStream(data, reads if reads is not None else [])
        if opened is not None:
            opened.append(stream)
        return stream

    return ClipFile(open=open_, size=len(data), filename="clip-7.mp4", content_type="video/mp4")
