"""The publish dialog's «when»: now, or a wall-clock time in an explicitly chosen time zone.

A creator in Yekaterinburg who types 18:00 means 18:00 there, so the zone is part of the answer
and Moscow (what Russian creators and platforms quote) is the default. Whether the time is in the
future is the publish service's rule, not checked again here.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MOSCOW = "Europe/Moscow"
# (IANA name, label): Russia's zones west to east, then UTC. Offsets as Russians say them.
ZONES = (
    ("Europe/Kaliningrad", gettext_lazy("Kaliningrad, MSK−1")),
    (MOSCOW, gettext_lazy("Moscow, MSK")),
    ("Europe/Samara", gettext_lazy("Samara, MSK+1")),
    ("Asia/Yekaterinburg", gettext_lazy("Yekaterinburg, MSK+2")),
    ("Asia/Omsk", gettext_lazy("Omsk, MSK+3")),
    ("Asia/Novosibirsk", gettext_lazy("Novosibirsk, MSK+4")),
    ("Asia/Krasnoyarsk", gettext_lazy("Krasnoyarsk, MSK+4")),
    ("Asia/Irkutsk", gettext_lazy("Irkutsk, MSK+5")),
    ("Asia/Yakutsk", gettext_lazy("Yakutsk, MSK+6")),
    ("Asia/Vladivostok", gettext_lazy("Vladivostok, MSK+7")),
    ("Asia/Magadan", gettext_lazy("Magadan, MSK+8")),
    ("Asia/Kamchatka", gettext_lazy("Kamchatka, MSK+9")),
    ("UTC", "UTC"),
)
INPUT_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")


class ScheduleError(ValueError):
    """The «when» answer cannot be read; ``message`` is for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_schedule(when: str, local_time: str, zone_name: str = MOSCOW) -> datetime | None:
    """None for «now»; otherwise the aware moment ``local_time`` (a datetime-local value) names
    in ``zone_name``. Raises ``ScheduleError``."""
    if when != "later":
        return None
    if zone_name not in dict(ZONES):
        raise ScheduleError(_("Choose a time zone from the list"))
    local_time = (local_time or "").strip()
    if not local_time:
        raise ScheduleError(_("Choose the date and time of publication"))
    for input_format in INPUT_FORMATS:
        try:
            moment = datetime.strptime(local_time, input_format)
        except ValueError:
            continue
        return moment.replace(tzinfo=ZoneInfo(zone_name))
    raise ScheduleError(_("The date and time are not valid: use the calendar to pick them"))
