"""The publications calendar: a month grid or a week, in Moscow time, from one query.

Where an item sits (its «calendar time»):
- scheduled — when it is due to go out (``scheduled_at``);
- publishing (running or waiting for a retry) — its next attempt;
- published — when it went out (``published_at``);
- failed — when it failed (the row's last change, made by that transition);
- cancelled — the slot it was planned for, so a gap in the plan shows why; one that was never
  scheduled sits where it was cancelled.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.db.models import Case, DateTimeField, F, When
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.views.decorators.http import require_GET

from autopost.platforms import platform_choices
from autopost.publishing.models import Publication, Status
from autopost.web import calendar_grid
from autopost.web.publication_state import display_state
from autopost.web.templatetags.autopost_ui import MOSCOW

DAY_PREVIEW = 3  # chips a month cell shows before «+N»


@dataclass(frozen=True)
class Item:
    publication: Publication
    at: datetime  # local (Moscow) calendar time
    state_key: str
    state_label: str


@dataclass(frozen=True)
class Day:
    date: date
    items: list[Item]
    in_period: bool
    today: bool

    @property
    def preview(self) -> list[Item]:
        return self.items[:DAY_PREVIEW]

    @property
    def more(self) -> int:
        return max(len(self.items) - DAY_PREVIEW, 0)


def calendar_time() -> Case:
    """Where an item sits (the rules above) as a query expression, so a range is one query."""
    return Case(
        When(
            status=Status.SCHEDULED, then=Coalesce("scheduled_at", "next_attempt_at", "created_at")
        ),
        When(
            status=Status.PUBLISHING, then=Coalesce("next_attempt_at", "scheduled_at", "created_at")
        ),
        When(status=Status.PUBLISHED, then=Coalesce("published_at", "updated_at")),
        When(status=Status.CANCELLED, then=Coalesce("scheduled_at", "updated_at")),
        default=F("updated_at"),
        output_field=DateTimeField(),
    )


def items_between(user, start: datetime, end: datetime, zone: ZoneInfo) -> dict[date, list[Item]]:
    publications = (
        Publication.objects.owned_by(user)
        .select_related("clip", "connection")
        .annotate(calendar_at=calendar_time())
        .filter(calendar_at__gte=start, calendar_at__lt=end)
        .order_by("calendar_at", "id")
    )
    by_day: dict[date, list[Item]] = defaultdict(list)
    now = timezone.now()
    for publication in publications:
        local = publication.calendar_at.astimezone(zone)
        state = display_state(publication, now)
        by_day[local.date()].append(Item(publication, local, state.key, str(state.label)))
    return by_day


@login_required
@require_GET
def publication_calendar(request):
    zone = ZoneInfo(MOSCOW)
    today = calendar_grid.local_day(timezone.now(), zone)
    view = calendar_grid.parse_view(request.GET.get("view"))
    period = calendar_grid.period(view, calendar_grid.parse_anchor(request.GET.get("date"), today))
    by_day = items_between(request.user, *period.bounds(zone), zone)
    days = [Day(d, by_day.get(d, []), period.contains(d), d == today) for d in period.days]
    return render(
        request,
        "web/publications/calendar.html",
        {
            "period": period,
            "weeks": [days[n : n + 7] for n in range(0, len(days), 7)],
            "weekdays": [WEEKDAYS_ABBR[n] for n in range(7)],
            "today": today,
            "count": sum(len(items) for items in by_day.values()),
            "platforms": platform_choices(),
        },
    )
