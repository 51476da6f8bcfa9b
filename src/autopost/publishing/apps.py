from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "autopost.publishing"
    label = "publishing"
    verbose_name = "Публикации"

    def ready(self):
        from autopost.publishing import checks, tasks  # noqa: F401  (registers checks and huey tasks)
