"""The Дзен provider against the sandbox's Дзен (Studio page, editor API, TUS host) over real HTTP.

Only the control API (``SandboxControl``) and the demo constants are used; the provider follows
docs/platform-apis.md §5, and a disagreement here is a sandbox bug to report, not a provider
change. Faults that must hit one particular request (a PATCH in the middle of the upload) are
queued from the checkpoint, at the moment the provider saves the step before it, so this file
needs no knowledge of the sandbox's internal method names.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable

import pytest
from django.conf import settings

from autopost.platforms.base import ClipFile, Metadata, Stats, Target
from autopost.platforms.dzen.adapter import DzenAdapter
from autopost.platforms.errors import AuthExpired, PermanentError, RateLimited, TransientError
from autopost.sandbox import demo

CHUNK = 64 * 1024
VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 2560  # 640 KiB + 12: 11 chunks
SHA256 = hashlib.sha256(VIDEO).hexdigest()
SESSION = f"Session_id={demo.DZEN_SESSION_ID}; yandexuid=1234567891735689600"
META = Metadata(title="Кот и пылесос", description="Смотрите до конца")


class Crash(Exception):
    """A worker dying in the middle of an attempt."""


class HookedCheckpoint:
    """A checkpoint that runs ``hook(values, data)`` after each save (to inject faults)."""

    def __init__(self, hook: Callable[[dict, dict], None] | None = None):
        self.data: dict = {}
        self.hook = hook

    def save(self, **values):
        self.data.update(values)
        if self.hook is not None:
            self.hook(values, self.data)


@pytest.fixture
def dzen_sandbox(sandbox_control, settings):
    settings.DZEN_URL = sandbox_control.dzen_url
    settings.DZEN_POLL_SECONDS = 0.02
    settings.DZEN_POLL_ATTEMPTS = 250
    settings.DZEN_TUS_CHUNK_BYTES = CHUNK
    sandbox_control.set_dzen_config(conversion_s=0)
    return sandbox_control


def connect(session=SESSION, channel=demo.DZEN_PUBLISHER_ID):
    return DzenAdapter.validate_credentials(session=session, channel=channel)


def connected() -> DzenAdapter:
    info = connect()
    return DzenAdapter(info.credentials, Target(info.account_id, info.target_id,
                                                info.target_name, info.options))


def clip_of(data: bytes = VIDEO) -> ClipFile:
    return ClipFile(open=lambda: io.BytesIO(data), size=len(data), filename="clip-1.mp4",
                    duration=27.4, width=720, height=1280)


def publications(control) -> list[dict]:
    return control.dzen_publications(demo.DZEN_PUBLISHER_ID)


# --- connecting -----------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", [demo.DZEN_PUBLISHER_ID,
                                     f"https://dzen.ru/id/{demo.DZEN_PUBLISHER_ID}"])
def test_the_demo_session_connects_to_the_demo_channel(dzen_sandbox, channel):
    info = connect(channel=channel)
    assert info.target_id == demo.DZEN_PUBLISHER_ID
    assert info.target_url == f"{settings.DZEN_WEB_URL}/id/{demo.DZEN_PUBLISHER_ID}"
    assert json.loads(info.credentials.access_token)["Session_id"] == demo.DZEN_SESSION_ID
    assert demo.DZEN_CSRF_TOKEN not in info.credentials.access_token


def test_a_browser_cookie_export_connects(dzen_sandbox):
    export = [{"name": "Session_id", "value": demo.DZEN_SESSION_ID, "domain": ".dzen.ru",
               "path": "/", "httpOnly": True, "secure": True},
              {"name": "Session_id", "value": "yandex", "domain": ".yandex.ru"}]
    assert connect(session=json.dumps(export)).target_id == demo.DZEN_PUBLISHER_ID


def test_an_expired_session_is_refused(dzen_sandbox):
    with pytest.raises(PermanentError) as caught:
        connect(session=f"Session_id={demo.DZEN_EXPIRED_SESSION_ID}")
    assert caught.value.code == "dzen_session_expired"


def test_an_unknown_session_is_refused(dzen_sandbox):
    with pytest.raises(PermanentError) as caught:
        connect(session="Session_id=3:1735689600.5.0.unknown")
    assert caught.value.code == "dzen_session_expired"


def test_someone_elses_channel_is_forbidden(dzen_sandbox):
    with pytest.raises(PermanentError) as caught:
        connect(channel=demo.DZEN_OTHER_PUBLISHER_ID)
    assert caught.value.code == "dzen_forbidden"


def test_verify_until_the_session_expires(dzen_sandbox):
    provider = connected()
    provider.verify()
    dzen_sandbox.expire_dzen_session(demo.DZEN_SESSION_ID)
    with pytest.raises(AuthExpired) as caught:
        provider.verify()
    assert caught.value.code == "dzen_session_expired"


# --- publishing -----------------------------------------------------------------------------------


def test_a_clip_is_published_as_a_short(dzen_sandbox):
    checkpoint = HookedCheckpoint()
    result = connected().publish(clip_of(), META, checkpoint)
    assert result.url == f"{settings.DZEN_WEB_URL}/shorts/{result.remote_id}"
    [publication] = publications(dzen_sandbox)
    assert publication["publication_id"] == result.remote_id
    assert publication["sha256"] == SHA256 and publication["size"] == len(VIDEO)
    assert publication["published"] and publication["title"] == META.title
    assert publication["snippet"] == META.description
    assert publication["visibility_type"] == "all" and publication["comments_flag_state"] == "on"
    assert checkpoint.data["stage"] == "done"
    assert dzen_sandbox.dzen_validations() == []  # validate-video is skipped on purpose


def test_conversion_is_waited_for(dzen_sandbox):
    dzen_sandbox.set_dzen_config(conversion_s=0.3)
    result = connected().publish(clip_of(), META, HookedCheckpoint())
    [publication] = publications(dzen_sandbox)
    assert publication["publication_id"] == result.remote_id and publication["published"]


def test_a_failed_conversion_fails_the_publication(dzen_sandbox):
    dzen_sandbox.set_dzen_config(fail_conversion=True)
    with pytest.raises(PermanentError) as caught:
        connected().publish(clip_of(), META, HookedCheckpoint())
    assert caught.value.code == "dzen_conversion_failed"
    assert not publications(dzen_sandbox)[0]["published"]


def test_a_connection_dropped_at_40_percent_resumes(dzen_sandbox):
    def drop_the_fifth_chunk(values, data):
        if values.get("upload_offset") == 4 * CHUNK:  # 4 of 11 chunks confirmed: ~40 %
            dzen_sandbox.add_fault("drop_connection", platform="dzen", after_bytes=CHUNK // 2)

    checkpoint = HookedCheckpoint(drop_the_fifth_chunk)
    result = connected().publish(clip_of(), META, checkpoint)
    [publication] = publications(dzen_sandbox)
    assert publication["publication_id"] == result.remote_id
    assert publication["sha256"] == SHA256 and publication["published"]
    assert publication["upload"]["interrupted"] == 1 and dzen_sandbox.faults() == []


def test_a_crashed_upload_resumes_without_a_second_draft(dzen_sandbox):
    def crash_after_three_chunks(values, data):
        if values.get("upload_offset") == 3 * CHUNK:
            raise Crash()

    checkpoint = HookedCheckpoint(crash_after_three_chunks)
    with pytest.raises(Crash):
        connected().publish(clip_of(), META, checkpoint)
    [half] = publications(dzen_sandbox)
    assert half["upload"]["offset"] == 3 * CHUNK

    checkpoint.hook = None
    result = connected().publish(clip_of(), META, checkpoint)
    [publication] = publications(dzen_sandbox)
    assert publication["publication_id"] == result.remote_id == half["publication_id"]
    assert publication["sha256"] == SHA256 and publication["published"]


@pytest.mark.parametrize("crash_at", ["created", "upload_started", "uploaded", "finished"])
def test_a_crash_after_any_stage_publishes_once(dzen_sandbox, crash_at):
    def crash(values, data):
        if values.get("stage") == crash_at:
            raise Crash()

    checkpoint = HookedCheckpoint(crash)
    with pytest.raises(Crash):
        connected().publish(clip_of(), META, checkpoint)
    checkpoint.hook = None
    result = connected().publish(clip_of(), META, checkpoint)
    [publication] = publications(dzen_sandbox)
    assert publication["publication_id"] == result.remote_id
    assert publication["sha256"] == SHA256 and publication["published"]


def test_a_rotated_csrf_token_is_fetched_again(dzen_sandbox):
    def rotate(values, data):
        if values.get("stage") == "created":
            dzen_sandbox.rotate_dzen_csrf(demo.DZEN_SESSION_ID)

    result = connected().publish(clip_of(), META, HookedCheckpoint(rotate))
    assert publications(dzen_sandbox)[0]["publication_id"] == result.remote_id


def test_a_session_expiring_mid_publication_keeps_the_draft(dzen_sandbox):
    def expire(values, data):
        if values.get("stage") == "uploaded":
            dzen_sandbox.expire_dzen_session(demo.DZEN_SESSION_ID)

    checkpoint = HookedCheckpoint(expire)
    with pytest.raises(AuthExpired) as caught:
        connected().publish(clip_of(), META, checkpoint)
    assert caught.value.code == "dzen_session_expired"
    assert checkpoint.data["publication_id"] == publications(dzen_sandbox)[0]["publication_id"]


def test_rate_limits_and_server_errors(dzen_sandbox):
    provider = connected()
    dzen_sandbox.add_fault("rate_limit", platform="dzen", retry_after=9)
    checkpoint = HookedCheckpoint()
    with pytest.raises(RateLimited) as caught:
        provider.publish(clip_of(), META, checkpoint)
    assert caught.value.retry_after_s == 9
    dzen_sandbox.add_fault("http_500", platform="dzen")
    with pytest.raises(TransientError):
        provider.publish(clip_of(), META, checkpoint)
    provider.publish(clip_of(), META, checkpoint)
    assert len(publications(dzen_sandbox)) == 1


# --- stats ----------------------------------------------------------------------------------------


def test_stats_of_published_shorts(dzen_sandbox):
    provider = connected()
    first = provider.publish(clip_of(), META, HookedCheckpoint()).remote_id
    second = provider.publish(clip_of(), META, HookedCheckpoint()).remote_id
    dzen_sandbox.set_dzen_counters(first, views=120, likes=7, comments=3, shares=2)
    dzen_sandbox.set_dzen_counters(second, views=5, likes=0, comments=0, shares=0)
    stats = provider.fetch_stats([first, second, "000000000000000000000000"])
    assert stats == {first: Stats(views=120, likes=7, comments=3, reposts=2),
                     second: Stats(views=5, likes=0, comments=0, reposts=0)}


def test_stats_are_read_across_pages(dzen_sandbox):
    """101 shorts: the documented pageSize=100 needs a second page."""
    provider = connected()
    ids = [provider.publish(clip_of(b"x" * 100), META, HookedCheckpoint()).remote_id
           for _ in range(101)]
    dzen_sandbox.set_dzen_counters(ids[0], views=11, likes=1, comments=0, shares=0)
    dzen_sandbox.set_dzen_counters(ids[-1], views=22, likes=2, comments=0, shares=0)
    calls = []
    reader = DzenAdapter(provider.credentials, provider.target,
                         throttle=lambda: calls.append(1))
    stats = reader.fetch_stats([ids[0], ids[-1]])
    assert (stats[ids[0]].views, stats[ids[-1]].views) == (11, 22)
    assert len(calls) == 3  # the Studio page and two stats2 pages
