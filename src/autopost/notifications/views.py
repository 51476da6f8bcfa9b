from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from autopost.notifications.models import Notification
from autopost.notifications.service import mark_all_read

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request):
    if request.method == "POST":
        mark_all_read(request.user)
        return redirect("notifications")
    notifications = Notification.objects.filter(owner=request.user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})
