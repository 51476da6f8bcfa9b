"""Telegram: a bot posts clips to a channel where it is an administrator (docs/platform-apis.md §3).

Connect: the user pastes a @BotFather token and the channel; ``getMe`` → ``getChat`` →
``getChatMember`` prove the bot may post there. Publish: one streamed ``sendVideo``.
Only channels are accepted: the «Публикация сообщений» right this product checks exists only in
channels, and the post links below are channel links. The Bot API has no stats (§3.6).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import httpx
from django.conf import settings

from autopost.platforms.base import (
    Capabilities,
    Checkpoint,
    ClipFile,
    ConnectionInfo,
    Credentials,
    Limits,
    Metadata,
    Provider,
    PublishResult,
    Stats,
    Target,
)
from autopost.platforms.errors import AuthExpired, ClipFileMissing, PermanentError
from autopost.platforms.telegram.client import (
    CODE_BOT_NOT_MEMBER,
    CODE_NO_POST_RIGHTS,
    CODE_TOKEN_INVALID,
    MSG_BOT_NOT_MEMBER,
    MSG_NO_POST_RIGHTS,
    ChatMember,
    Message,
    TelegramClient,
    file_too_large,
    max_upload_bytes,
)
from autopost.platforms.telegram.formats import (
    BOT_TOKEN_RE,
    CAPTION_LIMIT,
    build_caption,
    channel_url,
    invalid_token,
    message_url,
    parse_channel,
)


def _check_may_post(member: ChatMember) -> None:
    """The bot must be the creator, or an administrator with ``can_post_messages``."""
    if member.status in ("left", "kicked"):
        raise PermanentError(CODE_BOT_NOT_MEMBER, MSG_BOT_NOT_MEMBER)
    if member.status not in ("creator", "administrator"):
        raise PermanentError(
            "telegram_bot_not_admin",
            "Бот не администратор канала: выдайте ему права администратора",
        )
    if member.status == "administrator" and member.can_post_messages is not True:
        raise PermanentError(CODE_NO_POST_RIGHTS, MSG_NO_POST_RIGHTS)


class TelegramAdapter(Provider):
    slug = "telegram"
    label = "Telegram"
    capabilities = Capabilities(stats=False, refresh=False, oauth=False)
    # §3.4 (unofficial): 20 posts a minute per channel, ~30 messages a second per bot.
    rate_limits = (("20/minute", "target"), ("30/second", "account"))

    def __init__(
        self,
        credentials: Credentials,
        target: Target,
        *,
        throttle=None,
        transport: httpx.BaseTransport | None = None,  # tests only
    ):
        super().__init__(credentials, target, throttle=throttle)
        self._transport = transport

    @classmethod
    def limits(cls) -> Limits:
        return Limits(
            max_file_size=max_upload_bytes(settings.TELEGRAM_LOCAL_API),
            max_title_chars=CAPTION_LIMIT,
        )

    # --- connecting -------------------------------------------------------------------------
    @classmethod
    def validate_credentials(
        cls,
        *,
        bot_token: str = "",
        channel: str = "",
        transport: httpx.BaseTransport | None = None,  # tests only
    ) -> ConnectionInfo:
        """Check that the bot exists and may post to the channel; see the module docstring.

        Raises ``PermanentError`` (``telegram_invalid_token``, ``telegram_invalid_channel``,
        ``telegram_chat_not_found``, ``telegram_not_a_channel``, ``telegram_bot_not_member``,
        ``telegram_bot_not_admin``, ``telegram_no_post_rights``), or ``RateLimited`` /
        ``TransientError`` when Telegram could not answer.
        """
        bot_token = (bot_token or "").strip()
        if not BOT_TOKEN_RE.match(bot_token):
            raise invalid_token()
        chat_ref = parse_channel(channel)
        try:
            with TelegramClient(bot_token, transport=transport) as client:
                bot = client.get_me()
                chat = client.get_chat(chat_ref)
                if chat.type != "channel":
                    raise PermanentError(
                        "telegram_not_a_channel",
                        "Это не канал: укажите Telegram-канал, а не группу или личный чат",
                    )
                member = client.get_chat_member(chat.id, bot.id)
        except AuthExpired:  # 401 / 404: Telegram does not know this token
            raise invalid_token() from None
        _check_may_post(member)
        return ConnectionInfo(
            account_id=str(bot.id),
            account_name=f"@{bot.username}" if bot.username else bot.first_name,
            target_id=str(chat.id),
            target_name=chat.title or chat.username or str(chat.id),
            target_url=channel_url(chat.username),
            options={"chat_username": chat.username or "", "bot_username": bot.username or ""},
            credentials=Credentials(access_token=bot_token),
        )

    def refresh(self) -> Credentials:
        """Bot tokens never expire and cannot be refreshed: a refused token needs a reconnect."""
        raise AuthExpired(code=CODE_TOKEN_INVALID)

    # --- publishing -------------------------------------------------------------------------
    def publish(self, clip: ClipFile, metadata: Metadata, checkpoint: Checkpoint) -> PublishResult:
        # The Bot API cannot look a message up, so an earlier attempt is trusted only through the
        # checkpoint. If the process dies after Telegram accepted the video but before
        # ``checkpoint.save`` ran, the retry posts again: that gap cannot be closed from here.
        if checkpoint.data.get("message_id") is not None:
            return self._result(checkpoint.data)
        local_api = settings.TELEGRAM_LOCAL_API
        if clip.size > max_upload_bytes(local_api):
            raise file_too_large(local_api)
        try:
            stream = clip.open()
        except FileNotFoundError:
            raise ClipFileMissing() from None
        with stream, self._client() as client:
            message = client.send_video(
                self.target.target_id,
                stream,
                filename=clip.filename,
                content_type=clip.content_type,
                caption=build_caption(metadata.title, metadata.description),
                width=clip.width,
                height=clip.height,
                duration=round(clip.duration) if clip.duration else None,
            )
            saved = self._saved(message)
            checkpoint.save(**saved)
        return self._result(saved)

    def _saved(self, message: Message) -> dict[str, Any]:
        """What the checkpoint keeps of a sent message: enough to answer a retry without sending."""
        username = message.chat.username or self.target.options.get("chat_username") or ""
        if message.message_id == 0:
            # §3.3: Telegram accepted the video but scheduled the post (large channels); there is
            # no message to link to yet. It will appear by itself, so this counts as published
            # and is never resent; the link points at the channel when it is public.
            url = channel_url(username)
        else:
            url = message_url(message.chat.id, username, message.message_id)
        return {"message_id": message.message_id, "chat_id": message.chat.id, "url": url}

    def _result(self, saved: Mapping[str, Any]) -> PublishResult:
        message_id = saved["message_id"]
        url = saved.get("url")
        if url is None:  # a checkpoint written without the url
            chat_id = saved.get("chat_id", self.target.target_id)
            url = message_url(chat_id, self.target.options.get("chat_username"), message_id)
        return PublishResult(remote_id=str(message_id) if message_id else "", url=url)

    def fetch_stats(self, remote_ids: Iterable[str]) -> dict[str, Stats]:
        """Always ``{}``: the Bot API exposes no view counts (§3.6, ``capabilities.stats`` off).

        An empty mapping means "no counters for any id", so a collector that ignores the
        capability shows «Статистика недоступна» instead of crashing.
        """
        return {}

    def _client(self) -> TelegramClient:
        return TelegramClient(self.credentials.access_token, transport=self._transport)
