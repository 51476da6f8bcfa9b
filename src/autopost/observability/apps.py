from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "autopost.observability"
    label = "observability"

    def ready(self):
        from autopost.observability import checks  # noqa: F401  (registers the system check)
        from autopost.observability import tasks  # noqa: F401  (registers the daily prune)
        from autopost.observability.logging import configure_logging

        configure_logging()
