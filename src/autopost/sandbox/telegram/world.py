"""The Telegram world the emulator serves: bots, people, channels and their members, files, posts.

Only channels are modelled (autopost posts to channels). Membership follows the Bot API server's
access rules (platform-apis.md §3, §7): a public channel is visible to any bot, a private one only
to bots that have a member record.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import secrets
import shutil
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MB = 1024 * 1024
# Multipart upload limits of the cloud Bot API and of a local Bot API server (§3.4).
UPLOAD_LIMITS = {"cloud": 50 * MB, "local": 2000 * MB}
# What Telegram downloads for a `video` given as an HTTP URL, and what cloud getFile serves.
URL_DOWNLOAD_LIMIT = 20 * MB
CLOUD_GET_FILE_LIMIT = 20 * MB

Mode = Literal["cloud", "local"]
MemberStatus = Literal["creator", "administrator", "member", "left", "kicked"]
ACTIVE_STATUSES = ("creator", "administrator", "member")

# Every ChatMemberAdministrator flag of a channel; clients such as python-telegram-bot 22 reject
# an administrator record that lacks one of them (§8).
ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_post_messages",
    "can_edit_messages",
)


class TelegramConfig(BaseModel):
    """Switches of the emulated server, set with ``PUT /_control/telegram/config``."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    mode: Mode = "cloud"
    rate_limit: bool = True
    channel_messages_per_minute: int = Field(default=20, ge=1)
    # Keep uploaded bytes on disk, so getFile and the file download URL can serve them.
    keep_files: bool = False

    @property
    def upload_limit(self) -> int:
        return UPLOAD_LIMITS[self.mode]


@dataclass
class Person:
    id: int
    first_name: str
    username: str | None = None


@dataclass
class Bot:
    id: int
    token: str
    username: str
    first_name: str
    revoked: bool = False

    def __repr__(self) -> str:
        return f"Bot(id={self.id}, username={self.username!r}, revoked={self.revoked})"


@dataclass
class Member:
    status: MemberStatus
    # The can_* flags; meaningful for administrators only.
    rights: dict[str, bool] = field(default_factory=dict)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def can_post(self) -> bool:
        return self.status == "creator" or (
            self.status == "administrator" and self.rights.get("can_post_messages", False)
        )


@dataclass
class Channel:
    id: int
    title: str
    username: str | None = None
    description: str = ""
    member_count: int = 0
    members: dict[int, Member] = field(default_factory=dict)
    last_message_id: int = 0
    # Monotonic times of the posts of the last minute, for the per-channel rate limit.
    recent_posts: deque[float] = field(default_factory=deque)


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    size: int
    sha256: str
    file_name: str
    mime_type: str
    width: int = 0
    height: int = 0
    duration: int = 0
    # The bytes on disk, when the upload arrived with keep_files on.
    path: Path | None = None


@dataclass
class PostedMessage:
    """One entry of the received log: what a test compares against what it sent."""

    chat_id: int
    message_id: int
    date: int
    kind: Literal["video", "text"]
    received_at: str
    text: str | None = None
    caption: str | None = None
    parse_mode: str | None = None
    # How the video arrived: a part named "video", a part named by attach://, a file_id or a URL.
    video_source: Literal["part", "attach", "file_id", "url"] | None = None
    part_name: str | None = None
    filename: str | None = None
    file_id: str | None = None
    sha256: str | None = None
    size: int | None = None
    duration: int | None = None
    width: int | None = None
    height: int | None = None
    supports_streaming: bool | None = None


def new_token(bot_id: int) -> str:
    """A token of the real shape: ``<bot id>:<35 characters>``."""
    return f"{bot_id}:AA{secrets.token_urlsafe(32)[:33]}"


class TelegramWorld:
    def __init__(self, config: TelegramConfig):
        self.config = config
        self.bots: dict[int, Bot] = {}
        self.people: dict[int, Person] = {}
        self.channels: dict[int, Channel] = {}
        self.files: dict[str, StoredFile] = {}
        self.messages: list[PostedMessage] = []
        self._bot_ids = itertools.count(7_100_000_001)
        self._channel_ids = itertools.count(-1_002_100_000_001, -1)
        self._files_dir: Path | None = None

    def keep_dir(self) -> Path | None:
        """Where uploads are written, or None when they are only hashed (keep_files off)."""
        if not self.config.keep_files:
            return None
        if self._files_dir is None:
            self._files_dir = Path(tempfile.mkdtemp(prefix="autopost-sandbox-telegram-"))
        return self._files_dir

    def close(self) -> None:
        """Delete the kept uploads (on reset and at shutdown)."""
        if self._files_dir is not None:
            shutil.rmtree(self._files_dir, ignore_errors=True)
            self._files_dir = None

    # -- building the world (demo seed and control API) ------------------------------------------

    def add_bot(
        self,
        username: str | None,
        first_name: str,
        bot_id: int | None = None,
        token: str | None = None,
    ) -> Bot:
        bot_id = bot_id or next(i for i in self._bot_ids if self.user(i) is None)
        username = username or f"sandbox_{bot_id}_bot"
        bot = Bot(bot_id, token or new_token(bot_id), username, first_name)
        self.bots[bot.id] = bot
        return bot

    def add_person(self, person_id: int, first_name: str, username: str | None = None) -> Person:
        person = Person(person_id, first_name, username)
        self.people[person.id] = person
        return person

    def add_channel(
        self,
        title: str,
        username: str | None = None,
        channel_id: int | None = None,
        description: str = "",
        member_count: int = 0,
    ) -> Channel:
        channel_id = channel_id or next(i for i in self._channel_ids if i not in self.channels)
        channel = Channel(channel_id, title, username, description, member_count)
        self.channels[channel.id] = channel
        return channel

    @staticmethod
    def set_member(channel: Channel, user_id: int, status: MemberStatus, **rights: bool) -> Member:
        """Record a membership; administrators get every right unless ``rights`` withholds it."""
        granted = {name: rights.get(name, True) for name in ADMIN_RIGHTS}
        member = Member(status, granted if status == "administrator" else {})
        channel.members[user_id] = member
        return member

    # -- lookups ---------------------------------------------------------------------------------

    def bot_for_token(self, token: str) -> Bot | None:
        """The bot a token authenticates; None for unknown and revoked tokens."""
        bot_id = token.split(":", 1)[0]
        bot = self.bots.get(int(bot_id)) if bot_id.isdigit() else None
        if bot is None or bot.revoked or bot.token != token:
            return None
        return bot

    def user(self, user_id: int) -> Bot | Person | None:
        return self.bots.get(user_id) or self.people.get(user_id)

    def find_channel(self, chat_ref: str) -> Channel | None:
        """``@username`` (case-insensitive, as Telegram usernames are) or the numeric id."""
        if chat_ref.startswith("@"):
            wanted = chat_ref[1:].lower()
            return next(
                (c for c in self.channels.values() if c.username and c.username.lower() == wanted),
                None,
            )
        try:
            return self.channels.get(int(chat_ref))
        except ValueError:
            return None

    # -- posting ---------------------------------------------------------------------------------

    def retry_after(self, channel: Channel) -> int | None:
        """Seconds until the channel may post again, or None when it may post now."""
        if not self.config.rate_limit:
            return None
        now = time.monotonic()
        while channel.recent_posts and now - channel.recent_posts[0] >= 60:
            channel.recent_posts.popleft()
        if len(channel.recent_posts) < self.config.channel_messages_per_minute:
            return None
        return max(1, int(channel.recent_posts[0] + 60 - now + 0.999))

    def store_file(
        self,
        *,
        size: int,
        sha256: str,
        file_name: str,
        mime_type: str,
        path: Path | None,
        width: int,
        height: int,
        duration: int,
    ) -> StoredFile:
        number = len(self.files) + 1
        # file_unique_id is the same for the same bytes, as Telegram's is for the same file.
        unique = base64.urlsafe_b64encode(bytes.fromhex(sha256)[:9]).decode()
        file_id = "BAACAgIAAxkDAA" + base64.urlsafe_b64encode(
            hashlib.sha256(f"{number}:{sha256}".encode()).digest()[:33]
        ).decode().rstrip("=")
        extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else "mp4"
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=f"AgAD{unique}",
            file_path=f"videos/file_{number}.{extension}",
            size=size,
            sha256=sha256,
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
            duration=duration,
            path=path,
        )
        self.files[file_id] = stored
        return stored

    def post(self, channel: Channel, **fields) -> PostedMessage:
        """Record a message under the channel's next message id."""
        channel.last_message_id += 1
        channel.recent_posts.append(time.monotonic())
        message = PostedMessage(
            chat_id=channel.id,
            message_id=channel.last_message_id,
            date=int(time.time()),
            received_at=datetime.now(UTC).isoformat(),
            **fields,
        )
        self.messages.append(message)
        return message
