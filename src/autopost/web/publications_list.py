"""The «Публикации» section: every publication of the creator, filtered and paged, and one
publication's page with its stats and event log.

Status, platform and clip filters are a GET form, so a filtered list is a link one can share;
htmx swaps only the results and pushes the URL, and the page works the same without JavaScript.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from autopost.clips.models import Clip
from autopost.platforms import platform_choices
from autopost.publishing.models import Publication, Status
from autopost.web.event_reasons import event_line
from autopost.web.calendar_view import calendar_time
from autopost.web.templatetags.autopost_ui import MOSCOW

PAGE_SIZE = 50
SNAPSHOTS_SHOWN = 20
RETRYING = "retrying"
RESULTS_ID = "publication-results"


def _retrying(now) -> Q:
    """A publishing row waiting for its next attempt: publication_state's «Повтор» badge."""
    return Q(status=Status.PUBLISHING, attempts__gt=0, next_attempt_at__gt=now) & (
        Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    )


def status_filter(key: str, now) -> Q:
    if key == RETRYING:
        return _retrying(now)
    if key == Status.PUBLISHING:
        return Q(status=Status.PUBLISHING) & ~_retrying(now)
    return Q(status=key)


class PublicationFilters(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All statuses")),
            (Status.SCHEDULED, _("Scheduled")),
            (Status.PUBLISHING, _("Publishing")),
            (RETRYING, _("Retrying")),
            (Status.PUBLISHED, _("Published")),
            (Status.FAILED, _("Error")),
            (Status.CANCELLED, _("Cancelled")),
        ],
    )
    platform = forms.ChoiceField(label=_("Platform"), required=False)
    clip = forms.ModelChoiceField(
        label=_("Clip"), required=False, queryset=Clip.objects.none(), empty_label=_("All clips")
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].choices = [("", _("All platforms")), *platform_choices()]
        self.fields["clip"].queryset = Clip.objects.filter(owner=user).order_by("-created_at")

    def apply(self, publications):
        """Narrow ``publications`` by the valid filters; an invalid one is reported, not applied."""
        self.is_valid()
        values = getattr(self, "cleaned_data", {})
        if values.get("status"):
            publications = publications.filter(status_filter(values["status"], timezone.now()))
        if values.get("platform"):
            publications = publications.filter(platform=values["platform"])
        if values.get("clip"):
            publications = publications.filter(clip=values["clip"])
        return publications

    @property
    def active(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


@login_required
@require_GET
def publication_list(request):
    filters = PublicationFilters(request.user, request.GET)
    owned = Publication.objects.owned_by(request.user)
    publications = filters.apply(owned.select_related("clip", "connection"))
    publications = publications.order_by("-created_at", "-id")
    page = Paginator(publications, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "results_id": RESULTS_ID,
        # Only asked when the page is empty: tells "nothing yet" from "nothing matches".
        "has_any": bool(page.object_list) or owned.exists(),
    }
    if request.htmx and request.htmx.target == RESULTS_ID:
        return render(request, "web/publications/_results.html", context)
    return render(request, "web/publications/list.html", context)


@login_required
@require_GET
def publication_detail(request, publication_id: int):
    publication = get_object_or_404(
        Publication.objects.owned_by(request.user)
        .select_related("clip", "connection")
        .annotate(calendar_at=calendar_time()),
        pk=publication_id,
    )
    snapshots = publication.stats_snapshots.order_by("-taken_at", "-id")[:SNAPSHOTS_SHOWN]
    return render(
        request,
        "web/publications/detail.html",
        {
            "publication": publication,
            "events": [event_line(event) for event in publication.events.all()],
            "snapshots": list(snapshots),
            "calendar_day": publication.calendar_at.astimezone(ZoneInfo(MOSCOW)).date(),
        },
    )
