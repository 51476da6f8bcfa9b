from django.urls import path

from autopost.web import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]
