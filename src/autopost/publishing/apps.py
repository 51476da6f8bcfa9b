from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "autopost.publishing"
    label = "publishing"
    verbose_name = _("Publications")

    def ready(self):
        from autopost.publishing import checks, tasks  # noqa: F401  (registers checks and huey tasks)
