from django.urls import path

from autopost.observability import views

urlpatterns = [
    path("metrics", views.metrics_view, name="metrics"),
    path("readyz", views.readyz, name="readyz"),
]
