from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "autopost.publishing"
    label = "publishing"
    verbose_name = _("Publications")

    def ready(self):
        from django.db.models.signals import post_migrate

        from autopost.publishing import checks, tasks  # noqa: F401  (registers checks and huey tasks)

        post_migrate.connect(create_cache_table, sender=self)


def create_cache_table(using="default", **kwargs):
    """The database cache (locks, rate limits, OAuth state) needs its table; ``migrate`` makes it."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
