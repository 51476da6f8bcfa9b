"""Rutube replies recorded from docs/platform-apis.md §4 (ids, names and shapes from the doc)."""

from __future__ import annotations

API_URL = "https://rutube.test"

USERNAME = "anna@example.com"
PASSWORD = "Pa55-w0rd-секрет"
TOKEN = "3f9d0a7e5b1c4d2e8f6a9b0c1d2e3f4a5b6c7dc1"
USER_ID = 1234567
CHANNEL_NAME = "Анна Клипова"
VIDEO_ID = "6b32f2d1e8a94c0b9f3a77d5c2e1a0b4"
OTHER_VIDEO_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
SIGNED_URL = "https://autopost.example.net/clips/7/download?expires=1767225600&sig=5e3c0ffee"

TOKEN_AUTH = "POST /api/accounts/token_auth/"
PERSON = "GET /api/video/person/"
PROFILE = f"GET /api/profile/user/{USER_ID}/"
CREATE = "POST /api/video/"


def video_route(video_id: str = VIDEO_ID) -> str:
    return f"GET /api/video/{video_id}/"


def vote_route(video_id: str = VIDEO_ID) -> str:
    return f"GET /api/numerator/video/{video_id}/vote"


TOKEN_REPLY = {"token": TOKEN, "userid": USER_ID}
BAD_CREDENTIALS = {"non_field_errors": ["Unable to log in with provided credentials."]}
INVALID_TOKEN = {"detail": "Invalid token."}
NOT_FOUND = {"detail": "Not found."}
PROFILE_REPLY = {
    "id": USER_ID,
    "name": CHANNEL_NAME,
    "description": "Короткие клипы каждый день",
    "video_count": 2,
    "views": 5321,
    "subscribers": 48,
}
CREATED = {"video_id": VIDEO_ID}


def video(video_id: str = VIDEO_ID, **fields) -> dict:
    """§4.4's example video, plus the §4.2 processing fields."""
    return {
        "id": video_id,
        "title": "Clip 1",
        "hits": 5321,
        "comments_count": 4,
        "duration": 27,
        "is_hidden": False,
        "is_deleted": False,
        "created_ts": "2025-01-01T10:00:00",
        "category": {"id": 13, "name": "Разное"},
        "author": {"id": USER_ID, "name": CHANNEL_NAME},
        "status": "ready",
        "action_reason": None,
        **fields,
    }


def downloading(video_id: str = VIDEO_ID) -> dict:
    return video(video_id, status="processing", hits=0, comments_count=0,
                 action_reason={"id": 1, "name": "downloading_video"})


def person_page(*videos: dict) -> dict:
    """§4.4 batch shape."""
    return {"results": list(videos), "has_next": False, "next": None, "page": 1, "per_page": 20}


def votes(positive: int = 120, negative: int = 3) -> dict:
    return {"positive": positive, "negative": negative}
