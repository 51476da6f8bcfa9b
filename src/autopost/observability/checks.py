from django.conf import settings
from django.core import checks

from autopost.observability.access import parse_networks


@checks.register()
def check_metrics_allow_list(app_configs, **kwargs):
    try:
        parse_networks(tuple(settings.METRICS_ALLOW))
    except ValueError as exc:
        return [
            checks.Error(
                f"AUTOPOST_METRICS_ALLOW holds an invalid network: {exc}",
                hint="Comma-separated CIDRs, e.g. 127.0.0.1/32,10.0.0.0/8",
                id="autopost.E010",
            )
        ]
    return []
