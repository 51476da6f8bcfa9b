"""What users paste and what Telegram's texts and links look like (docs/platform-apis.md §3).

Pure functions, no I/O: bot token and channel checks, the caption, post URLs (on
``settings.TELEGRAM_WEB_URL``, read at each call: t.me, or the sandbox's pages).
"""

from __future__ import annotations

import re

from django.conf import settings

from autopost.platforms.errors import PermanentError

CAPTION_LIMIT = 1024  # §3.3
ELLIPSIS = "…"

BOT_TOKEN_RE = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{1,100}$")
# Usernames: 4–32 of [A-Za-z0-9_], starting with a letter, not ending with "_".
CHANNEL_RE = re.compile(
    r"^(?:@|(?:https?://)?(?:www\.)?(?:t|telegram)\.me/(?:s/)?)?"
    r"(?P<username>[A-Za-z][A-Za-z0-9_]{2,30}[A-Za-z0-9])/?$"
)
CHANNEL_ID_RE = re.compile(r"^-100[0-9]{1,16}$")
INVITE_LINK_RE = re.compile(r"^(?:https?://)?(?:www\.)?(?:t|telegram)\.me/(?:\+|joinchat/)")


def invalid_token() -> PermanentError:
    return PermanentError(
        "telegram_invalid_token", "Неверный токен бота: проверьте его в @BotFather"
    )


def parse_channel(channel: str) -> str:
    """``@name``, ``name``, ``https://t.me/name`` → ``@name``; ``-100…`` stays as is."""
    channel = (channel or "").strip()
    if CHANNEL_ID_RE.match(channel):
        return channel
    if match := CHANNEL_RE.match(channel):
        return "@" + match["username"]
    if INVITE_LINK_RE.match(channel):
        message = "Ссылка-приглашение не подходит: укажите @имя канала или его числовой ID (-100…)"
    else:
        message = "Укажите канал как @имя, ссылку https://t.me/имя или числовой ID (-100…)"
    raise PermanentError("telegram_invalid_channel", message)


def _utf16_units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def _fit(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` UTF-16 units with «…» at the end if it was longer.

    Telegram measures text in UTF-16 units, never fewer than Python's characters: counting
    them keeps captions with emoji inside the limit too.
    """
    if sum(map(_utf16_units, text)) <= limit:
        return text
    units, end = 0, 0
    for end, char in enumerate(text):
        units += _utf16_units(char)
        if units > limit - len(ELLIPSIS):
            break
    return text[:end].rstrip() + ELLIPSIS


def build_caption(title: str, description: str = "", limit: int = CAPTION_LIMIT) -> str:
    """Title first, a blank line, then the description trimmed with «…» to fit ``limit``."""
    title, description = title.strip(), description.strip()
    if not title or not description:
        return _fit(title or description, limit)
    head = f"{_fit(title, limit)}\n\n"
    room = limit - sum(map(_utf16_units, head))
    if room <= len(ELLIPSIS):  # no room for a single character of the description
        return head.rstrip()
    return head + _fit(description, room)


def message_url(chat_id: int | str, username: str | None, message_id: int) -> str:
    """``https://t.me/<username>/<id>`` for a public channel, ``https://t.me/c/<id>/<id>`` else."""
    if username:
        return f"{settings.TELEGRAM_WEB_URL}/{username}/{message_id}"
    return f"{settings.TELEGRAM_WEB_URL}/c/{str(chat_id).removeprefix('-100')}/{message_id}"


def channel_url(username: str | None) -> str:
    """The channel's public link, or ``""`` for a private channel."""
    return f"{settings.TELEGRAM_WEB_URL}/{username}" if username else ""
