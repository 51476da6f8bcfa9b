"""Publishing a clip with one streamed sendVideo (docs/platform-apis.md §3.3, §3.4)."""

from __future__ import annotations

import functools
import io
import os
import tracemalloc

import httpx
import pytest
from django.conf import settings

from autopost.platforms.base import ClipFile, Credentials, Metadata, Target
from autopost.platforms.errors import (
    AuthExpired,
    ClipFileMissing,
    PermanentError,
    RateLimited,
)
from autopost.platforms.telegram.adapter import TelegramAdapter

from .fakes import multipart_parts
from .replies import BOT_TOKEN, CHAT_ID, SEND_VIDEO, error, sent_video

VIDEO_BYTES = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 300 + b"\r\n--not-a-boundary\r\n"


def adapter(telegram, options=None) -> TelegramAdapter:
    target = Target(
        account_id="123456789",
        target_id=str(CHAT_ID),
        target_name="My clips",
        options={"chat_username": "myclips", "bot_username": "clipper_bot"}
        if options is None
        else options,
    )
    return TelegramAdapter(
        Credentials(access_token=BOT_TOKEN), target, transport=telegram.transport
    )


def clip_of(data: bytes = VIDEO_BYTES, **known) -> tuple[ClipFile, list[io.BytesIO]]:
    """The clip and the list of streams its ``open`` handed out."""
    opened = []

    def open_():
        stream = io.BytesIO(data)
        opened.append(stream)
        return stream

    return ClipFile(open=open_, size=len(data), filename="clip1.mp4", **known), opened


def test_sends_one_multipart_request_with_the_exact_file(telegram, checkpoint):
    telegram.reply("sendVideo", SEND_VIDEO)
    clip, opened = clip_of(width=720, height=1280, duration=27.4)

    result = adapter(telegram).publish(clip, Metadata("Clip 1", "Лучший момент"), checkpoint)

    assert result.remote_id == "812"
    assert result.url == f"{settings.TELEGRAM_WEB_URL}/myclips/812"
    assert telegram.methods == ["sendVideo"]
    parts = multipart_parts(telegram.requests[0])
    params, body = parts["video"]
    assert body == VIDEO_BYTES
    assert params["filename"] == "clip1.mp4"
    assert params["content-type"] == "video/mp4"
    fields = {name: value.decode() for name, (_, value) in parts.items() if name != "video"}
    assert fields == {
        "chat_id": str(CHAT_ID),
        "caption": "Clip 1\n\nЛучший момент",
        "supports_streaming": "true",
        "width": "720",
        "height": "1280",
        "duration": "27",
    }
    assert "parse_mode" not in parts  # a title with < or * is plain text
    assert opened[0].closed


def test_unknown_dimensions_and_duration_are_left_out(telegram, checkpoint):
    telegram.reply("sendVideo", SEND_VIDEO)

    adapter(telegram).publish(clip_of()[0], Metadata("Clip 1"), checkpoint)

    parts = multipart_parts(telegram.requests[0])
    assert set(parts) == {"chat_id", "caption", "supports_streaming", "video"}


def test_upload_waits_long_for_the_reply(telegram, checkpoint):
    telegram.reply("sendVideo", SEND_VIDEO)

    adapter(telegram).publish(clip_of()[0], Metadata("Clip 1"), checkpoint)

    assert telegram.requests[0].extensions["timeout"]["read"] >= 600


def test_caption_never_exceeds_1024_characters(telegram, checkpoint):
    telegram.reply("sendVideo", SEND_VIDEO)

    adapter(telegram).publish(clip_of()[0], Metadata("З" * 1500, "описание"), checkpoint)

    caption = multipart_parts(telegram.requests[0])["caption"][1].decode()
    assert len(caption) == 1024
    assert caption.endswith("…")


def test_private_channel_gets_a_c_link(telegram, checkpoint):
    private_chat = {"id": CHAT_ID, "type": "channel", "title": "Secret clips"}
    telegram.reply("sendVideo", sent_video(chat=private_chat))

    result = adapter(telegram, options={}).publish(clip_of()[0], Metadata("Clip 1"), checkpoint)

    assert result.url == f"{settings.TELEGRAM_WEB_URL}/c/1234567890/812"


def test_message_id_is_saved_the_moment_telegram_returns_it(telegram, checkpoint):
    telegram.reply("sendVideo", SEND_VIDEO)

    adapter(telegram).publish(clip_of()[0], Metadata("Clip 1"), checkpoint)

    assert checkpoint.saves == [
        {"message_id": 812, "chat_id": CHAT_ID, "url": f"{settings.TELEGRAM_WEB_URL}/myclips/812"}
    ]


def test_retry_after_a_saved_message_id_does_not_post_again(telegram, checkpoint):
    checkpoint.data.update(message_id=812, chat_id=CHAT_ID, url="https://t.me/myclips/812")
    clip, opened = clip_of()

    result = adapter(telegram).publish(clip, Metadata("Clip 1"), checkpoint)

    assert (result.remote_id, result.url) == ("812", "https://t.me/myclips/812")
    assert telegram.requests == []
    assert opened == []
    assert checkpoint.saves == []


def test_checkpoint_without_url_still_resumes(telegram, checkpoint):
    checkpoint.data.update(message_id=813, chat_id=CHAT_ID)

    result = adapter(telegram).publish(clip_of()[0], Metadata("Clip 1"), checkpoint)

    assert result.url == f"{settings.TELEGRAM_WEB_URL}/myclips/813"
    assert telegram.requests == []


def test_scheduled_send_with_message_id_zero_counts_as_published_once(telegram, checkpoint):
    telegram.reply("sendVideo", sent_video(message_id=0))
    provider = adapter(telegram)

    first = provider.publish(clip_of()[0], Metadata("Clip 1"), checkpoint)
    second = provider.publish(clip_of()[0], Metadata("Clip 1"), checkpoint)

    assert first == second
    assert first.remote_id == ""
    assert first.url == f"{settings.TELEGRAM_WEB_URL}/myclips"
    assert checkpoint.data["message_id"] == 0
    assert telegram.methods == ["sendVideo"]


@pytest.mark.parametrize(
    ("status", "body", "error_class", "code"),
    [
        (401, error(401, "Unauthorized"), AuthExpired, "telegram_token_invalid"),
        (413, error(413, "Request Entity Too Large"), PermanentError, "file_too_large"),
        (
            429,
            error(429, "Too Many Requests: retry after 5", retry_after=5),
            RateLimited,
            "rate_limited",
        ),
        (
            400,
            error(400, "Bad Request: need administrator rights in the channel chat"),
            PermanentError,
            "telegram_no_post_rights",
        ),
    ],
)
def test_a_refused_upload_saves_nothing(telegram, checkpoint, status, body, error_class, code):
    telegram.reply("sendVideo", body, status)
    clip, opened = clip_of()

    with pytest.raises(error_class) as caught:
        adapter(telegram).publish(clip, Metadata("Clip 1"), checkpoint)

    assert caught.value.code == code
    assert checkpoint.saves == []
    assert opened[0].closed


def test_expired_token_says_reconnect(telegram, checkpoint):
    telegram.reply("sendVideo", error(401, "Unauthorized"), 401)

    with pytest.raises(AuthExpired) as caught:
        adapter(telegram).publish(clip_of()[0], Metadata("Clip 1"), checkpoint)

    assert caught.value.message == "Токен истёк, переподключите платформу"


def test_file_over_the_cloud_limit_is_refused_without_uploading(telegram, checkpoint):
    clip = ClipFile(open=lambda: io.BytesIO(b""), size=50 * 1024 * 1024 + 1)

    with pytest.raises(PermanentError) as caught:
        adapter(telegram).publish(clip, Metadata("Clip 1"), checkpoint)

    assert caught.value.code == "file_too_large"
    assert caught.value.message == "Файл слишком большой для Telegram (максимум 50 МБ)"
    assert telegram.requests == []


def test_local_server_takes_files_over_50_mb(telegram, checkpoint, settings):
    settings.TELEGRAM_LOCAL_API = True
    telegram.reply("sendVideo", SEND_VIDEO)
    clip = ClipFile(open=lambda: io.BytesIO(b"video"), size=60 * 1024 * 1024)

    adapter(telegram).publish(clip, Metadata("Clip 1"), checkpoint)

    assert telegram.methods == ["sendVideo"]


def test_missing_file_fails_at_once(telegram, checkpoint):
    def gone():
        raise FileNotFoundError("clips/1.mp4")

    with pytest.raises(ClipFileMissing):
        adapter(telegram).publish(ClipFile(open=gone, size=10), Metadata("Clip 1"), checkpoint)
    assert telegram.requests == []


# --- streaming -------------------------------------------------------------------------------


class ReadRecorder(io.RawIOBase):
    """A file that remembers every read size (a whole-file ``read()`` would show up as -1)."""

    def __init__(self, size: int):
        self.size, self.pos, self.reads = size, 0, []

    def readable(self):
        return True

    def read(self, n=-1):
        self.reads.append(n)
        n = self.size - self.pos if n is None or n < 0 else min(n, self.size - self.pos)
        self.pos += n
        return b"\x01" * n


class CountingTransport(httpx.BaseTransport):
    """Consumes the request body chunk by chunk, like a server would, keeping only a count."""

    def __init__(self):
        self.received = 0

    def handle_request(self, request):
        for chunk in request.stream:
            self.received += len(chunk)
        return httpx.Response(200, json=SEND_VIDEO)


def test_upload_reads_the_file_in_bounded_chunks(telegram, checkpoint):
    size = 3 * 1024 * 1024 + 17
    source = ReadRecorder(size)
    transport = CountingTransport()
    provider = TelegramAdapter(
        Credentials(BOT_TOKEN), adapter(telegram).target, transport=transport
    )

    provider.publish(ClipFile(open=lambda: source, size=size), Metadata("Clip 1"), checkpoint)

    assert all(n is not None and 0 < n <= 1024 * 1024 for n in source.reads)
    assert source.pos == size
    assert transport.received > size


def test_memory_does_not_grow_with_the_file(telegram, checkpoint, tmp_path):
    path = tmp_path / "big.mp4"
    size = 40 * 1024 * 1024
    with open(path, "wb") as fh:
        fh.truncate(size)
    transport = CountingTransport()
    provider = TelegramAdapter(
        Credentials(BOT_TOKEN), adapter(telegram).target, transport=transport
    )
    clip = ClipFile(open=functools.partial(path.open, "rb"), size=os.path.getsize(path))

    tracemalloc.start()
    try:
        provider.publish(clip, Metadata("Clip 1"), checkpoint)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert transport.received > size
    assert peak < 4 * 1024 * 1024
