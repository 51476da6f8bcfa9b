from django.urls import path

from autopost.notifications import views

urlpatterns = [
    path("", views.notification_list, name="notifications"),
]
