"""A pasted user token: who it is, the video permission, the target (docs/platform-apis.md §2.2)."""

from __future__ import annotations

import pytest
from django.conf import settings

from autopost.platforms.errors import PermanentError, RateLimited, TransientError
from autopost.platforms.vk.adapter import VkAdapter

from .replies import (
    GROUP_ID,
    PASTED_TOKEN,
    USER_ID,
    USERS_GET,
    error,
    groups_by_id,
    video_get,
    video_item,
)


def connect(vk, token=PASTED_TOKEN, target_id=""):
    return VkAdapter.validate_credentials(access_token=token, target_id=target_id,
                                          transport=vk.transport)


def refused(vk, **kwargs) -> PermanentError:
    with pytest.raises(PermanentError) as caught:
        connect(vk, **kwargs)
    assert PASTED_TOKEN not in repr(caught.value) + str(caught.value)
    return caught.value


def test_user_token_connects_to_the_own_page(vk):
    vk.reply("users.get", USERS_GET).reply("video.get", video_get(video_item()))

    info = connect(vk)

    assert vk.routes == ["users.get", "video.get"]
    assert vk.sent("video.get")[0].content == b"count=1&v=5.199"
    assert (info.account_id, info.account_name) == (str(USER_ID), "Ivan P")
    assert (info.target_id, info.target_name) == (str(USER_ID), "Ivan P")
    assert info.target_url == f"{settings.VK_WEB_URL}/id{USER_ID}"
    assert info.credentials.access_token == PASTED_TOKEN
    assert info.credentials.refresh_token == ""
    assert info.credentials.expires_at is None
    assert info.options == {"user_id": USER_ID, "token_source": "pasted", "publish_as": "clip",
                            "wall_post": False}


def test_an_account_without_videos_still_has_the_permission(vk):
    vk.reply("users.get", USERS_GET).reply("video.get", video_get())

    assert connect(vk, target_id=str(USER_ID)).target_id == str(USER_ID)


@pytest.mark.parametrize("target_id", [f"-{GROUP_ID}", f"club{GROUP_ID}",
                                       f"https://vk.com/public{GROUP_ID}"])
def test_community_the_user_runs_becomes_the_target(vk, target_id):
    vk.reply("users.get", USERS_GET).reply("video.get", video_get())
    vk.reply("groups.getById", groups_by_id())

    info = connect(vk, target_id=target_id)

    assert (info.target_id, info.target_name) == (f"-{GROUP_ID}", "Клипы недели")
    assert info.target_url == f"{settings.VK_WEB_URL}/clips_week"
    assert info.account_id == str(USER_ID)
    assert vk.sent("groups.getById")[0].content == f"group_id={GROUP_ID}&v=5.199".encode()


def test_an_editor_may_publish_too(vk):
    vk.reply("users.get", USERS_GET).reply("video.get", video_get())
    vk.reply("groups.getById", groups_by_id(admin_level=2))

    assert connect(vk, target_id=f"-{GROUP_ID}").target_id == f"-{GROUP_ID}"


@pytest.mark.parametrize("group", [{"is_admin": 0, "admin_level": None},
                                   {"is_admin": 1, "admin_level": 1}])  # a moderator
def test_community_the_user_does_not_run_is_refused(vk, group):
    vk.reply("users.get", USERS_GET).reply("video.get", video_get())
    vk.reply("groups.getById", groups_by_id(**group))

    exc = refused(vk, target_id=f"-{GROUP_ID}")

    assert exc.code == "vk_not_group_admin"
    assert exc.message == "Вы не администратор и не редактор этого сообщества VK"


def test_unknown_community_is_named(vk):
    vk.reply("users.get", USERS_GET).reply("video.get", video_get())
    vk.reply("groups.getById", error(100, "Invalid group id", method="groups.getById"))

    assert refused(vk, target_id="-999").code == "vk_group_not_found"


@pytest.mark.parametrize("target_id", ["7654321", "durov", "-0", "https://example.com/club1"])
def test_someone_elses_page_or_garbage_is_refused(vk, target_id):
    vk.reply("users.get", USERS_GET).reply("video.get", video_get())

    assert refused(vk, target_id=target_id).code == "vk_invalid_target"
    assert vk.routes == ["users.get"]


@pytest.mark.parametrize("error_code", [5, 1117])
def test_invalid_or_expired_token_says_get_a_new_one(vk, error_code):
    vk.reply("users.get", error(error_code, method="users.get"))

    exc = refused(vk)

    assert exc.code == "vk_invalid_token"
    assert exc.message == "Токен VK недействителен или истёк: получите новый"


def test_validation_required_says_confirm_the_login(vk):
    vk.reply("users.get", error(17, "Validation required", method="users.get",
                                redirect_uri="https://m.vk.com/login?act=security_check"))

    exc = refused(vk)

    assert exc.code == "vk_validation_required"
    assert "пройдите проверку" in exc.message


@pytest.mark.parametrize("token", ["", "   ", "vk1.a.two words", "vk1.a.\nnewline"])
def test_malformed_token_is_refused_without_a_call(vk, token):
    assert refused(vk, token=token).code == "vk_invalid_token"
    assert vk.requests == []


def test_community_token_is_named(vk):
    vk.reply("users.get", error(27, "Group authorization failed", method="users.get"))

    exc = refused(vk)

    assert exc.code == "vk_community_token"
    assert exc.message == "Это токен сообщества: нужен токен пользователя"


@pytest.mark.parametrize("error_code", [7, 15])
def test_token_without_the_video_permission_is_refused(vk, error_code):
    vk.reply("users.get", USERS_GET).reply("video.get", error(error_code, method="video.get"))

    exc = refused(vk)

    assert exc.code == "vk_no_video_scope"
    assert exc.message == "У токена нет доступа к видео: выдайте право video"


def test_vk_outage_and_rate_limit_pass_through(vk):
    vk.reply("users.get", error(10, method="users.get"))
    with pytest.raises(TransientError):
        connect(vk)
    vk.reply("users.get", error(6, method="users.get"), times=3)
    with pytest.raises(RateLimited):
        connect(vk)
