"""Fidelity: python-telegram-bot 22, a client nobody here wrote, talks to the sandbox.

PTB parses every answer into its own classes and keeps fields it does not know in ``api_kwargs``;
an empty ``api_kwargs`` means the sandbox sent exactly the fields of the real object.
"""

import asyncio
import datetime as dtm
import hashlib

import av
import pytest
import telegram
from telegram import error as tg_error

from autopost.sandbox import demo


@pytest.fixture(scope="module")
def mp4(tmp_path_factory):
    """A real, small H.264 MP4 (vertical, one second) made with PyAV."""
    path = tmp_path_factory.mktemp("ptb") / "clip.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 72, 128, "yuv420p"
        for index in range(25):
            frame = av.VideoFrame(72, 128, "yuv420p")
            for plane in frame.planes:
                plane.update(bytes([index * 9 % 256]) * plane.buffer_size)
            frame.pts = index
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def run(sandbox_control, scenario, token=demo.TELEGRAM_BOT_TOKEN):
    """Run ``scenario(bot)`` with a PTB bot pointed at the sandbox."""

    async def main():
        bot = telegram.Bot(token, base_url=f"{sandbox_control.telegram_api_url}/bot")
        async with bot:
            return await scenario(bot)

    return asyncio.run(main())


def assert_no_unknown_fields(obj: telegram.TelegramObject) -> None:
    assert obj.api_kwargs == {}, f"{type(obj).__name__} got fields PTB does not know"


def test_ptb_reads_the_bot_the_channel_and_memberships(sandbox_control):
    async def scenario(bot):
        me = await bot.get_me()
        chat = await bot.get_chat(demo.TELEGRAM_CHANNEL)
        admin = await bot.get_chat_member(demo.TELEGRAM_CHANNEL, demo.TELEGRAM_BOT_ID)
        owner = await bot.get_chat_member(demo.TELEGRAM_CHANNEL, demo.TELEGRAM_OWNER_ID)
        member = await bot.get_chat_member(demo.TELEGRAM_READONLY_CHANNEL, demo.TELEGRAM_BOT_ID)
        left = await bot.get_chat_member(demo.TELEGRAM_NOT_MEMBER_CHANNEL, demo.TELEGRAM_BOT_ID)
        count = await bot.get_chat_member_count(demo.TELEGRAM_CHANNEL)
        return me, chat, admin, owner, member, left, count

    me, chat, admin, owner, member, left, count = run(sandbox_control, scenario)

    assert (me.id, me.username, me.is_bot) == (
        demo.TELEGRAM_BOT_ID,
        demo.TELEGRAM_BOT_USERNAME,
        True,
    )
    assert isinstance(chat, telegram.ChatFullInfo)
    assert chat.type == telegram.constants.ChatType.CHANNEL
    assert chat.id == demo.TELEGRAM_CHANNEL_ID
    assert isinstance(admin, telegram.ChatMemberAdministrator)
    assert admin.can_post_messages is True
    assert admin.user.id == demo.TELEGRAM_BOT_ID
    assert isinstance(owner, telegram.ChatMemberOwner)
    assert isinstance(member, telegram.ChatMemberMember)
    assert isinstance(left, telegram.ChatMemberLeft)
    assert count == demo.TELEGRAM_CHANNEL_MEMBER_COUNT
    for obj in (me, chat, chat.accepted_gift_types, admin, admin.user, owner, member, left):
        assert_no_unknown_fields(obj)


def test_ptb_send_video_uploads_a_real_mp4(sandbox_control, mp4):
    async def scenario(bot):
        with mp4.open("rb") as fh:
            return await bot.send_video(
                demo.TELEGRAM_CHANNEL,
                video=fh,
                caption="Закат над Невой",
                width=72,
                height=128,
                duration=1,
                supports_streaming=True,
            )

    message = run(sandbox_control, scenario)

    content = mp4.read_bytes()
    assert isinstance(message, telegram.Message)
    assert message.chat.type == telegram.constants.ChatType.CHANNEL
    assert message.sender_chat.id == demo.TELEGRAM_CHANNEL_ID
    assert message.caption == "Закат над Невой"
    assert message.video.file_size == len(content)
    assert (message.video.width, message.video.height) == (72, 128)
    assert message.link == f"https://t.me/{demo.TELEGRAM_CHANNEL[1:]}/{message.message_id}"
    for obj in (message, message.chat, message.sender_chat, message.video):
        assert_no_unknown_fields(obj)
    [logged] = sandbox_control.telegram_messages()
    assert logged["sha256"] == hashlib.sha256(content).hexdigest()
    assert logged["part_name"] == "video"
    assert logged["supports_streaming"] is True


def test_ptb_can_resend_by_file_id_and_describe_the_file(sandbox_control, mp4):
    async def scenario(bot):
        with mp4.open("rb") as fh:
            first = await bot.send_video(demo.TELEGRAM_CHANNEL, video=fh)
        again = await bot.send_video(demo.TELEGRAM_PRIVATE_CHANNEL_ID, video=first.video.file_id)
        file = await bot.get_file(first.video.file_id)
        return first, again, file

    first, again, file = run(sandbox_control, scenario)

    assert again.video.file_unique_id == first.video.file_unique_id
    assert file.file_size == mp4.stat().st_size
    assert_no_unknown_fields(file)


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        f"{demo.TELEGRAM_BOT_ID}:AAEsandbox-demo-token-autopost-XXXX",
        demo.TELEGRAM_REVOKED_BOT_TOKEN,
    ],
)
def test_ptb_raises_invalid_token(sandbox_control, token):
    async def scenario(bot):
        return await bot.get_me()

    with pytest.raises(tg_error.InvalidToken):
        run(sandbox_control, scenario, token=token)


@pytest.mark.parametrize(
    ("chat_id", "exception", "text"),
    [
        ("@no_such_channel", tg_error.BadRequest, "Chat not found"),
        (demo.TELEGRAM_READONLY_CHANNEL, tg_error.BadRequest, "Need administrator rights"),
        (demo.TELEGRAM_NOT_MEMBER_CHANNEL, tg_error.Forbidden, "bot is not a member"),
    ],
)
def test_ptb_raises_bad_request_and_forbidden(sandbox_control, mp4, chat_id, exception, text):
    async def scenario(bot):
        with mp4.open("rb") as fh:
            return await bot.send_video(chat_id, video=fh)

    with pytest.raises(exception, match=text):
        run(sandbox_control, scenario)
    assert sandbox_control.telegram_messages() == []


def test_ptb_raises_bad_request_for_a_long_caption(sandbox_control, mp4):
    async def scenario(bot):
        with mp4.open("rb") as fh:
            return await bot.send_video(demo.TELEGRAM_CHANNEL, video=fh, caption="x" * 1025)

    with pytest.raises(tg_error.BadRequest, match="Message caption is too long"):
        run(sandbox_control, scenario)


def retry_seconds(error: tg_error.RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else value


# PTB 22 warns that retry_after becomes a timedelta in its next major version.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_ptb_raises_retry_after_for_an_injected_429(sandbox_control, mp4):
    sandbox_control.add_fault("rate_limit", method="sendVideo", retry_after=3)

    async def scenario(bot):
        with mp4.open("rb") as fh:
            return await bot.send_video(demo.TELEGRAM_CHANNEL, video=fh)

    with pytest.raises(tg_error.RetryAfter) as raised:
        run(sandbox_control, scenario)
    assert retry_seconds(raised.value) == 3


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_ptb_raises_retry_after_for_the_channel_flood_limit(sandbox_control):
    sandbox_control.set_telegram_config(channel_messages_per_minute=2)

    async def scenario(bot):
        for _ in range(3):
            await bot.send_message(demo.TELEGRAM_CHANNEL, "пост")

    with pytest.raises(tg_error.RetryAfter) as raised:
        run(sandbox_control, scenario)
    assert 55 <= retry_seconds(raised.value) <= 60
    assert len(sandbox_control.telegram_messages()) == 2


def test_ptb_sees_a_dropped_connection_as_a_network_error(sandbox_control, mp4):
    sandbox_control.add_fault("drop_connection", method="sendVideo")

    async def scenario(bot):
        with mp4.open("rb") as fh:
            return await bot.send_video(demo.TELEGRAM_CHANNEL, video=fh)

    with pytest.raises(tg_error.NetworkError):
        run(sandbox_control, scenario)
