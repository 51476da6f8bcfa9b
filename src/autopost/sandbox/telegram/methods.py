"""The Bot API methods the sandbox serves, keyed by lower-cased name (names are case-insensitive).

Access checks follow the Bot API server (Client::check_chat / check_chat_access): a kicked bot is
refused everywhere; a private channel is unknown to bots without a member record and closed to
non-members; a public channel is readable by anyone and writable by members; posting needs the
creator or an administrator with can_post_messages.
"""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable
from typing import Literal

from autopost.sandbox.telegram.calls import BotApiError, Call
from autopost.sandbox.telegram.media import stored_video, video_input
from autopost.sandbox.telegram.objects import (
    chat_full_info_json,
    chat_member_json,
    file_json,
    me_json,
    message_json,
)
from autopost.sandbox.telegram.world import CLOUD_GET_FILE_LIMIT, Channel, Member

CAPTION_LIMIT = 1024
TEXT_LIMIT = 4096

Access = Literal["read", "members", "write"]


def _channel(call: Call, access: Access) -> Channel:
    chat_ref = call.arg("chat_id")
    if not chat_ref:
        raise BotApiError(400, "Bad Request: chat_id is empty")
    channel = call.world.find_channel(chat_ref)
    member = channel.members.get(call.bot.id) if channel else None
    if channel is None or (channel.username is None and member is None):
        raise BotApiError(400, "Bad Request: chat not found")
    if member is not None and member.status == "kicked":
        raise BotApiError(403, "Forbidden: bot was kicked from the channel chat")
    needs_membership = access == "write" or channel.username is None
    if needs_membership and not (member and member.is_active):
        raise BotApiError(403, "Forbidden: bot is not a member of the channel chat")
    return channel


def _postable_channel(call: Call) -> Channel:
    channel = _channel(call, "write")
    if not channel.members[call.bot.id].can_post:
        raise BotApiError(400, "Bad Request: need administrator rights in the channel chat")
    return channel


def _check_rate(call: Call, channel: Channel) -> None:
    retry_after = call.world.retry_after(channel)
    if retry_after is not None:
        raise BotApiError.too_many_requests(retry_after)


_HTML_TAG = re.compile(r"<[^>]*>")
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_ESCAPE_OR_MARK = re.compile(r"\\(.)|[*_~|`]")


def _visible_text(text: str, parse_mode: str) -> str:
    """The text after entity parsing, which is what the length limits count.

    An approximation of Telegram's parsers: tags and markup characters go, escapes resolve.
    """
    mode = parse_mode.lower()
    if mode == "html":
        return html.unescape(_HTML_TAG.sub("", text))
    if mode in ("markdown", "markdownv2"):
        text = _MARKDOWN_LINK.sub(r"\1", text)
        return _MARKDOWN_ESCAPE_OR_MARK.sub(lambda match: match.group(1) or "", text)
    return text


async def get_me(call: Call) -> dict:
    return me_json(call.bot)


async def log_out(call: Call) -> bool:
    return True


async def get_chat(call: Call) -> dict:
    return chat_full_info_json(_channel(call, "read"))


async def get_chat_member(call: Call) -> dict:
    try:
        user_id = int(call.arg("user_id"))
    except ValueError:
        user_id = 0
    if user_id <= 0:
        raise BotApiError(400, "Bad Request: invalid user_id specified")
    about_itself = user_id == call.bot.id
    channel = _channel(call, "read" if about_itself else "members")
    own = channel.members.get(call.bot.id)
    if not about_itself and not (own and own.status in ("creator", "administrator")):
        raise BotApiError(400, "Bad Request: member list is inaccessible")
    user = call.world.user(user_id)
    if user is None:
        raise BotApiError(400, "Bad Request: user not found")
    return chat_member_json(channel.members.get(user_id, Member("left")), user)


async def get_chat_member_count(call: Call) -> int:
    return _channel(call, "members").member_count


async def send_message(call: Call) -> dict:
    if not call.arg("text"):
        raise BotApiError(400, "Bad Request: message text is empty")
    channel = _postable_channel(call)
    text = _visible_text(call.arg("text"), call.arg("parse_mode"))
    if len(text) > TEXT_LIMIT:
        raise BotApiError(400, "Bad Request: message is too long")
    _check_rate(call, channel)
    message = call.world.post(
        channel, kind="text", text=text, parse_mode=call.arg("parse_mode") or None
    )
    return message_json(message, channel, None)


async def send_video(call: Call) -> dict:
    video = video_input(call)
    channel = _postable_channel(call)
    caption = _visible_text(call.arg("caption"), call.arg("parse_mode"))
    if len(caption) > CAPTION_LIMIT:
        raise BotApiError(400, "Bad Request: message caption is too long")
    _check_rate(call, channel)
    stored = await stored_video(call, video)
    message = call.world.post(
        channel,
        kind="video",
        caption=caption or None,
        parse_mode=call.arg("parse_mode") or None,
        video_source=video.source,
        part_name=video.part.part_name if video.part else None,
        filename=stored.file_name,
        file_id=stored.file_id,
        sha256=stored.sha256,
        size=stored.size,
        duration=call.int_arg("duration", 86_400),
        width=call.int_arg("width", 10_000),
        height=call.int_arg("height", 10_000),
        supports_streaming=call.bool_arg("supports_streaming"),
    )
    return message_json(message, channel, stored)


async def get_file(call: Call) -> dict:
    stored = call.world.files.get(call.arg("file_id"))
    if stored is None:
        raise BotApiError(400, "Bad Request: invalid file_id")
    if call.world.config.mode == "local":
        # A local Bot API server answers with an absolute path on its own disk (§3.4).
        local_path = stored.path or f"/var/lib/telegram-bot-api/{call.bot.id}/{stored.file_path}"
        return file_json(stored, str(local_path))
    if stored.size > CLOUD_GET_FILE_LIMIT:
        raise BotApiError(400, "Bad Request: file is too big")
    return file_json(stored, stored.file_path)


METHODS: dict[str, Callable[[Call], Awaitable[object]]] = {
    "getme": get_me,
    "logout": log_out,
    "getchat": get_chat,
    "getchatmember": get_chat_member,
    "getchatmembercount": get_chat_member_count,
    "sendmessage": send_message,
    "sendvideo": send_video,
    "getfile": get_file,
}
