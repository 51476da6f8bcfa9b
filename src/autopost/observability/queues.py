"""The huey queues whose depth /metrics reports and whose storage /readyz checks, by name."""

from __future__ import annotations

from huey import Huey
from huey.contrib.djhuey import HUEY


def queues() -> dict[str, Huey]:
    from autopost.publishing.tasks import STATS_HUEY

    return {"publish": HUEY, "stats": STATS_HUEY}
