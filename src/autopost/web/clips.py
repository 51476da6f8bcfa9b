"""The «Клипы» page: upload, clip cards (poster, facts, totals, live publications), the publish
dialog, the poster image. Rules live in the services (``create_clip``, ``publish_clip``,
``check_target``); these views only ask them and show the answers.

Every view is owner-scoped: another person's clip is a 404, as if it did not exist.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db.models import Max, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from autopost.clips.models import Clip
from autopost.clips.service import create_clip, sanitize_filename
from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.publishing.errors import NotFound, ServiceError
from autopost.publishing.models import Publication, Status
from autopost.publishing.service import ALREADY_LIVE, publish_clip
from autopost.publishing.stats import COUNTERS, stats_platforms, totals_annotations
from autopost.publishing.validation import Problem, check_target
from autopost.web.schedule import MOSCOW, ZONES, ScheduleError, parse_schedule

POSTER_MAX_AGE = 30 * 24 * 3600  # a poster never changes: its clip's file is immutable


# --- cards ------------------------------------------------------------------------------------
def clip_cards(user):
    """The owner's clips with what a card shows: publications (newest first) and totals."""
    publications = Publication.objects.select_related("connection").order_by("-created_at", "-id")
    return (
        Clip.objects.filter(owner=user)
        .annotate(**totals_annotations())
        .prefetch_related(Prefetch("publications", queryset=publications))
        .order_by("-created_at", "-id")
    )


def owned_card(user, clip_id: int) -> Clip:
    clip = clip_cards(user).filter(pk=clip_id).first()
    if clip is None:
        raise Http404
    return card_context(clip)


def card_context(clip: Clip) -> Clip:
    """Adds ``totals`` and ``totals_shown`` (some published publication is on a platform that
    reports stats; Telegram alone says «Статистика недоступна» in its own status line)."""
    clip.totals = {name: getattr(clip, f"total_{name}", None) for name in COUNTERS}
    with_stats = set(stats_platforms())
    clip.totals_shown = any(
        p.status == Status.PUBLISHED and p.platform in with_stats and p.stats_updated_at
        for p in clip.publications.all()
    )
    return clip


def changes_mark(user) -> str:
    """The newest change among the owner's publications (or now): where the page's poll starts."""
    newest = Publication.objects.owned_by(user).aggregate(
        updated=Max("updated_at"), stats=Max("stats_updated_at")
    )
    return max([t for t in newest.values() if t] or [timezone.now()]).isoformat()


@login_required
@require_GET
def changes(request):
    """The page's one poll: re-renders (out of band) the publication lists of the clips whose
    publications were created or changed since ``since`` — by the dialog, the API or a worker —
    and answers 204 when nothing changed."""
    since = parse_datetime(request.GET.get("since", "")) or timezone.now()
    changed = Publication.objects.owned_by(request.user).filter(
        Q(updated_at__gt=since) | Q(stats_updated_at__gt=since)
    )
    if request.GET.get("clip", "").isdigit():
        changed = changed.filter(clip_id=int(request.GET["clip"]))
    clip_ids = set(changed.values_list("clip_id", flat=True))
    if not clip_ids:
        return HttpResponse(status=204)
    clips = [card_context(clip) for clip in clip_cards(request.user).filter(pk__in=clip_ids)]
    return render(request, "web/clips/_changes.html", {
        "clips": clips,
        "since": changes_mark(request.user),
        "only_clip": request.GET.get("clip", ""),
    })


@login_required
@require_GET
def detail(request, clip_id: int):
    clip = owned_card(request.user, clip_id)
    return render(request, "web/clips/detail.html", {
        "clip": clip,
        "since": changes_mark(request.user),
        "has_connections": has_connections(request.user),
    })


def has_connections(user) -> bool:
    return live_connections(user).exists()


def live_connections(user):
    return PlatformConnection.objects.filter(owner=user).exclude(status=ConnectionStatus.REVOKED)


# --- poster -----------------------------------------------------------------------------------
@login_required
@require_GET
def poster(request, clip_id: int):
    from autopost.clips.poster import ensure_poster  # PyAV, only when a poster must be made

    clip = Clip.objects.filter(owner=request.user, pk=clip_id).first()
    key = ensure_poster(clip) if clip is not None else ""
    if not key:
        raise Http404
    response = FileResponse(default_storage.open(key, "rb"), content_type="image/jpeg")
    patch_cache_control(response, private=True, max_age=POSTER_MAX_AGE)
    return response


# --- upload -----------------------------------------------------------------------------------
def default_title(filename: str) -> str:
    """The file's name without its extension: what a creator called the render."""
    name = os.path.splitext(sanitize_filename(filename))[0].strip()
    return name[:255] or _("Clip")


@login_required
@require_POST
def upload(request):
    """The drop zone's XHR gets the new card's HTML (201) or ``{"message"}`` (400/413); the
    plain form (no JavaScript) is redirected back with the same message."""
    wants_fragment = request.headers.get("X-Requested-With") == "XMLHttpRequest"
    upload_file = request.FILES.get("file")
    try:
        if upload_file is None:
            raise ServiceError("validation_error", _("Choose a video file to upload"))
        title = request.POST.get("title", "").strip() or default_title(upload_file.name or "")
        clip = create_clip(request.user, upload_file, filename=upload_file.name or "", title=title,
                           description=request.POST.get("description", ""))
    except ServiceError as error:
        if wants_fragment:
            return JsonResponse({"code": error.code, "message": error.message}, status=error.status)
        messages.error(request, error.message)
        return redirect("home")
    if wants_fragment:
        card = render(request, "web/clips/_card.html", {"clip": owned_card(request.user, clip.pk)})
        card.status_code = 201
        return card
    messages.success(request, _("Clip «%(title)s» uploaded") % {"title": clip.title})
    return redirect("home")


# --- publish dialog ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    connection: PlatformConnection
    problem: Problem | None

    @property
    def available(self) -> bool:
        return self.problem is None


def publish_targets(user, clip: Clip) -> list[Target]:
    """Every connection the owner has, each with the reason it cannot take this clip (if any):
    the dialog shows them before anything is submitted."""
    connections = live_connections(user)
    live = set(Publication.objects.live().filter(clip=clip).values_list("connection_id", flat=True))
    targets = []
    for connection in connections:
        problem = check_target(user, clip, connection)
        if problem is None and connection.pk in live:
            problem = Problem(*ALREADY_LIVE)
        targets.append(Target(connection, problem))
    return targets


@dataclass(frozen=True)
class Outcome:
    connection: PlatformConnection | None
    publication: Publication | None
    code: str
    message: str


@login_required
@require_http_methods(["GET", "POST"])
def publish(request, clip_id: int):
    clip = owned_card(request.user, clip_id)
    form = {"targets": [], "when": "now", "scheduled_at": "", "tz": MOSCOW}
    error = ""
    if request.method == "POST":
        form = {
            "targets": [int(v) for v in request.POST.getlist("targets") if v.isdigit()],
            "when": "later" if request.POST.get("when") == "later" else "now",
            "scheduled_at": request.POST.get("scheduled_at", ""),
            "tz": request.POST.get("tz", MOSCOW),
        }
        try:
            scheduled_at = parse_schedule(form["when"], form["scheduled_at"], form["tz"])
            results = publish_clip(request.user, clip.pk, form["targets"], scheduled_at)
        except NotFound:
            raise Http404 from None
        except (ScheduleError, ServiceError) as exc:
            error = exc.message
        else:
            return _results(request, clip, results, scheduled_at, form["tz"])
    return _panel(request, "web/clips/_publish_form.html", {
        "clip": clip, "targets": publish_targets(request.user, clip), "form": form, "error": error,
        "zones": ZONES, "suggested_time": _next_hour(form["tz"]),
    })


def _next_hour(zone_name: str) -> str:
    """The dialog's suggestion for «Запланировать»: the next full hour, in the chosen zone."""
    zone = ZoneInfo(zone_name if zone_name in dict(ZONES) else MOSCOW)
    local = timezone.now().astimezone(zone).replace(minute=0, second=0, microsecond=0)
    local += timedelta(hours=1)
    return local.strftime("%Y-%m-%dT%H:%M")


def _results(request, clip: Clip, results, scheduled_at: datetime | None, zone: str):
    connections = {c.pk: c for c in PlatformConnection.objects.filter(owner=request.user)}
    outcomes = [
        Outcome(connections.get(r.connection_id), r.publication, r.code or "", r.message or "")
        for r in results
    ]
    failed = sum(1 for o in outcomes if not o.publication)
    return _panel(request, "web/clips/_publish_results.html", {
        "clip": owned_card(request.user, clip.pk), "outcomes": outcomes,
        "scheduled_at": scheduled_at, "zone": zone,
        "published": len(outcomes) - failed,
        "failed": failed,
    })


def _panel(request, template: str, context: dict):
    """htmx gets the panel alone (into the page's dialog); without JavaScript it is a page."""
    context["as_page"] = not request.htmx
    if request.htmx:
        return render(request, template, context)
    return render(request, "web/clips/publish_page.html", {**context, "panel": template})
