"""Where a connected account may publish: its page, then communities it runs (§2.2)."""

from __future__ import annotations

import pytest
from django.conf import settings

from autopost.platforms.base import Credentials, Target, TargetChoice
from autopost.platforms.errors import AuthExpired
from autopost.platforms.vk.adapter import VkAdapter

from .fakes import form_fields
from .replies import ACCESS_TOKEN, USER_ID, USERS_GET, error, group, groups_get


def adapter(vk, calls=None) -> VkAdapter:
    target = Target(str(USER_ID), str(USER_ID), "Ivan P", {"user_id": USER_ID})
    throttle = (lambda: calls.append("throttle")) if calls is not None else None
    return VkAdapter(Credentials(ACCESS_TOKEN), target, throttle=throttle, transport=vk.transport)


def test_own_page_first_then_managed_communities(vk):
    vk.reply("users.get", USERS_GET)
    vk.reply("groups.get", groups_get(group(), group(gid=42, name="Без адреса", screen_name="")))

    choices = adapter(vk).list_targets()

    web = settings.VK_WEB_URL
    assert choices == [
        TargetChoice(str(USER_ID), "Ivan P", "page", f"{web}/id{USER_ID}"),
        TargetChoice("-218861756", "Клипы недели", "community", f"{web}/clips_week"),
        TargetChoice("-42", "Без адреса", "community", f"{web}/club42"),
    ]
    assert form_fields(vk.sent("groups.get")[0]) == {
        "filter": "admin,editor", "extended": "1", "count": "1000", "v": "5.199"}


def test_every_call_waits_for_the_throttle(vk):
    calls = []
    vk.reply("users.get", USERS_GET).reply("groups.get", groups_get())

    adapter(vk, calls).list_targets()

    assert calls == ["throttle", "throttle"]


@pytest.mark.parametrize("error_code", [7, 15])
def test_without_the_groups_permission_only_the_page_is_listed(vk, error_code):
    vk.reply("users.get", USERS_GET).reply("groups.get", error(error_code, method="groups.get"))

    choices = adapter(vk).list_targets()

    assert [c.kind for c in choices] == ["page"]


def test_expired_token_is_auth_expired(vk):
    vk.reply("users.get", error(1117, method="users.get"))

    with pytest.raises(AuthExpired):
        adapter(vk).list_targets()
