from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import render

from autopost.clips.models import Clip
from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.publishing.models import Publication


def healthz(request):
    """Liveness and database reachability for load balancers and the test harness."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def home(request):
    publications = Publication.objects.select_related("connection").order_by("-created_at")
    clips = (
        Clip.objects.filter(owner=request.user)
        .prefetch_related(Prefetch("publications", queryset=publications))
        .order_by("-created_at")[:50]
    )
    connections = PlatformConnection.objects.filter(owner=request.user).exclude(status=ConnectionStatus.REVOKED)
    return render(request, "web/home.html", {"clips": clips, "connections": connections})
