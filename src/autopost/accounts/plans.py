"""Plans and the platforms each one may publish to (Free: none; Start: VK only; Pro, Business: all)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Plan(models.TextChoices):
    FREE = "free", _("Free")
    START = "start", _("Start")
    PRO = "pro", _("Pro")
    BUSINESS = "business", _("Business")


ALL_PLATFORMS = None  # marker: every registered platform

PLAN_PLATFORMS: dict[str, frozenset[str] | None] = {
    Plan.FREE: frozenset(),
    Plan.START: frozenset({"vk"}),
    Plan.PRO: ALL_PLATFORMS,
    Plan.BUSINESS: ALL_PLATFORMS,
}


def plan_allows(plan: str, platform: str) -> bool:
    allowed = PLAN_PLATFORMS.get(plan, frozenset())
    return allowed is ALL_PLATFORMS or platform in allowed
