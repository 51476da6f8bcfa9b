"""Formatting creators read every day: durations, Moscow-time labels, platform marks, counters."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from autopost.accounts.plans import plan_allows
from autopost.platforms import PLATFORMS
from autopost.web import plan_notes
from autopost.web.publication_state import display_state

register = template.Library()

PLATFORM_MARKS = {"vk": "VK", "telegram": "TG", "rutube": "RT", "dzen": "Дз"}
MOSCOW = "Europe/Moscow"


def zone_label(zone_name: str, moment: datetime) -> str:
    """«МСК» for Moscow (what Russian creators write), otherwise the zone's abbreviation or offset."""
    if zone_name == MOSCOW:
        return _("MSK")
    abbreviation = moment.astimezone(ZoneInfo(zone_name)).strftime("%Z")
    return abbreviation if abbreviation and not abbreviation[0] in "+-" else f"UTC{abbreviation}"


@register.filter
def duration(seconds) -> str:
    if seconds in (None, ""):
        return "—"
    total = round(float(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


@register.filter
def zoned(moment: datetime | None, zone_name: str = MOSCOW) -> str:
    """«22.11.2026, 18:00 МСК»; today's and tomorrow's dates are said in words."""
    if not moment:
        return ""
    local = moment.astimezone(ZoneInfo(zone_name))
    today = timezone.now().astimezone(ZoneInfo(zone_name)).date()
    days = (local.date() - today).days
    if days == 0:
        day = _("today")
    elif days == 1:
        day = _("tomorrow")
    elif days == -1:
        day = _("yesterday")
    else:
        day = formats.date_format(local, "j E" if local.year == today.year else "j E Y")
    return f"{day}, {local:%H:%M} {zone_label(zone_name, moment)}"


@register.filter
def count(value) -> str:
    """12 345 with a thin non-breaking space, or «—» when the platform gave nothing."""
    if value is None:
        return "—"
    return f"{int(value):,}".replace(",", "\u202f")


@register.inclusion_tag("web/_platform_logo.html")
def platform_logo(platform: str, size: str = ""):
    return {"platform": platform, "mark": PLATFORM_MARKS.get(platform, platform[:2].upper()), "size": size}


@register.simple_tag
def publication_state(publication):
    return display_state(publication)


@register.filter
def publishes_anywhere(user) -> bool:
    """False on a plan without publishing (Free): pages explain instead of offering a dead button."""
    return any(plan_allows(user.plan, platform) for platform in PLATFORMS)


@register.simple_tag
def plan_summary(user) -> str:
    """What the user's plan allows, when it does not allow everything (empty otherwise)."""
    return plan_notes.plan_summary(user.plan)
