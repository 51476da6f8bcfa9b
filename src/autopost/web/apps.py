from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "autopost.web"
    label = "web"
