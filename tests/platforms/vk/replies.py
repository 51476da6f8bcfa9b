"""VK replies recorded from docs/platform-apis.md §1.1 and §2 (ids, names, shapes from the doc)."""

from __future__ import annotations

API_URL = "https://api.vk.test"
OAUTH_URL = "https://id.vk.test"
CLIENT_ID = "51234567"

ACCESS_TOKEN = "vk2.a.AbCsecretAccessToken0123456789"
REFRESH_TOKEN = "vk2.a.RfRsecretRefreshToken0123456789"
NEW_ACCESS_TOKEN = "vk2.a.NewSecretAccessToken9876543210"
NEW_REFRESH_TOKEN = "vk2.a.NewSecretRefreshToken9876543210"
PASTED_TOKEN = "vk1.a.PastedSecretUserToken0123456789"
SECRETS = (ACCESS_TOKEN, REFRESH_TOKEN, NEW_ACCESS_TOKEN, NEW_REFRESH_TOKEN, PASTED_TOKEN)

USER_ID = 1234567
DEVICE_ID = "dev-4f1c2a"
GROUP_ID = 218861756
OWNER_ID = -GROUP_ID
VIDEO_ID = 456239589
CLIP_ID = 456239600
_UPLOAD = f"https://vu.mycdn.test/upload.do?sig=s3cr3tsig&vkOwnerId={OWNER_ID}"
UPLOAD_URL = f"{_UPLOAD}&vkVideoId={VIDEO_ID}"
CLIP_UPLOAD_URL = f"{_UPLOAD}&vkVideoId={CLIP_ID}"


def ok(response):
    return {"response": response}


def error(code, msg="", method="video.save", **extra):
    """§2.1: an error object under HTTP 200."""
    body = {
        "error_code": code,
        "error_msg": msg or f"error {code}",
        "request_params": [{"key": "method", "value": method}, {"key": "v", "value": "5.199"}],
        **extra,
    }
    return {"error": body}


# §1.1
TOKEN = {
    "access_token": ACCESS_TOKEN,
    "refresh_token": REFRESH_TOKEN,
    "id_token": "eyJhbGciOi.x.y",
    "token_type": "Bearer",
    "expires_in": 3600,
    "user_id": USER_ID,
    "state": "q8Zr2",
    "scope": "vkid.personal_info video wall groups",
}
NEW_TOKEN = {**TOKEN, "access_token": NEW_ACCESS_TOKEN, "refresh_token": NEW_REFRESH_TOKEN}
INVALID_GRANT = {"error": "invalid_grant", "error_description": "Code is expired", "state": "q8Zr2"}

# §2.2
USERS_GET = ok(
    [{"id": USER_ID, "first_name": "Ivan", "last_name": "P", "can_access_closed": True,
      "is_closed": False}]
)


def group(gid=GROUP_ID, name="Клипы недели", screen_name="clips_week", is_admin=1, admin_level=3):
    return {"id": gid, "name": name, "screen_name": screen_name, "is_closed": 0, "type": "page",
            "is_admin": is_admin, "admin_level": admin_level}


def groups_by_id(**overrides):
    return ok({"groups": [group(**overrides)], "profiles": []})


def groups_get(*groups):
    return ok({"count": len(groups), "items": list(groups)})


# §2.3
VIDEO_SAVE = ok({"upload_url": UPLOAD_URL, "video_id": VIDEO_ID, "owner_id": OWNER_ID,
                 "title": "Clip 1", "description": "", "access_key": "8a1f0c"})
UPLOADED = {"video_hash": "2609408b91c1", "size": 1137878, "direct_link": "https://vu.mycdn.test/v",
            "owner_id": OWNER_ID, "video_id": VIDEO_ID}
UPLOAD_SERVER_ERROR = {"error": "upload failed", "error_code": 5, "error_descr": "internal"}
WALL_POST = ok({"post_id": 4711})

# §2.4
SHORT_VIDEO_CREATE = ok({"upload_url": CLIP_UPLOAD_URL, "video_id": CLIP_ID, "owner_id": OWNER_ID})
CLIP_UPLOADED = {"video_id": CLIP_ID, "owner_id": OWNER_ID}
SHORT_VIDEO_EDIT = ok(1)
SHORT_VIDEO_PUBLISH = ok({"wall_post_id": 4712})
NOT_PROCESSED = error(3001, "Video is not processed yet", method="shortVideo.publish")
VIDEO_DELETE = ok(1)


# §2.7
def video_item(vid=VIDEO_ID, owner=OWNER_ID, **fields):
    item = {"id": vid, "owner_id": owner, "type": "short_video", "title": "Clip 1", "duration": 27,
            "date": 1735689600, "views": 5321, "comments": 12,
            "likes": {"count": 210, "user_likes": 0},
            "reposts": {"count": 9, "wall_count": 7, "mail_count": 2, "user_reposted": 0},
            "player": "https://vk.com/video_ext.php?x", "width": 720, "height": 1280}
    item.update(fields)
    return {k: v for k, v in item.items() if v is not None}


def video_get(*items):
    return ok({"count": len(items), "items": list(items)})
