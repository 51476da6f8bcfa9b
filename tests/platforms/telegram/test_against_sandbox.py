"""The Telegram provider against the sandbox's Bot API over real HTTP.

Only the control API (``SandboxControl``) and the demo constants are used; the provider follows
docs/platform-apis.md, and a disagreement here is a sandbox bug to report, not a provider change.
"""

from __future__ import annotations

import functools
import hashlib
import io

import pytest
from django.conf import settings

from autopost.platforms.base import ClipFile, Metadata, Target
from autopost.platforms.errors import AuthExpired, PermanentError, RateLimited, TransientError
from autopost.platforms.telegram.adapter import TelegramAdapter
from autopost.sandbox import demo

from .fakes import FakeCheckpoint

VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 4000


@pytest.fixture
def telegram_sandbox(sandbox_control, settings):
    settings.TELEGRAM_API_URL = sandbox_control.telegram_api_url
    settings.TELEGRAM_LOCAL_API = False
    return sandbox_control


def connect(channel=demo.TELEGRAM_CHANNEL, bot_token=demo.TELEGRAM_BOT_TOKEN):
    return TelegramAdapter.validate_credentials(bot_token=bot_token, channel=channel)


def connected(channel=demo.TELEGRAM_CHANNEL) -> TelegramAdapter:
    info = connect(channel)
    target = Target(info.account_id, info.target_id, info.target_name, info.options)
    return TelegramAdapter(info.credentials, target)


def clip_of(data: bytes = VIDEO) -> ClipFile:
    return ClipFile(
        open=lambda: io.BytesIO(data), size=len(data), duration=27.4, width=720, height=1280
    )


def refused(**kwargs) -> PermanentError:
    with pytest.raises(PermanentError) as caught:
        connect(**kwargs)
    return caught.value


# --- connecting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "channel", [demo.TELEGRAM_CHANNEL, "https://t.me/autopost_demo", str(demo.TELEGRAM_CHANNEL_ID)]
)
def test_demo_bot_connects_to_the_demo_channel(telegram_sandbox, channel):
    info = connect(channel)

    assert info.account_id == str(demo.TELEGRAM_BOT_ID)
    assert info.account_name == f"@{demo.TELEGRAM_BOT_USERNAME}"
    assert info.target_id == str(demo.TELEGRAM_CHANNEL_ID)
    assert info.target_name == demo.TELEGRAM_CHANNEL_TITLE
    assert info.target_url == f"{settings.TELEGRAM_WEB_URL}/autopost_demo"


def test_private_channel_connects_by_id(telegram_sandbox):
    info = connect(str(demo.TELEGRAM_PRIVATE_CHANNEL_ID))

    assert info.target_name == demo.TELEGRAM_PRIVATE_CHANNEL_TITLE
    assert info.target_url == ""


def test_refusals_name_what_to_fix(telegram_sandbox):
    assert refused(bot_token=demo.TELEGRAM_REVOKED_BOT_TOKEN).code == "telegram_invalid_token"
    assert refused(channel="@no_such_channel_here").code == "telegram_chat_not_found"
    assert refused(channel=demo.TELEGRAM_NOT_MEMBER_CHANNEL).code == "telegram_bot_not_member"
    assert refused(channel=demo.TELEGRAM_READONLY_CHANNEL).code == "telegram_bot_not_admin"


def test_administrator_without_the_post_right_is_refused(telegram_sandbox):
    members = [
        {
            "user_id": demo.TELEGRAM_BOT_ID,
            "status": "administrator",
            "rights": {"can_post_messages": False},
        }
    ]
    telegram_sandbox.create_channel(
        "Без права постить", username="autopost_noright", members=members
    )

    assert refused(channel="@autopost_noright").code == "telegram_no_post_rights"


# --- publishing ------------------------------------------------------------------------------


def test_channel_receives_the_exact_bytes_once(telegram_sandbox):
    provider, checkpoint = connected(), FakeCheckpoint()

    first = provider.publish(clip_of(), Metadata("Лучший момент", "Описание клипа"), checkpoint)
    again = provider.publish(clip_of(), Metadata("Лучший момент", "Описание клипа"), checkpoint)

    assert again == first
    assert first.url == f"{settings.TELEGRAM_WEB_URL}/autopost_demo/{first.remote_id}"
    [message] = telegram_sandbox.telegram_messages(demo.TELEGRAM_CHANNEL)
    assert str(message["message_id"]) == first.remote_id
    assert message["sha256"] == hashlib.sha256(VIDEO).hexdigest()
    assert message["caption"] == "Лучший момент\n\nОписание клипа"
    assert message["part_name"] == "video"
    assert message["supports_streaming"] is True
    assert (message["width"], message["height"], message["duration"]) == (720, 1280, 27)


def test_private_channel_post_gets_a_c_link(telegram_sandbox):
    provider = connected(str(demo.TELEGRAM_PRIVATE_CHANNEL_ID))

    result = provider.publish(clip_of(), Metadata("Clip"), FakeCheckpoint())

    assert result.url == f"{settings.TELEGRAM_WEB_URL}/c/1000000004/{result.remote_id}"


def test_long_caption_is_trimmed_before_sending(telegram_sandbox):
    connected().publish(clip_of(), Metadata("Заголовок", "слово " * 400), FakeCheckpoint())

    [message] = telegram_sandbox.telegram_messages(demo.TELEGRAM_CHANNEL)
    assert len(message["caption"]) <= 1024
    assert message["caption"].endswith("…")


def test_faults_map_to_the_error_tree(telegram_sandbox):
    provider, checkpoint = connected(), FakeCheckpoint()
    telegram_sandbox.add_fault("rate_limit", method="sendVideo", retry_after=2)
    with pytest.raises(RateLimited) as rate_limited:
        provider.publish(clip_of(), Metadata("Clip"), checkpoint)
    telegram_sandbox.add_fault("http_500", method="sendVideo")
    with pytest.raises(TransientError):
        provider.publish(clip_of(), Metadata("Clip"), checkpoint)
    telegram_sandbox.add_fault("unauthorized", method="sendVideo")
    with pytest.raises(AuthExpired) as expired:
        provider.publish(clip_of(), Metadata("Clip"), checkpoint)

    assert rate_limited.value.retry_after_s == 2
    assert expired.value.message == "Токен истёк, переподключите платформу"
    assert checkpoint.data == {}
    assert telegram_sandbox.telegram_messages(demo.TELEGRAM_CHANNEL) == []


def test_oversized_upload_in_cloud_mode_is_too_large(telegram_sandbox, tmp_path):
    path = tmp_path / "big.mp4"
    with open(path, "wb") as fh:
        fh.truncate(50 * 1024 * 1024 + 1)
    # The clip claims to be small so that the request really reaches the server.
    clip = ClipFile(open=functools.partial(path.open, "rb"), size=1024)

    with pytest.raises(PermanentError) as caught:
        connected().publish(clip, Metadata("Clip"), FakeCheckpoint())

    assert caught.value.code == "file_too_large"
    assert caught.value.message == "Файл слишком большой для Telegram (максимум 50 МБ)"


def test_bot_without_rights_cannot_post(telegram_sandbox):
    target = Target(str(demo.TELEGRAM_BOT_ID), str(demo.TELEGRAM_READONLY_CHANNEL_ID))
    info = connect()
    provider = TelegramAdapter(info.credentials, target)

    with pytest.raises(PermanentError) as caught:
        provider.publish(clip_of(), Metadata("Clip"), FakeCheckpoint())

    assert caught.value.code == "telegram_no_post_rights"
