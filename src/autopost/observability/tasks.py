"""Periodic upkeep of the monitoring tables."""

import structlog
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from autopost.observability.retention import prune_metric_rows

log = structlog.get_logger("autopost.observability.tasks")


@db_periodic_task(crontab(hour="3", minute="41"))
def prune_metric_rows_daily() -> None:
    log.info("metric_rows_pruned", **prune_metric_rows())
