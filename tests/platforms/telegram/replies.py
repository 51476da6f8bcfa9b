"""Telegram replies recorded from docs/platform-apis.md §3 and §8 (ids and names from the doc)."""

BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
BOT_ID = 123456789
CHAT_ID = -1001234567890
BASE_URL = "https://api.telegram.test"

# §3.1
GET_ME = {
    "ok": True,
    "result": {
        "id": BOT_ID,
        "is_bot": True,
        "first_name": "Clipper",
        "username": "clipper_bot",
        "can_join_groups": True,
    },
}

# §3.1 ChatFullInfo, complete as §8 asks of a faithful server
GET_CHAT = {
    "ok": True,
    "result": {
        "id": CHAT_ID,
        "type": "channel",
        "title": "My clips",
        "username": "myclips",
        "accent_color_id": 0,
        "max_reaction_count": 11,
    },
}

GET_CHAT_PRIVATE = {
    "ok": True,
    "result": {
        "id": CHAT_ID,
        "type": "channel",
        "title": "Secret clips",
        "accent_color_id": 0,
        "max_reaction_count": 11,
    },
}

# §3.1 + §8: an administrator ChatMember with the full set of rights
ADMIN = {
    "status": "administrator",
    "user": GET_ME["result"],
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": True,
    "can_edit_stories": True,
    "can_delete_stories": True,
    "can_post_messages": True,
    "can_edit_messages": True,
}


def chat_member(**overrides):
    return {"ok": True, "result": {**ADMIN, **overrides}}


def plain_member(status):
    return {"ok": True, "result": {"status": status, "user": GET_ME["result"]}}


# §3.3 (the doc's own example)
SEND_VIDEO = {
    "ok": True,
    "result": {
        "message_id": 812,
        "date": 1735689600,
        "chat": {"id": CHAT_ID, "type": "channel", "title": "My clips", "username": "myclips"},
        "sender_chat": {"id": CHAT_ID, "type": "channel", "title": "My clips"},
        "caption": "Clip 1",
        "video": {
            "file_id": "BAACAgIAAx",
            "file_unique_id": "AgAD5x",
            "width": 720,
            "height": 1280,
            "duration": 27,
            "mime_type": "video/mp4",
            "file_size": 8123456,
        },
    },
}


def sent_video(**overrides):
    result = {**SEND_VIDEO["result"], **overrides}
    return {"ok": True, "result": result}


def error(code, description, **parameters):
    body = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body
