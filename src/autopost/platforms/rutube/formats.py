"""Rutube texts, links and processing states (docs/platform-apis.md §4). Pure functions, no I/O.

The API answers with ids only (§4.2), so links are built on ``settings.RUTUBE_WEB_URL``, read at
each call: rutube.ru, or the sandbox's pages.
"""

from __future__ import annotations

from enum import Enum

from django.conf import settings

from autopost.platforms.rutube.client import Video

# §4.2 documents no lengths. Rutube Studio's upload form stops titles at 100 characters and
# descriptions at 5000, so longer ones are cut here (with «…») instead of being refused.
TITLE_LIMIT = 100
DESCRIPTION_LIMIT = 5000
UNTITLED = "Без названия"
ELLIPSIS = "…"
CATEGORY_OTHER = 13  # §4.2 "Разное"


class Processing(Enum):
    WAITING = "waiting"
    READY = "ready"
    FAILED = "failed"
    DELETED = "deleted"


def trim(text: str, limit: int) -> str:
    """``text`` without outer whitespace, cut to ``limit`` characters with «…» if longer."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    return text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def video_title(title: str, description: str = "") -> str:
    """The title, else the description's first line: Rutube wants a title on every video."""
    first_line = next((line for line in (description or "").splitlines() if line.strip()), "")
    return trim(title, TITLE_LIMIT) or trim(first_line, TITLE_LIMIT) or UNTITLED


def video_description(description: str) -> str:
    return trim(description, DESCRIPTION_LIMIT)


def processing_state(video: Video) -> Processing:
    """§4.2: ``status`` "ready" / "error"; ``action_reason.name`` "moderation" counts as ready
    (the file is in, the video waits for review); ``is_deleted`` ends it."""
    if video.is_deleted:
        return Processing.DELETED
    status = (video.status or "").lower()
    if status == "error":
        return Processing.FAILED
    reason = (video.action_reason.name or "") if video.action_reason else ""
    if status == "ready" or reason.lower() == "moderation":
        return Processing.READY
    return Processing.WAITING


def video_url(video_id: str) -> str:
    return f"{settings.RUTUBE_WEB_URL}/video/{video_id}/"


def channel_url(user_id: int | str) -> str:
    return f"{settings.RUTUBE_WEB_URL}/channel/{user_id}/"
