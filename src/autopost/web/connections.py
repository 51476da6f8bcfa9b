"""The «Платформы» page: a card per platform; connect, reconnect, configure and disconnect; the
VK ID callback. The rules live in the connections service and the plans; this module shows them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.connections.oauth import CallbackProblem, finish_authorization, start_authorization
from autopost.connections.service import configure_connection, disconnect_platform, list_targets
from autopost.platforms import PLATFORMS, is_available, platform_label
from autopost.publishing.errors import NotFound, ServiceError
from autopost.publishing.models import Publication, cancellable_q
from autopost.web.connect_forms import CONNECT_FORMS, SECRET_FIELDS, ConnectForm, reconnect_initial
from autopost.web.plan_notes import (
    how_to_change_plan,
    plan_summary,
    platform_refusal,
    where_available,
)


@dataclass
class PlatformCard:
    slug: str
    label: str
    available: bool
    refusal: str  # which plans publish here, when the person's plan does not; else empty
    connections: list[PlatformConnection] = field(default_factory=list)
    form: ConnectForm | None = None
    form_open: bool = False

    @property
    def state(self) -> str:
        if not self.available:
            return "soon"
        if any(c.is_active for c in self.connections):
            return "active"
        return "expired" if self.connections else "none"


def _live(user):
    return PlatformConnection.objects.filter(owner=user).exclude(status=ConnectionStatus.REVOKED)


def _owned_live(user, connection_id) -> PlatformConnection:
    try:
        connection_id = int(connection_id)
    except (TypeError, ValueError):
        raise Http404 from None
    connection = _live(user).filter(pk=connection_id).first()
    if connection is None:
        raise Http404
    return connection


def cancellable_counts(connection_ids: list[int]) -> dict[int, int]:
    """Per connection, the publications a disconnect would cancel.

    The same rows ``Publication.cancel`` accepts (what ``cancel_pending_for_connection`` cancels):
    scheduled, or waiting for a retry with no live lease; an upload that is running finishes.
    """
    rows = (
        Publication.objects.filter(connection_id__in=connection_ids)
        .filter(cancellable_q(timezone.now()))
        .values("connection_id")
        .annotate(n=Count("pk"))
    )
    return {row["connection_id"]: row["n"] for row in rows}


def _prepare(user, connection: PlatformConnection, pending: int, refusal: str,
             bound: ConnectForm | None) -> None:
    connection.pending = pending
    connection.choices, connection.choices_error, connection.reconnect_form = [], "", None
    if connection.is_active and connection.platform == "vk":
        try:
            connection.choices = list_targets(user, connection.pk)
        except ServiceError as exc:
            connection.choices_error = exc.message
    if not connection.is_active and not refusal and connection.platform in CONNECT_FORMS:
        connection.reconnect_form = bound or CONNECT_FORMS[connection.platform](
            initial=reconnect_initial(connection), auto_id=f"c{connection.pk}-%s"
        )


def platform_cards(user, *, bound: ConnectForm | None = None,
                   bound_connection_id: int | None = None) -> list[PlatformCard]:
    """A card per registered platform; ``bound`` is a failed form, shown where it was sent."""
    live = list(_live(user))
    counts = cancellable_counts([c.pk for c in live])
    cards = []
    for slug in PLATFORMS:
        refusal = "" if user.can_publish_to(slug) else where_available(slug)
        card = PlatformCard(slug, platform_label(slug), is_available(slug), refusal)
        card.connections = [c for c in live if c.platform == slug]
        for connection in card.connections:
            mine = bound if bound is not None and bound_connection_id == connection.pk else None
            _prepare(user, connection, counts.get(connection.pk, 0), refusal, mine)
        if card.available and not refusal and slug in CONNECT_FORMS:
            if bound is not None and bound.platform == slug and bound_connection_id is None:
                card.form, card.form_open = bound, True
            else:
                card.form = CONNECT_FORMS[slug]()
        cards.append(card)
    return cards


def _page(request, *, status: int = 200, **bound):
    return render(
        request,
        "web/settings.html",
        {
            "cards": platform_cards(request.user, **bound),
            "plan_summary": plan_summary(request.user.plan),
            "vk_id_enabled": bool(settings.VK_CLIENT_ID),
        },
        status=status,
    )


@login_required
@require_GET
def settings_page(request):
    return _page(request)


def _back(request, error: ServiceError | CallbackProblem | None = None, ok: str = ""):
    if error is not None:
        messages.error(request, error.message)
    elif ok:
        messages.success(request, ok)
    return redirect("settings")


def _plan_refused(request, platform: str):
    refusal = platform_refusal(request.user.plan, platform)
    messages.error(request, f"{refusal} {how_to_change_plan()}")
    return redirect("settings")


@login_required
@require_POST
def connect_vk(request):
    """Start VK ID (OAuth 2.1 + PKCE); ``connection`` names an expired connection to renew."""
    reconnect_id = request.POST.get("connection") or None
    if reconnect_id is not None:
        reconnect_id = _owned_live(request.user, reconnect_id).pk
    if not request.user.can_publish_to("vk"):
        return _plan_refused(request, "vk")
    try:
        return redirect(start_authorization(request, request.user, "vk", reconnect_id=reconnect_id))
    except ServiceError as exc:
        return _back(request, exc)


@login_required
@require_GET
def oauth_callback(request, platform: str):
    try:
        connection = finish_authorization(request, platform, request.GET)
    except CallbackProblem as problem:
        return _back(request, problem)
    return _back(request, ok=_("%(platform)s connected: %(name)s") % {
        "platform": platform_label(platform), "name": connection.account_name,
    })


@sensitive_post_parameters(*SECRET_FIELDS)
@login_required
@require_POST
def connect_with_token(request, platform: str):
    """A pasted token, bot token, login or session; an error shows under the field it concerns."""
    form_class = CONNECT_FORMS.get(platform)
    if form_class is None or not is_available(platform):
        raise Http404
    reconnect_id = request.POST.get("connection") or None
    auto_id = f"{platform}-%s"
    if reconnect_id is not None:
        reconnect_id = _owned_live(request.user, reconnect_id).pk
        auto_id = f"c{reconnect_id}-%s"
    if not request.user.can_publish_to(platform):
        return _plan_refused(request, platform)
    form = form_class(request.POST, auto_id=auto_id)
    connection = form.connect(request.user)
    if connection is None:
        return _page(request, status=400, bound=form, bound_connection_id=reconnect_id)
    return _back(request, ok=_("%(platform)s connected: %(name)s") % {
        "platform": platform_label(platform), "name": connection.target_name,
    })


@login_required
@require_POST
def configure(request, connection_id: int):
    try:
        configure_connection(
            request.user, connection_id,
            target_id=request.POST.get("target_id") or None,
            publish_as=request.POST.get("publish_as") or None,
            wall_post=request.POST.get("wall_post") == "on",
        )
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        return _back(request, exc)
    return _back(request, ok=_("Settings saved"))


@login_required
@require_http_methods(["GET", "POST"])
def disconnect(request, connection_id: int):
    """GET: the confirmation the dialog shows, as a page (no JavaScript needed); POST: do it."""
    connection = _owned_live(request.user, connection_id)
    if request.method == "GET":
        connection.pending = cancellable_counts([connection.pk]).get(connection.pk, 0)
        return render(request, "web/platforms/disconnect_confirm.html", {"connection": connection})
    try:
        connection = disconnect_platform(request.user, connection.pk)
    except NotFound:
        raise Http404 from None
    done = _("%(platform)s disconnected; its scheduled publications are cancelled")
    return _back(request, ok=done % {"platform": platform_label(connection.platform)})
