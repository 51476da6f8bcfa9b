"""The VK provider against the sandbox's VK (API, upload server, VK ID) over real HTTP.

Only the control API (``SandboxControl``) and the demo constants are used; the provider follows
docs/platform-apis.md, and a disagreement here is a sandbox bug to report, not a provider change.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import secrets
import threading
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.conf import settings

from autopost.platforms.base import ClipFile, Credentials, Metadata, Stats, Target
from autopost.platforms.errors import AuthExpired, PermanentError, RateLimited, TransientError
from autopost.platforms.vk.adapter import VkAdapter
from autopost.sandbox import demo

from .fakes import FakeCheckpoint

VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 4000
SHA256 = hashlib.sha256(VIDEO).hexdigest()
GROUP = f"-{demo.VK_GROUP_ID}"
OWNER = -demo.VK_GROUP_ID
REDIRECT_URI = "http://127.0.0.1:8000/oauth/vk/callback"


@pytest.fixture
def vk_sandbox(sandbox_control, settings):
    settings.VK_API_URL = sandbox_control.vk_api_url
    settings.VK_OAUTH_URL = sandbox_control.vk_id_url
    settings.VK_CLIENT_ID = demo.VK_ID_CLIENT_ID
    settings.VK_CLIP_POLL_SECONDS = 0.01
    settings.VK_CLIP_POLL_ATTEMPTS = 12
    # The 3 req/s window has a test of its own; elsewhere nothing paces the calls.
    sandbox_control.set_vk_config(rate_limit=False, processing_s=0, clip_not_ready_polls=0)
    return sandbox_control


def connect(access_token=demo.VK_USER_TOKEN, target_id=GROUP):
    return VkAdapter.validate_credentials(access_token=access_token, target_id=target_id)


def provider_for(info, throttle=None, **options) -> VkAdapter:
    target = Target(info.account_id, info.target_id, info.target_name,
                    {**info.options, **options})
    return VkAdapter(info.credentials, target, throttle=throttle)


def connected(target_id=GROUP, **options) -> VkAdapter:
    return provider_for(connect(target_id=target_id), **options)


def clip_of(data: bytes = VIDEO) -> ClipFile:
    return ClipFile(open=lambda: io.BytesIO(data), size=len(data), duration=27.4,
                    width=720, height=1280)


def live(videos: list[dict]) -> list[dict]:
    return [video for video in videos if not video["deleted"]]


def refused(**kwargs) -> PermanentError:
    with pytest.raises(PermanentError) as caught:
        connect(**kwargs)
    return caught.value


# --- connecting with a pasted token ------------------------------------------------------------


def test_pasted_token_connects_to_the_community(vk_sandbox):
    info = connect()

    assert (info.account_id, info.account_name) == (str(demo.VK_USER_ID), "Иван Петров")
    assert (info.target_id, info.target_name) == (GROUP, demo.VK_GROUP_NAME)
    assert info.target_url == f"{settings.VK_WEB_URL}/{demo.VK_GROUP_SCREEN_NAME}"
    assert info.options["token_source"] == "pasted"


def test_pasted_token_connects_to_the_own_page(vk_sandbox):
    info = connect(target_id="")

    assert info.target_id == str(demo.VK_USER_ID)
    assert info.target_url == f"{settings.VK_WEB_URL}/id{demo.VK_USER_ID}"


def test_refusals_name_what_to_fix(vk_sandbox):
    assert refused(access_token=demo.VK_NO_VIDEO_TOKEN).code == "vk_no_video_scope"
    assert refused(access_token=demo.VK_EXPIRED_TOKEN).code == "vk_invalid_token"
    assert refused(access_token="vk1.a.no-such-token").code == "vk_invalid_token"
    assert refused(access_token=demo.VK_COMMUNITY_TOKEN).code == "vk_community_token"
    assert refused(target_id=f"-{demo.VK_MEMBER_GROUP_ID}").code == "vk_not_group_admin"


def test_an_editor_may_connect_a_community_but_a_moderator_may_not(vk_sandbox):
    managers = [{"user_id": demo.VK_USER_ID, "role": "editor"}]
    edited = vk_sandbox.create_vk_community("Редакция", admins=managers)
    managers = [{"user_id": demo.VK_USER_ID, "role": "moderator"}]
    moderated = vk_sandbox.create_vk_community("Модерация", admins=managers)

    assert connect(target_id=f"-{edited['id']}").target_name == "Редакция"
    assert refused(target_id=f"-{moderated['id']}").code == "vk_not_group_admin"


def test_targets_are_the_page_and_the_administered_community(vk_sandbox):
    choices = connected().list_targets()

    assert [(c.target_id, c.kind) for c in choices] == [
        (str(demo.VK_USER_ID), "page"), (GROUP, "community")]
    assert choices[1].url == f"{settings.VK_WEB_URL}/{demo.VK_GROUP_SCREEN_NAME}"


# --- publishing --------------------------------------------------------------------------------


def test_clip_reaches_the_community_once_with_the_exact_bytes(vk_sandbox):
    provider, checkpoint = connected(), FakeCheckpoint()

    first = provider.publish(clip_of(), Metadata("Лучший момент", "Описание"), checkpoint)
    again = provider.publish(clip_of(), Metadata("Лучший момент", "Описание"), checkpoint)

    assert again == first
    [clip] = live(vk_sandbox.vk_videos(OWNER))
    assert first.remote_id == f"{OWNER}_{clip['video_id']}"
    assert first.url == f"{settings.VK_WEB_URL}/clip{first.remote_id}"
    assert (clip["kind"], clip["part_name"], clip["sha256"]) == ("clip", "file", SHA256)
    assert clip["published"] is True
    assert clip["description"] == "Лучший момент\n\nОписание"
    assert "clip_fallback" not in checkpoint.data


def test_clip_is_polled_while_vk_processes_it(vk_sandbox):
    vk_sandbox.set_vk_config(clip_not_ready_polls=3)
    checkpoint = FakeCheckpoint()

    result = connected().publish(clip_of(), Metadata("Clip"), checkpoint)

    assert result.url.startswith(f"{settings.VK_WEB_URL}/clip")
    assert "clip_fallback" not in checkpoint.data


def test_clip_that_never_gets_ready_becomes_a_video(vk_sandbox, settings):
    settings.VK_CLIP_POLL_ATTEMPTS = 2
    vk_sandbox.set_vk_config(clip_not_ready_polls=5)
    checkpoint = FakeCheckpoint()

    result = connected().publish(clip_of(), Metadata("Clip"), checkpoint)

    clip, video = vk_sandbox.vk_videos(OWNER)
    assert (clip["kind"], clip["deleted"], clip["published"]) == ("clip", True, False)
    assert (video["kind"], video["part_name"], video["sha256"]) == ("video", "video_file", SHA256)
    assert result.url == f"{settings.VK_WEB_URL}/video{OWNER}_{video['video_id']}"
    assert checkpoint.data["clip_fallback"] == "vk_clip_processing"


def test_video_with_a_wall_post_from_the_community(vk_sandbox):
    checkpoint = FakeCheckpoint()

    result = connected(publish_as="video", wall_post=True).publish(
        clip_of(), Metadata("Видео " + "д" * 200, "Описание"), checkpoint)

    [video] = live(vk_sandbox.vk_videos(OWNER))
    assert len(video["name"]) == 128 and video["name"].endswith("…")
    assert (video["part_name"], video["sha256"]) == ("video_file", SHA256)
    [post] = vk_sandbox.vk_posts()
    assert post["owner_id"] == OWNER
    assert post["post_id"] == checkpoint.data["post_id"]
    assert post["videos"] == [result.remote_id]
    assert post["from_id"] == OWNER  # from_group=1: the community posts, not the person
    assert result.url == f"{settings.VK_WEB_URL}/video{result.remote_id}"


def test_retry_after_a_failed_wall_post_neither_uploads_nor_posts_twice(vk_sandbox):
    provider, checkpoint = connected(publish_as="video", wall_post=True), FakeCheckpoint()
    vk_sandbox.add_fault("api_error", platform="vk", method="wall.post", error_code=10)

    with pytest.raises(TransientError):
        provider.publish(clip_of(), Metadata("Clip"), checkpoint)
    result = provider.publish(clip_of(), Metadata("Clip"), checkpoint)

    [video] = vk_sandbox.vk_videos(OWNER)
    assert result.remote_id == f"{OWNER}_{video['video_id']}"
    assert len(vk_sandbox.vk_posts()) == 1


def test_upload_server_error_is_retried_once(vk_sandbox):
    vk_sandbox.add_fault("upload_error", platform="vk", method="upload", error_code=5)

    connected(publish_as="video").publish(clip_of(), Metadata("Clip"), FakeCheckpoint())

    [video] = vk_sandbox.vk_videos(OWNER)
    assert video["sha256"] == SHA256


def test_placeholder_left_by_failed_uploads_is_replaced_on_retry(vk_sandbox):
    provider, checkpoint = connected(publish_as="video"), FakeCheckpoint()
    vk_sandbox.add_fault("upload_error", platform="vk", method="upload", error_code=5, count=2)

    with pytest.raises(TransientError) as caught:
        provider.publish(clip_of(), Metadata("Clip"), checkpoint)
    assert caught.value.code == "vk_upload_failed"
    assert checkpoint.data["stage"] == "created"
    result = provider.publish(clip_of(), Metadata("Clip"), checkpoint)

    placeholder, video = vk_sandbox.vk_videos(OWNER)
    assert (placeholder["uploaded"], placeholder["deleted"]) == (False, True)
    assert (video["uploaded"], video["sha256"]) == (True, SHA256)
    assert result.remote_id == f"{OWNER}_{video['video_id']}"


def test_retry_after_a_rate_limited_clip_publish_does_not_upload_again(vk_sandbox):
    provider, checkpoint = connected(), FakeCheckpoint()
    vk_sandbox.add_fault("api_error", platform="vk", method="shortVideo.publish", error_code=6,
                         count=3)

    with pytest.raises(RateLimited):
        provider.publish(clip_of(), Metadata("Clip"), checkpoint)
    assert checkpoint.data["stage"] == "edited"
    result = provider.publish(clip_of(), Metadata("Clip"), checkpoint)

    [clip] = vk_sandbox.vk_videos(OWNER)
    assert (clip["kind"], clip["published"], clip["deleted"]) == ("clip", True, False)
    assert result.url == f"{settings.VK_WEB_URL}/clip{OWNER}_{clip['video_id']}"


def test_stats_come_from_video_get(vk_sandbox):
    provider = connected()
    result = provider.publish(clip_of(), Metadata("Clip"), FakeCheckpoint())
    owner_id, video_id = map(int, result.remote_id.split("_"))
    vk_sandbox.set_vk_video_counters(owner_id, video_id, views=5321, likes=210, comments=12,
                                     reposts=9)

    stats = provider.fetch_stats([result.remote_id, f"{OWNER}_1"])

    assert stats == {result.remote_id: Stats(views=5321, likes=210, comments=12, reposts=9)}


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error_code", "error_class", "code"),
    [(6, RateLimited, "vk_too_many_requests"), (9, RateLimited, "vk_flood_control"),
     (14, RateLimited, "vk_captcha"), (29, RateLimited, "vk_quota_exceeded"),
     (10, TransientError, "vk_server_error"), (5, AuthExpired, "vk_token_invalid"),
     (1117, AuthExpired, "vk_token_expired"), (203, PermanentError, "vk_not_group_admin"),
     (214, PermanentError, "vk_wall_denied"), (704, PermanentError, "vk_2fa_required")],
)
def test_injected_api_errors_map_to_the_error_tree(vk_sandbox, error_code, error_class, code):
    provider = connected(publish_as="video")
    # Error 6 is resent twice inline before it surfaces.
    vk_sandbox.add_fault("api_error", platform="vk", method="video.save", error_code=error_code,
                         count=3 if error_code == 6 else 1)

    with pytest.raises(error_class) as caught:
        provider.publish(clip_of(), Metadata("Clip"), FakeCheckpoint())

    assert caught.value.code == code
    assert demo.VK_USER_TOKEN not in str(caught.value) + repr(caught.value)


def test_expired_token_stops_publishing_before_anything_is_made(vk_sandbox):
    token = vk_sandbox.create_vk_token(user_id=demo.VK_USER_ID)["token"]
    info = connect(access_token=token)
    vk_sandbox.expire_vk_token(token)
    checkpoint = FakeCheckpoint()

    with pytest.raises(AuthExpired) as caught:
        provider_for(info).publish(clip_of(), Metadata("Clip"), checkpoint)

    assert caught.value.code == "vk_token_expired"
    assert checkpoint.data == {}
    assert live(vk_sandbox.vk_videos(OWNER)) == []


def test_a_burst_over_the_sandbox_rate_window_is_absorbed_and_a_3_per_second_throttle_avoids_it(vk_sandbox):
    vk_sandbox.set_vk_config(rate_limit=True)
    time.sleep(1.1)  # the fixture's connect calls leave the window
    provider_info = connect(target_id="")
    provider = provider_for(provider_info)
    time.sleep(1.1)

    # Unthrottled, the burst trips VK's window; the inline resends of error 6 absorb it.
    for _ in range(5):
        provider.list_targets()

    time.sleep(1.1)
    paced = provider_for(provider_info, throttle=ThreeASecond())
    for _ in range(3):
        paced.list_targets()


class ThreeASecond:
    """What the worker's shared limiter does for "3/second": at most 3 calls in any second."""

    def __init__(self):
        self.calls: list[float] = []
        self.lock = threading.Lock()

    def __call__(self):
        with self.lock:
            now = time.monotonic()
            recent = [t for t in self.calls if now - t < 1.05]
            if len(recent) >= 3:
                time.sleep(1.05 - (now - recent[-3]))
            self.calls = recent[-2:] + [time.monotonic()]


# --- VK ID ---------------------------------------------------------------------------------------


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


def consent(url: str) -> dict[str, str]:
    """The signed-in person presses «allow»; returns the callback's query."""
    page = httpx.get(url)
    assert page.status_code == 200
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)[1]
    base = urlsplit(url)
    answer = httpx.post(f"{base.scheme}://{base.netloc}{action}", data={**form, "decision": "allow"})
    assert answer.status_code in (302, 303)
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    return {key: values[0] for key, values in parse_qs(location.query).items()}


def vk_id_connect():
    verifier, challenge = pkce()
    state = secrets.token_urlsafe(16)
    callback = consent(VkAdapter.authorize_url(state=state, code_challenge=challenge,
                                               redirect_uri=REDIRECT_URI))
    assert callback["state"] == state
    return callback, verifier, VkAdapter.exchange_code(
        code=callback["code"], code_verifier=verifier, redirect_uri=REDIRECT_URI,
        state=state, device_id=callback["device_id"])


def test_vk_id_connects_publishes_and_refreshes(vk_sandbox):
    callback, _, info = vk_id_connect()

    assert (info.account_id, info.account_name) == (str(demo.VK_USER_ID), "Иван Петров")
    assert info.target_id == str(demo.VK_USER_ID)
    assert info.options["device_id"] == callback["device_id"]
    assert info.options["token_source"] == "vk_id"
    assert info.credentials.refresh_token and info.credentials.expires_at

    provider = provider_for(info, publish_as="video")
    result = provider.publish(clip_of(), Metadata("Clip"), FakeCheckpoint())
    assert result.remote_id.startswith(f"{demo.VK_USER_ID}_")

    fresh = provider.refresh()
    assert fresh.access_token != info.credentials.access_token
    assert fresh.refresh_token != info.credentials.refresh_token
    target = provider.target
    renewed = VkAdapter(fresh, target)
    assert renewed.list_targets()[0].target_id == str(demo.VK_USER_ID)
    with pytest.raises(AuthExpired):  # the old refresh token was used up by the rotation
        provider.refresh()


def test_a_code_is_good_once(vk_sandbox):
    callback, verifier, _ = vk_id_connect()

    with pytest.raises(AuthExpired) as caught:
        VkAdapter.exchange_code(code=callback["code"], code_verifier=verifier,
                                redirect_uri=REDIRECT_URI, state=callback["state"],
                                device_id=callback["device_id"])

    assert caught.value.code == "vk_code_expired"


def test_a_wrong_verifier_is_refused(vk_sandbox):
    verifier, challenge = pkce()
    callback = consent(VkAdapter.authorize_url(state="s1", code_challenge=challenge,
                                               redirect_uri=REDIRECT_URI))

    with pytest.raises(AuthExpired):
        VkAdapter.exchange_code(code=callback["code"], code_verifier=pkce()[0],
                                redirect_uri=REDIRECT_URI, state="s1",
                                device_id=callback["device_id"])


def test_refresh_without_the_device_id_is_refused(vk_sandbox):
    _, _, info = vk_id_connect()
    target = Target(info.account_id, info.target_id, info.target_name,
                    {**info.options, "device_id": "another-device"})

    with pytest.raises(AuthExpired):
        VkAdapter(Credentials(info.credentials.access_token, info.credentials.refresh_token),
                  target).refresh()
