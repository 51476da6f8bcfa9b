from django.contrib import admin
from django.urls import include, path

from autopost.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("notifications/", include("autopost.notifications.urls")),
    path("", include("autopost.observability.urls")),  # /metrics, /readyz
    path("", include("autopost.web.urls")),
]
