from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClipsConfig(AppConfig):
    name = "autopost.clips"
    label = "clips"
    verbose_name = _("Clips")
