"""What VK's ids, links and text limits look like (docs/platform-apis.md §2.2–§2.6).

Pure functions, no I/O. Links are built on ``settings.VK_WEB_URL``, read at each call, so the
same code links to vk.com or to the sandbox's pages.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from django.conf import settings

from autopost.platforms.errors import PermanentError

NAME_LIMIT = 128  # §2.3 video.save name
DESCRIPTION_LIMIT = 5000  # §2.3 video.save description (also used for a clip's description)
ELLIPSIS = "…"
# Moscow has kept UTC+3 all year since 2014; a fixed offset needs no tz database.
MOSCOW = timezone(timedelta(hours=3), "MSK")

_VK_HOST = r"(?:https?://)?(?:m\.)?vk\.(?:com|ru)/"
_COMMUNITY_RE = re.compile(
    rf"^(?:-|(?:{_VK_HOST})?(?:club|public|event))(?P<gid>[1-9][0-9]{{0,11}})/?$"
)
_PAGE_RE = re.compile(rf"^(?:{_VK_HOST}id)?(?P<uid>[1-9][0-9]{{0,11}})/?$")
_KEY_RE = re.compile(r"^-?[1-9][0-9]{0,11}_[1-9][0-9]{0,11}$")


def trim(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending in «…» when it was longer."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def clip_description(title: str, description: str) -> str:
    """A clip has no name of its own: the title leads its description."""
    title, description = title.strip(), description.strip()
    text = f"{title}\n\n{description}" if title and description else title or description
    return trim(text, DESCRIPTION_LIMIT)


def invalid_target() -> PermanentError:
    return PermanentError(
        "vk_invalid_target",
        "Укажите свою страницу или сообщество как -<id сообщества> или ссылку vk.com/club<id>",
    )


def parse_target(target_id: str, user_id: int) -> int | None:
    """The community's positive ``group_id``, or ``None`` for the person's own page.

    Accepts ``-<gid>``, ``club<gid>``, ``public<gid>`` (or their vk.com links), the own user id
    and ``""``. Anyone else's page is refused: a user token posts only to its own page.
    """
    target_id = (target_id or "").strip()
    if not target_id:
        return None
    if match := _COMMUNITY_RE.match(target_id):
        return int(match["gid"])
    if (match := _PAGE_RE.match(target_id)) and int(match["uid"]) == user_id:
        return None
    raise invalid_target()


def group_id_of(target_id: str) -> int | None:
    """``-<gid>`` (a stored community target) → ``gid``; a page id → ``None``."""
    return int(target_id[1:]) if target_id.startswith("-") else None


def video_key(owner_id: int, video_id: int) -> str:
    """``<owner>_<id>``: the remote id, the ``videos`` item of ``video.get``, the link's tail."""
    return f"{owner_id}_{video_id}"


def is_video_key(remote_id: str) -> bool:
    return bool(_KEY_RE.match(remote_id))


def video_url(owner_id: int, video_id: int) -> str:
    return f"{settings.VK_WEB_URL}/video{video_key(owner_id, video_id)}"


def clip_url(owner_id: int, video_id: int) -> str:
    return f"{settings.VK_WEB_URL}/clip{video_key(owner_id, video_id)}"


def page_url(user_id: int) -> str:
    return f"{settings.VK_WEB_URL}/id{user_id}"


def community_url(group_id: int, screen_name: str = "") -> str:
    return f"{settings.VK_WEB_URL}/{screen_name or f'club{group_id}'}"


def full_name(first_name: str, last_name: str) -> str:
    return " ".join(part for part in (first_name.strip(), last_name.strip()) if part)


def seconds_until_moscow_midnight(now: datetime | None = None) -> float:
    """How long a daily quota (error 29) stays spent: VK's day turns over at midnight in Moscow."""
    now = (now or datetime.now(UTC)).astimezone(MOSCOW)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max((midnight - now).total_seconds(), 1.0)
