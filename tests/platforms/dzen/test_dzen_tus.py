"""The TUS 1.0.0 upload (§5.3 step 4): offsets from the server, conflicts, dropped connections,
streaming one chunk at a time."""

from __future__ import annotations

import io

import httpx
import pytest

from autopost.platforms.base import ClipFile, Metadata
from autopost.platforms.dzen.tus import ClipReader, TusUpload, UploadGone
from autopost.platforms.errors import PermanentError, RateLimited, TransientError

from .fakes import UPLOAD_HOST, FakeDzen
from .helpers import CHUNK, VIDEO, adapter, clip_of

META = Metadata(title="Clip")


def patches(dzen: FakeDzen) -> list[tuple[int, int]]:
    """(Upload-Offset, body length) of every PATCH sent."""
    return [(int(r.headers["Upload-Offset"]), len(r.content)) for r in dzen.sent("tus-patch")]


def tus_routes(dzen: FakeDzen) -> list[str]:
    return [route for route in dzen.routes if route.startswith("tus-")]


def test_head_first_then_chunks_at_the_servers_offsets(dzen, checkpoint, sleeps):
    adapter(dzen).publish(clip_of(), META, checkpoint)
    head = dzen.sent("tus-head")[0]
    assert head.method == "HEAD" and head.url.host == UPLOAD_HOST
    assert head.headers["Tus-Resumable"] == "1.0.0"
    assert patches(dzen) == [(0, 1000), (1000, 1000), (2000, 1000), (3000, 1000), (4000, 1000),
                             (5000, 136)]
    for request in dzen.sent("tus-patch"):
        assert request.headers["Content-Type"] == "application/offset+octet-stream"
        assert request.headers["Tus-Resumable"] == "1.0.0"
        assert request.headers["Content-Length"] == str(len(request.content))
        assert str(request.url) == checkpoint.data["upload_url"]
        # the upload host gets nothing of the session
        assert "Cookie" not in request.headers and "X-Csrf-Token" not in request.headers
    assert bytes(dzen.upload().data) == VIDEO


def test_the_file_is_read_one_chunk_at_a_time(dzen, checkpoint, sleeps):
    reads = []
    adapter(dzen).publish(clip_of(reads=reads), META, checkpoint)
    assert reads and all(0 < size <= CHUNK for size in reads)  # never read(-1), never the file


def test_a_409_asks_the_server_and_continues_from_its_offset(dzen, checkpoint, sleeps):
    def conflict(request):
        # Another writer's bytes reached the server first: it is 500 bytes further than we think.
        upload = dzen.upload()
        upload.data += VIDEO[len(upload.data):len(upload.data) + 500]
        return httpx.Response(409)

    dzen.script("tus-patch", lambda r: dzen._tus(r)).script("tus-patch", conflict)
    adapter(dzen).publish(clip_of(), META, checkpoint)
    assert tus_routes(dzen)[:5] == ["tus-head", "tus-patch", "tus-patch", "tus-head", "tus-patch"]
    assert patches(dzen)[:3] == [(0, 1000), (1000, 1000), (1500, 1000)]
    assert bytes(dzen.upload().data) == VIDEO
    assert sleeps[0] == 0.0  # the first resume does not wait


def test_a_connection_dropped_at_40_percent_resumes_after_a_head(dzen, checkpoint, sleeps):
    sent_before_drop = []

    def drop(request):
        # The connection dies after the server stored half of this chunk.
        upload = dzen.upload()
        offset = int(request.headers["Upload-Offset"])
        upload.data += request.content[:CHUNK // 2]
        sent_before_drop.append(offset)
        raise httpx.WriteError("connection reset by peer")

    dzen.script("tus-patch", lambda r: dzen._tus(r), times=2).script("tus-patch", drop)
    adapter(dzen).publish(clip_of(), META, checkpoint)
    assert sent_before_drop == [2000]  # the third of six chunks: 39 % of the file sent
    assert tus_routes(dzen)[:6] == ["tus-head", "tus-patch", "tus-patch", "tus-patch", "tus-head",
                                    "tus-patch"]
    assert patches(dzen)[3] == (2500, 1000)  # from the server's offset, mid-chunk
    assert bytes(dzen.upload().data) == VIDEO
    assert checkpoint.data["upload_offset"] == len(VIDEO)
    assert dzen.routes.count("start-upload-video") == 1


def test_a_failing_head_is_retried_too(dzen, checkpoint, sleeps):
    dzen.script("tus-head", httpx.ConnectError("refused")).script("tus-head", httpx.Response(503))
    adapter(dzen).publish(clip_of(), META, checkpoint)
    assert tus_routes(dzen)[:3] == ["tus-head", "tus-head", "tus-head"]
    assert sleeps[:2] == [0.0, 1.0]
    assert bytes(dzen.upload().data) == VIDEO


def test_a_connection_that_keeps_dropping_ends_the_attempt_resumably(dzen, checkpoint, sleeps):
    dzen.script("tus-patch", lambda r: dzen._tus(r))
    dzen.script("tus-patch", httpx.ReadTimeout("slow"), times=4)
    with pytest.raises(TransientError) as caught:
        adapter(dzen).publish(clip_of(), META, checkpoint)
    assert caught.value.code == "dzen_upload_interrupted"
    assert sleeps == [0.0, 1.0, 3.0]
    assert checkpoint.data["upload_offset"] == 1000
    assert checkpoint.data["stage"] == "upload_started"
    assert "finish-upload-video" not in dzen.routes


def test_progress_resets_the_failure_budget(dzen, checkpoint, sleeps):
    for _ in range(5):  # a drop after every successful chunk
        dzen.script("tus-patch", lambda r: dzen._tus(r))
        dzen.script("tus-patch", httpx.RemoteProtocolError("peer closed"))
    adapter(dzen).publish(clip_of(), META, checkpoint)
    assert bytes(dzen.upload().data) == VIDEO
    assert sleeps.count(0.0) == 5


@pytest.mark.parametrize("status", [423, 500, 502, 503, 504])
def test_locked_and_server_errors_resume_after_a_head(dzen, checkpoint, sleeps, status):
    dzen.script("tus-patch", httpx.Response(status))
    adapter(dzen).publish(clip_of(), META, checkpoint)
    assert tus_routes(dzen)[:3] == ["tus-head", "tus-patch", "tus-head"]
    assert bytes(dzen.upload().data) == VIDEO


def test_a_reply_without_a_sensible_offset_is_checked_with_a_head(dzen, checkpoint, sleeps):
    def lying(request):
        dzen._tus(request)
        return httpx.Response(204, headers={"Upload-Offset": "999999"})

    dzen.script("tus-patch", lying).script("tus-patch", httpx.Response(204))
    adapter(dzen).publish(clip_of(), META, checkpoint)
    assert tus_routes(dzen)[:5] == ["tus-head", "tus-patch", "tus-head", "tus-patch", "tus-head"]
    assert bytes(dzen.upload().data) == VIDEO


def test_a_rejected_file_is_permanent(dzen, checkpoint, sleeps):
    dzen.script("tus-patch", httpx.Response(413))
    with pytest.raises(PermanentError) as caught:
        adapter(dzen).publish(clip_of(), META, checkpoint)
    assert caught.value.code == "dzen_upload_rejected"
    assert "413" in caught.value.message


def test_429_from_the_upload_host_is_rate_limited(dzen, checkpoint, sleeps):
    dzen.script("tus-patch", httpx.Response(429, headers={"Retry-After": "12"}))
    with pytest.raises(RateLimited) as caught:
        adapter(dzen).publish(clip_of(), META, checkpoint)
    assert caught.value.retry_after_s == 12
    assert checkpoint.data["stage"] == "upload_started"


def test_an_upload_the_server_forgot_is_opened_again_once(dzen, checkpoint, sleeps):
    dzen.script("tus-head", httpx.Response(404))
    adapter(dzen).publish(clip_of(), META, checkpoint)
    assert dzen.routes.count("add-publication") == 1
    assert dzen.routes.count("start-upload-video") == 2
    assert bytes(dzen.upload(1).data) == VIDEO
    assert checkpoint.data["upload_id"] == dzen.upload(1).upload_id
    finish = dzen.sent("finish-upload-video")[0]
    assert finish.read() and dzen.upload(1).upload_id in finish.content.decode()


def test_an_upload_forgotten_twice_ends_the_attempt(dzen, checkpoint, sleeps):
    dzen.script("tus-head", httpx.Response(410), times=2)
    with pytest.raises(TransientError) as caught:
        adapter(dzen).publish(clip_of(), META, checkpoint)
    assert caught.value.code == "dzen_upload_lost"
    assert checkpoint.data["upload_url"] is None and checkpoint.data["publication_id"]


def test_a_clip_shorter_than_announced_is_refused(dzen, checkpoint, sleeps):
    short = ClipFile(open=lambda: io.BytesIO(VIDEO[:3000]), size=len(VIDEO))
    with pytest.raises(PermanentError) as caught:
        adapter(dzen).publish(short, META, checkpoint)
    assert caught.value.code == "dzen_clip_changed"


# --- the reader and the uploader on their own -----------------------------------------------------


class ForwardOnly(io.RawIOBase):
    """A stream that cannot seek (a remote storage body)."""

    def __init__(self, data: bytes, log: list):
        self._data, self._pos, self.log = data, 0, log

    def readable(self):
        return True

    def seekable(self):
        return False

    def read(self, size=-1):
        assert size is not None and 0 < size
        self.log.append(size)
        block = self._data[self._pos:self._pos + size]
        self._pos += len(block)
        return block


def test_a_stream_that_cannot_seek_is_read_forward_and_reopened_to_go_back():
    opened = []

    def open_():
        opened.append(1)
        return ForwardOnly(VIDEO, [])

    reader = ClipReader(open_(), open_)
    assert reader.read_at(0, 1000) == VIDEO[:1000]
    assert reader.read_at(2500, 1000) == VIDEO[2500:3500]  # skips forward
    assert reader.read_at(1500, 10) == VIDEO[1500:1510]  # goes back: reopens
    assert len(opened) == 2


def test_a_non_seekable_clip_uploads_through_a_dropped_connection(dzen, checkpoint, sleeps):
    def drop(request):
        dzen.upload().data += request.content[:300]
        raise httpx.ReadError("reset")

    dzen.script("tus-patch", lambda r: dzen._tus(r)).script("tus-patch", drop)
    log = []
    clip = ClipFile(open=lambda: ForwardOnly(VIDEO, log), size=len(VIDEO))
    adapter(dzen).publish(clip, META, checkpoint)
    assert bytes(dzen.upload().data) == VIDEO
    assert max(log) <= CHUNK


def test_large_files_stream_with_bounded_memory(dzen, checkpoint, sleeps, settings):
    """5 MB through 64 KiB chunks: no read, no request body larger than a chunk."""
    settings.DZEN_TUS_CHUNK_BYTES = 64 * 1024
    data = bytes(range(256)) * (5 * 4096)
    reads = []
    adapter(dzen).publish(clip_of(data, reads=reads), META, checkpoint)
    assert max(reads) <= 64 * 1024
    assert max(length for _, length in patches(dzen)) <= 64 * 1024
    assert sum(length for _, length in patches(dzen)) == len(data)
    assert bytes(dzen.upload().data) == data


def test_an_upload_the_server_already_has_sends_nothing(dzen, sleeps):
    offsets = []
    http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(
        204, headers={"Upload-Offset": str(len(VIDEO))})))
    TusUpload(http, f"https://{UPLOAD_HOST}/u/1", ClipReader(io.BytesIO(VIDEO), io.BytesIO),
              len(VIDEO), chunk_bytes=CHUNK, on_offset=offsets.append).run()
    assert offsets == [len(VIDEO)]


def test_a_server_holding_more_than_the_clip_is_not_our_upload():
    http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(
        200, headers={"Upload-Offset": str(len(VIDEO) + 1)})))
    with pytest.raises(UploadGone):
        TusUpload(http, f"https://{UPLOAD_HOST}/u/1", ClipReader(io.BytesIO(VIDEO), io.BytesIO),
                  len(VIDEO), chunk_bytes=CHUNK, on_offset=lambda offset: None).run()
