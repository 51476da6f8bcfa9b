"""Bot API objects as the server writes them (Bot API 9.x field sets).

Objects are complete: real clients refuse partial ones (platform-apis.md §8), so every field a
client requires is present even when the sandbox has nothing interesting to say in it.
"""

from __future__ import annotations

from autopost.sandbox.telegram.world import (
    ADMIN_RIGHTS,
    Bot,
    Channel,
    Member,
    Person,
    PostedMessage,
    StoredFile,
)


def user_json(user: Bot | Person) -> dict:
    data = {"id": user.id, "is_bot": isinstance(user, Bot), "first_name": user.first_name}
    if user.username:
        data["username"] = user.username
    return data


def me_json(bot: Bot) -> dict:
    """getMe: the bot's User with the bot-only capability flags."""
    return {
        **user_json(bot),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def chat_json(channel: Channel) -> dict:
    data = {"id": channel.id, "type": "channel", "title": channel.title}
    if channel.username:
        data["username"] = channel.username
    return data


def chat_full_info_json(channel: Channel) -> dict:
    """getChat: ChatFullInfo of a channel."""
    data = {
        **chat_json(channel),
        "accent_color_id": abs(channel.id) % 7,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
        "has_visible_history": True,
    }
    if channel.username:
        data["active_usernames"] = [channel.username]
    if channel.description:
        data["description"] = channel.description
    return data


def chat_member_json(member: Member, user: Bot | Person) -> dict:
    """A ChatMember of the kind its status names, with every field that kind requires."""
    data: dict = {"status": member.status, "user": user_json(user)}
    if member.status == "creator":
        data["is_anonymous"] = False
    elif member.status == "administrator":
        data["can_be_edited"] = False
        data["is_anonymous"] = False
        data.update({name: member.rights.get(name, False) for name in ADMIN_RIGHTS})
    elif member.status == "kicked":
        data["until_date"] = 0
    return data


def video_json(stored: StoredFile) -> dict:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "width": stored.width,
        "height": stored.height,
        "duration": stored.duration,
        "file_name": stored.file_name,
        "mime_type": stored.mime_type,
        "file_size": stored.size,
    }


def message_json(message: PostedMessage, channel: Channel, stored: StoredFile | None) -> dict:
    """A channel post: the channel is both the chat and the sender."""
    data = {
        "message_id": message.message_id,
        "date": message.date,
        "chat": chat_json(channel),
        "sender_chat": chat_json(channel),
    }
    if message.text is not None:
        data["text"] = message.text
    if stored is not None:
        data["video"] = video_json(stored)
    if message.caption:
        data["caption"] = message.caption
    return data


def file_json(stored: StoredFile, file_path: str) -> dict:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
        "file_path": file_path,
    }
