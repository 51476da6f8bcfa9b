"""Actions on one publication from the web UI: cancel, retry, and its live status fragment.

Each answers an htmx request with the publication's re-rendered status fragment (an error is shown
inside the fragment, nothing else on the page changes) and a plain form post with a redirect back.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from autopost.publishing import service
from autopost.publishing.errors import NotFound, ServiceError
from autopost.publishing.models import Publication


def owned_publication(user, publication_id: int) -> Publication:
    try:
        return Publication.objects.owned_by(user).select_related("connection", "clip").get(pk=publication_id)
    except Publication.DoesNotExist:
        raise Http404 from None


def _answer(request, publication_id: int, error: str = ""):
    if request.htmx:
        publication = owned_publication(request.user, publication_id)
        return render(request, "web/_publication_status.html", {"publication": publication, "error": error})
    if error:
        messages.error(request, error)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = "home"
    return redirect(back)


def _act(request, publication_id: int, action):
    try:
        action(request.user, publication_id)
    except NotFound:
        raise Http404 from None
    except ServiceError as error:
        return _answer(request, publication_id, error.message)
    return _answer(request, publication_id)


@login_required
@require_POST
def cancel(request, publication_id: int):
    return _act(request, publication_id, service.cancel_publication)


@login_required
@require_POST
def retry(request, publication_id: int):
    return _act(request, publication_id, service.retry_publication)


@login_required
@require_GET
def status(request, publication_id: int):
    publication = owned_publication(request.user, publication_id)
    return render(request, "web/_publication_status.html", {"publication": publication})
