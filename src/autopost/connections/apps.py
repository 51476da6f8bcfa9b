from django.apps import AppConfig


class ConnectionsConfig(AppConfig):
    name = "autopost.connections"
    label = "connections"
    verbose_name = "Подключения"
