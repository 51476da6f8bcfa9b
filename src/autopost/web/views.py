from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from autopost.web import clips

HOME_CLIPS = 50


def healthz(request):
    """Liveness and database reachability for load balancers and the test harness."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def home(request):
    since = clips.changes_mark(request.user)
    cards = [clips.card_context(clip) for clip in clips.clip_cards(request.user)[:HOME_CLIPS]]
    return render(request, "web/home.html", {
        "clips": cards,
        "since": since,
        "has_connections": clips.has_connections(request.user),
        "max_upload_bytes": settings.AUTOPOST_MAX_CLIP_BYTES,
    })
