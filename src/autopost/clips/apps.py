from django.apps import AppConfig


class ClipsConfig(AppConfig):
    name = "autopost.clips"
    label = "clips"
    verbose_name = "Клипы"
