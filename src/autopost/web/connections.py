"""Settings page views: connect, configure and disconnect platforms; the OAuth callback."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.connections.oauth import CallbackProblem, finish_authorization, start_authorization
from autopost.connections.service import configure_connection, connect_platform, disconnect_platform, list_targets
from autopost.platforms import platform_label
from autopost.publishing.errors import ServiceError


@login_required
@require_GET
def settings_page(request):
    connections = list(
        PlatformConnection.objects.filter(owner=request.user).exclude(status=ConnectionStatus.REVOKED)
    )
    for connection in connections:
        connection.choices = []
        if connection.platform == "vk" and connection.is_active:
            try:
                connection.choices = list_targets(request.user, connection.pk)
            except ServiceError as exc:
                connection.choices_error = exc.message
    return render(request, "web/settings.html", {"connections": connections})


def _back(request, error: ServiceError | CallbackProblem | None = None, ok: str = ""):
    if error is not None:
        messages.error(request, error.message)
    elif ok:
        messages.success(request, ok)
    return redirect("settings")


@login_required
@require_POST
def connect_vk(request):
    try:
        return redirect(start_authorization(request, request.user, "vk"))
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


TOKEN_FORMS = {
    "telegram": ("bot_token", "channel"),
    "vk": ("access_token", "target_id"),
    "rutube": ("username", "password", "token"),
    "dzen": ("session", "channel"),
}


@sensitive_post_parameters("bot_token", "access_token", "password", "token", "session")
@login_required
@require_POST
def connect_with_token(request, platform: str):
    fields = TOKEN_FORMS.get(platform)
    if fields is None:
        return _back(request, ServiceError("platform_unavailable", _("This platform cannot be connected here yet")))
    try:
        connection = connect_platform(request.user, platform, **{f: request.POST.get(f, "").strip() for f in fields})
    except ServiceError as exc:
        return _back(request, exc)
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
    except ServiceError as exc:
        return _back(request, exc)
    return _back(request, ok=_("Settings saved"))


@login_required
@require_POST
def disconnect(request, connection_id: int):
    try:
        connection = disconnect_platform(request.user, connection_id)
    except ServiceError as exc:
        return _back(request, exc)
    return _back(request, ok=_("%(platform)s disconnected; its scheduled publications are cancelled") % {
        "platform": platform_label(connection.platform),
    })
