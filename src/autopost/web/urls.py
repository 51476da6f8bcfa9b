from django.contrib.auth import views as auth_views
from django.urls import path

from autopost.clips import views as clip_views
from autopost.web import auth, clips, connections, publications, views
from autopost.web.calendar_view import publication_calendar
from autopost.web.publications_list import publication_detail, publication_list

urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", connections.settings_page, name="settings"),
    path("settings/connect/vk/", connections.connect_vk, name="connect_vk"),
    path("settings/connect/<slug:platform>/token/", connections.connect_with_token, name="connect_with_token"),
    path("settings/connections/<int:connection_id>/", connections.configure, name="configure_connection"),
    path("settings/connections/<int:connection_id>/disconnect/", connections.disconnect, name="disconnect"),
    path("oauth/<slug:platform>/callback", connections.oauth_callback, name="oauth_callback"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", auth.sign_up, name="signup"),
    path("clips/<int:clip_id>/download", clip_views.download, name="clip_download"),
    path("clips/upload", clips.upload, name="clip_upload"),
    path("clips/changes", clips.changes, name="clip_changes"),
    path("clips/<int:clip_id>/", clips.detail, name="clip_detail"),
    path("clips/<int:clip_id>/poster.jpg", clips.poster, name="clip_poster"),
    path("clips/<int:clip_id>/publish", clips.publish, name="clip_publish"),
    path("publications/", publication_list, name="publications"),
    path("publications/calendar/", publication_calendar, name="calendar"),
    path("publications/<int:publication_id>/", publication_detail, name="publication_detail"),
    path("publications/<int:publication_id>/status", publications.status, name="publication_status"),
    path("publications/<int:publication_id>/cancel", publications.cancel, name="publication_cancel"),
    path("publications/<int:publication_id>/retry", publications.retry, name="publication_retry"),
    path("healthz", views.healthz, name="healthz"),
]
