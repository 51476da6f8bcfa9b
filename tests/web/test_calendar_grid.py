"""The calendar's date maths: Monday-first grids, navigation, and Moscow-day bounds."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from autopost.web import calendar_grid
from autopost.web.calendar_grid import MONTH, WEEK, add_months, parse_anchor, parse_view, period

MOSCOW = ZoneInfo("Europe/Moscow")


def test_a_month_grid_is_whole_weeks_from_monday_covering_the_month():
    grid = period(MONTH, date(2026, 3, 17))
    assert grid.first_day == date(2026, 2, 23) and grid.first_day.weekday() == 0
    assert grid.last_day == date(2026, 4, 5) and grid.last_day.weekday() == 6
    assert all(len(week) == 7 for week in grid.weeks)
    assert date(2026, 3, 1) in grid.days and date(2026, 3, 31) in grid.days
    assert grid.contains(date(2026, 3, 1)) and not grid.contains(date(2026, 2, 28))


def test_a_week_runs_monday_to_sunday_around_the_anchor():
    week = period(WEEK, date(2026, 3, 15))  # a Sunday
    assert week.days == [date(2026, 3, n) for n in range(9, 16)]
    assert week.contains(date(2026, 3, 9)) and not week.contains(date(2026, 3, 16))


@pytest.mark.parametrize(
    ("view", "anchor", "previous", "following"),
    [
        (MONTH, date(2026, 3, 31), date(2026, 2, 28), date(2026, 4, 30)),
        (MONTH, date(2026, 1, 15), date(2025, 12, 15), date(2026, 2, 15)),
        (MONTH, date(2024, 1, 31), date(2023, 12, 31), date(2024, 2, 29)),
        (WEEK, date(2026, 1, 1), date(2025, 12, 25), date(2026, 1, 8)),
    ],
)
def test_navigation_steps_a_month_or_a_week(view, anchor, previous, following):
    current = period(view, anchor)
    assert (current.previous(), current.next()) == (previous, following)


def test_add_months_clamps_to_the_end_of_a_shorter_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 5), 14) == date(2028, 2, 5)
    assert add_months(date(2026, 3, 5), -15) == date(2024, 12, 5)


def test_bounds_are_moscow_midnights_so_late_utc_evenings_belong_to_the_next_day():
    start, end = period(WEEK, date(2026, 3, 11)).bounds(MOSCOW)
    assert start == datetime(2026, 3, 8, 21, 0, tzinfo=timezone.utc)  # Monday 00:00 MSK
    assert end == datetime(2026, 3, 15, 21, 0, tzinfo=timezone.utc)  # the next Monday 00:00 MSK
    late_utc = datetime(2026, 3, 10, 22, 30, tzinfo=timezone.utc)
    assert calendar_grid.local_day(late_utc, MOSCOW) == date(2026, 3, 11)


def test_query_values_fall_back_to_a_month_around_today():
    today = date(2026, 5, 1)
    assert parse_view("week") == WEEK and parse_view("year") == MONTH and parse_view(None) == MONTH
    assert parse_anchor("2026-03-10", today) == date(2026, 3, 10)
    for bad in (None, "", "10.03.2026", "2026-02-30", "0001-01-01", "9999-12-31"):
        assert parse_anchor(bad, today) == today
