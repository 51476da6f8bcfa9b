"""What the «Платформы» page says about plans: derived from ``PLAN_PLATFORMS``, never restated."""

from __future__ import annotations

from django.utils.translation import gettext as _

from autopost.accounts.plans import PLAN_PLATFORMS, Plan, plan_allows
from autopost.platforms import PLATFORMS, platform_label


def _join(items) -> str:
    items = [str(item) for item in items]
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _plan_label(plan: str) -> str:
    return str(Plan(plan).label)


def plans_allowing(platform: str) -> list[str]:
    return [str(label) for value, label in Plan.choices if plan_allows(value, platform)]


def how_to_change_plan() -> str:
    # There is no billing: an operator sets the plan (admin, or `autopost createuser --plan`).
    return _("To change your plan, contact the administrator of this autopost service.")


def platform_refusal(plan: str, platform: str) -> str:
    """Why this plan cannot publish to this platform, and which plans can."""
    refusal = _(
        "Publishing to %(platform)s is not included in the %(plan)s plan; "
        "it is available on %(plans)s."
    )
    return refusal % {
        "platform": platform_label(platform),
        "plan": _plan_label(plan),
        "plans": _join(plans_allowing(platform)),
    }


def where_available(platform: str) -> str:
    """The card's line under «Недоступно на тарифе …»: which plans publish there."""
    return _("Publishing to %(platform)s comes with the %(plans)s plans.") % {
        "platform": platform_label(platform), "plans": _join(plans_allowing(platform)),
    }


def _what_each_plan_allows(exclude: str) -> str:
    """«Start — only VK Клипы; Pro and Business — every platform»."""
    groups: dict[object, list[str]] = {}
    for value, label in Plan.choices:
        allowed = PLAN_PLATFORMS.get(value, frozenset())
        if value == exclude or allowed == frozenset():
            continue
        groups.setdefault(allowed, []).append(label)
    parts = []
    for allowed, labels in groups.items():
        if allowed is None:
            reach = _("every platform")
        else:
            names = [platform_label(p) for p in PLATFORMS if p in allowed]
            reach = _("only %(platforms)s") % {"platforms": _join(names)}
        parts.append(_("%(plans)s — %(reach)s") % {"plans": _join(labels), "reach": reach})
    return "; ".join(parts)


def plan_summary(plan: str) -> str:
    """The page's plan banner; empty when the plan publishes everywhere."""
    allowed = [platform_label(p) for p in PLATFORMS if plan_allows(plan, p)]
    if len(allowed) == len(PLATFORMS):
        return ""
    if allowed:
        head = _("The %(plan)s plan publishes only to %(platforms)s.") % {
            "plan": _plan_label(plan), "platforms": _join(allowed),
        }
    else:
        head = _("The %(plan)s plan does not include publishing.") % {"plan": _plan_label(plan)}
    plans = _("Plans: %(plans)s.") % {"plans": _what_each_plan_allows(plan)}
    return " ".join((head, plans, how_to_change_plan()))
