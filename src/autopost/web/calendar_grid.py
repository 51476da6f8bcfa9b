"""Date maths of the publications calendar, kept free of Django so it is easy to test.

Weeks start on Monday (as in Russia). Ranges are half-open ``[start, end)`` in the calendar's zone,
so an item at 00:00 belongs to the day that begins then.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MONTH = "month"
WEEK = "week"
VIEWS = (MONTH, WEEK)

_FIRST_YEAR, _LAST_YEAR = 2000, 2999
_MONDAY_FIRST = calendar.Calendar(firstweekday=calendar.MONDAY)


@dataclass(frozen=True)
class Period:
    view: str
    anchor: date  # the day the period was asked for; its week or month is shown
    weeks: list[list[date]]  # rows of seven days, Monday first (one row for the week view)

    @property
    def first_day(self) -> date:
        return self.weeks[0][0]

    @property
    def last_day(self) -> date:
        return self.weeks[-1][-1]

    @property
    def days(self) -> list[date]:
        return [day for week in self.weeks for day in week]

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The aware instants the grid covers: its first midnight up to the midnight after it."""
        return midnight(self.first_day, zone), midnight(self.last_day + timedelta(days=1), zone)

    def previous(self) -> date:
        if self.view == WEEK:
            return self.anchor - timedelta(days=7)
        return add_months(self.anchor, -1)

    def next(self) -> date:
        if self.view == WEEK:
            return self.anchor + timedelta(days=7)
        return add_months(self.anchor, 1)

    def contains(self, day: date) -> bool:
        """Whether ``day`` is in the period itself (a month grid also shows neighbouring days)."""
        if self.view == WEEK:
            return self.first_day <= day <= self.last_day
        return (day.year, day.month) == (self.anchor.year, self.anchor.month)


def period(view: str, anchor: date) -> Period:
    if view == WEEK:
        monday = anchor - timedelta(days=anchor.weekday())
        return Period(WEEK, anchor, [[monday + timedelta(days=n) for n in range(7)]])
    return Period(MONTH, anchor, _MONDAY_FIRST.monthdatescalendar(anchor.year, anchor.month))


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def parse_view(value: str | None) -> str:
    return value if value in VIEWS else MONTH


def parse_anchor(value: str | None, today: date) -> date:
    """``YYYY-MM-DD`` from the query string; anything else (or nothing) means today.

    Years far from now are refused too: the grid's neighbours of year 1 or 9999 do not exist.
    """
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return today
    return day if _FIRST_YEAR <= day.year <= _LAST_YEAR else today
