"""The Rutube provider against the sandbox's Rutube over real HTTP.

Only the control API (``SandboxControl``) and the demo constants are used; the provider follows
docs/platform-apis.md §4, and a disagreement here is a sandbox bug to report, not a provider
change. The sandbox really pulls the clip: a small HTTP server started here serves it, and its
URL is the clip's ``signed_url``.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from django.conf import settings

from autopost.platforms.base import ClipFile, Metadata, Stats, Target
from autopost.platforms.errors import (
    AuthExpired,
    PermanentError,
    PlatformError,
    RateLimited,
    TransientError,
)
from autopost.platforms.rutube.adapter import RutubeAdapter
from autopost.sandbox import demo

from .fakes import FakeCheckpoint

VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 2000
METADATA = Metadata("Лучший момент", "Описание клипа")


class ClipServer:
    """Serves ``VIDEO`` at ``/clip.mp4`` (404 elsewhere) and remembers the paths asked for."""

    def __init__(self):
        self.paths: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.paths.append(self.path)
                if self.path.split("?")[0] != "/clip.mp4":
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "video/mp4")
                self.send_header("Content-Length", str(len(VIDEO)))
                self.end_headers()
                self.wfile.write(VIDEO)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str = "/clip.mp4") -> str:
        return f"{self.base}{path}?expires=1767225600&sig=5e3c0ffee"


@pytest.fixture
def clip_server() -> Iterator[ClipServer]:
    server = ClipServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


@pytest.fixture
def rutube_sandbox(sandbox_control, settings):
    settings.RUTUBE_API_URL = sandbox_control.rutube_api_url
    settings.RUTUBE_POLL_SECONDS = 0.05
    settings.RUTUBE_POLL_ATTEMPTS = 200
    sandbox_control.set_rutube_config(processing_s=0.2)
    return sandbox_control


def log_in(username=demo.RUTUBE_EMAIL, password=demo.RUTUBE_PASSWORD):
    return RutubeAdapter.validate_credentials(username=username, password=password)


def connected() -> RutubeAdapter:
    info = log_in()
    target = Target(info.account_id, info.target_id, info.target_name, info.options)
    return RutubeAdapter(info.credentials, target)


def clip_at(url: str | None) -> ClipFile:
    return ClipFile(open=lambda: io.BytesIO(VIDEO), size=len(VIDEO), signed_url=url)


def failing(call, error=PlatformError) -> PlatformError:
    with pytest.raises(error) as caught:
        call()
    return caught.value


def downloaded(control, video_id: str, timeout_s: float = 10.0) -> None:
    """Wait until the sandbox has pulled the file: processing time counts from then, so the
    Rutube clock is moved only after it."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if any(v["video_id"] == video_id and v["downloaded_at"] for v in control.rutube_videos()):
            return
        time.sleep(0.02)
    raise AssertionError("the sandbox never downloaded the clip")


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- connecting ------------------------------------------------------------------------------


@pytest.mark.parametrize("username", [demo.RUTUBE_EMAIL, demo.RUTUBE_PHONE])
def test_demo_account_logs_in_with_email_or_phone(rutube_sandbox, username):
    info = log_in(username)

    assert (info.account_id, info.account_name) == (str(demo.RUTUBE_USERID), demo.RUTUBE_NAME)
    assert (info.target_id, info.target_name) == (str(demo.RUTUBE_USERID), demo.RUTUBE_NAME)
    assert info.target_url == f"{settings.RUTUBE_WEB_URL}/channel/{demo.RUTUBE_USERID}/"
    assert info.credentials.access_token == demo.RUTUBE_TOKEN
    assert info.options == {}


def test_wrong_password_is_refused_without_repeating_it(rutube_sandbox):
    error = failing(lambda: log_in(password="not-the-password-1"), PermanentError)

    assert (error.code, error.message) == ("rutube_bad_credentials",
                                           "Неверный логин или пароль Rutube")
    assert "not-the-password-1" not in repr(error) + str(error)


def test_pasted_token_needs_a_video_on_the_channel_to_name_it(rutube_sandbox, clip_server):
    paste = lambda: RutubeAdapter.validate_credentials(token=demo.RUTUBE_TOKEN)  # noqa: E731
    assert failing(paste, PermanentError).code == "rutube_user_unknown"

    connected().publish(clip_at(clip_server.url()), METADATA, FakeCheckpoint())
    info = paste()

    assert (info.account_id, info.target_name) == (str(demo.RUTUBE_USERID), demo.RUTUBE_NAME)


def test_revoked_token_expires_the_connection(rutube_sandbox, clip_server):
    provider = connected()
    provider.verify()
    rutube_sandbox.revoke_rutube_token(demo.RUTUBE_TOKEN)

    assert failing(provider.verify, AuthExpired).code == "rutube_token_invalid"
    checkpoint = FakeCheckpoint()
    publish = lambda: provider.publish(clip_at(clip_server.url()), METADATA, checkpoint)  # noqa
    assert failing(publish, AuthExpired).code == "rutube_token_invalid"
    assert checkpoint.data == {} and rutube_sandbox.rutube_videos() == []
    bad = lambda: RutubeAdapter.validate_credentials(token=demo.RUTUBE_TOKEN)  # noqa: E731
    assert failing(bad, PermanentError).code == "rutube_invalid_token"


# --- publishing ------------------------------------------------------------------------------


def test_rutube_pulls_the_exact_bytes_once(rutube_sandbox, clip_server):
    provider, checkpoint = connected(), FakeCheckpoint()

    first = provider.publish(clip_at(clip_server.url()), METADATA, checkpoint)
    again = provider.publish(clip_at(clip_server.url()), METADATA, checkpoint)

    assert again == first
    assert first.url == f"{settings.RUTUBE_WEB_URL}/video/{first.remote_id}/"
    [video] = rutube_sandbox.rutube_videos(demo.RUTUBE_USERID)
    assert video["video_id"] == first.remote_id
    assert video["status"] == "ready"
    assert video["source_url"] == clip_server.url()
    assert video["sha256"] == hashlib.sha256(VIDEO).hexdigest()
    assert video["size"] == len(VIDEO)
    assert (video["title"], video["description"]) == ("Лучший момент", "Описание клипа")
    assert (video["category_id"], video["is_hidden"]) == (13, False)
    assert len(clip_server.paths) == 1


def test_retry_after_the_polls_ran_out_waits_for_the_same_video(rutube_sandbox, clip_server,
                                                               settings):
    rutube_sandbox.set_rutube_config(processing_s=3600)
    settings.RUTUBE_POLL_ATTEMPTS = 2
    provider, checkpoint = connected(), FakeCheckpoint()
    publish = lambda: provider.publish(clip_at(clip_server.url()), METADATA, checkpoint)  # noqa

    assert failing(publish, TransientError).code == "rutube_still_processing"
    video_id = checkpoint.data["video_id"]
    downloaded(rutube_sandbox, video_id)
    rutube_sandbox.advance_rutube_clock(3600)
    result = publish()

    assert result.remote_id == video_id
    assert [v["video_id"] for v in rutube_sandbox.rutube_videos()] == [video_id]


@pytest.mark.parametrize("where", ["missing_path", "closed_port", "fail_downloads"])
def test_clip_rutube_cannot_download_fails_for_good(rutube_sandbox, clip_server, where):
    url = clip_server.url()
    if where == "missing_path":
        url = clip_server.url("/gone.mp4")
    elif where == "closed_port":
        url = f"http://127.0.0.1:{unused_port()}/clip.mp4"
    else:
        rutube_sandbox.set_rutube_config(fail_downloads=True)
    checkpoint = FakeCheckpoint()

    error = failing(lambda: connected().publish(clip_at(url), METADATA, checkpoint),
                    PermanentError)

    assert error.code == "rutube_processing_failed"
    assert "Rutube не смог скачать или обработать клип" in error.message
    [video] = rutube_sandbox.rutube_videos()
    assert video["status"] == "error"
    assert checkpoint.data["video_id"] is None
    assert checkpoint.data["failed_video_id"] == video["video_id"]


def test_video_deleted_on_the_site_while_processing(rutube_sandbox, clip_server, settings):
    rutube_sandbox.set_rutube_config(processing_s=3600)
    settings.RUTUBE_POLL_ATTEMPTS = 1
    provider, checkpoint = connected(), FakeCheckpoint()
    publish = lambda: provider.publish(clip_at(clip_server.url()), METADATA, checkpoint)  # noqa
    failing(publish, TransientError)

    rutube_sandbox.delete_rutube_video_on_site(checkpoint.data["video_id"])

    assert failing(publish, PermanentError).code == "rutube_video_gone"


def test_no_public_link_no_request(rutube_sandbox):
    error = failing(lambda: connected().publish(clip_at(None), METADATA, FakeCheckpoint()),
                    PermanentError)

    assert error.code == "rutube_no_public_url"
    assert rutube_sandbox.rutube_videos() == []


@pytest.mark.parametrize(("kind", "error", "code"), [
    ("rate_limit", RateLimited, "rutube_rate_limited"),
    ("http_500", TransientError, "rutube_server_error"),
    ("http_502", TransientError, "rutube_server_error"),
    ("unauthorized", AuthExpired, "rutube_token_invalid"),
])
def test_injected_faults_on_the_post_save_nothing(rutube_sandbox, clip_server, kind, error, code):
    provider, checkpoint = connected(), FakeCheckpoint()
    rutube_sandbox.add_fault(kind, platform="rutube", retry_after=7)

    caught = failing(lambda: provider.publish(clip_at(clip_server.url()), METADATA, checkpoint),
                     error)

    assert caught.code == code
    if kind == "rate_limit":
        assert caught.retry_after_s == 7
    assert checkpoint.data == {} and rutube_sandbox.rutube_videos() == []


def test_a_server_error_while_polling_is_ridden_out(rutube_sandbox, clip_server, settings):
    rutube_sandbox.set_rutube_config(processing_s=3600)
    settings.RUTUBE_POLL_ATTEMPTS = 1
    provider, checkpoint = connected(), FakeCheckpoint()
    publish = lambda: provider.publish(clip_at(clip_server.url()), METADATA, checkpoint)  # noqa
    failing(publish, TransientError)
    downloaded(rutube_sandbox, checkpoint.data["video_id"])
    rutube_sandbox.advance_rutube_clock(3600)
    settings.RUTUBE_POLL_ATTEMPTS = 5
    rutube_sandbox.add_fault("http_500", platform="rutube")

    assert publish().remote_id == checkpoint.data["video_id"]
    assert len(rutube_sandbox.rutube_videos()) == 1


# --- stats -----------------------------------------------------------------------------------


def test_stats_read_views_comments_and_likes(rutube_sandbox, clip_server):
    provider = connected()
    ids = [provider.publish(clip_at(clip_server.url()), Metadata(f"Клип {n}"),
                            FakeCheckpoint()).remote_id for n in range(3)]
    rutube_sandbox.set_rutube_counters(ids[0], hits=5321, comments_count=4, positive=120,
                                       negative=3)
    rutube_sandbox.set_rutube_counters(ids[1], hits=7)
    rutube_sandbox.delete_rutube_video_on_site(ids[2])

    stats = provider.fetch_stats([*ids, "0" * 32])

    assert stats == {
        ids[0]: Stats(views=5321, likes=120, comments=4, reposts=None),
        ids[1]: Stats(views=7, likes=0, comments=0, reposts=None),
    }
