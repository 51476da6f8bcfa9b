from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectionsConfig(AppConfig):
    name = "autopost.connections"
    label = "connections"
    verbose_name = _("Platform connections")

    def ready(self):
        from autopost.connections import tasks  # noqa: F401  (registers the periodic session check)
