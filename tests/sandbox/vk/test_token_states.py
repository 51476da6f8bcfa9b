"""Token states (platform-apis.md §7): valid, invalid, expired, revoked, without the video scope,
a community token on user-only methods, a person who does not run the target community."""

import pytest

from autopost.sandbox import demo
from tests.sandbox.vk.helpers import error_of, result

VIDEO_METHODS = [
    ("video.save", {}),
    ("video.get", {}),
    ("video.delete", {"owner_id": demo.VK_USER_ID, "video_id": 1}),
    ("shortVideo.create", {"file_size": 1000}),
]


def test_unknown_token_is_error_5(api):
    assert error_of(api("users.get", token="vk1.a.nobody")) == (
        5,
        "User authorization failed: invalid access_token (4).",
    )


def test_expired_demo_token_is_error_1117(api):
    assert error_of(api("users.get", token=demo.VK_EXPIRED_TOKEN)) == (
        1117,
        "Access token has expired.",
    )


def test_expired_can_be_error_5_with_the_expired_text(api, vk):
    vk.set_vk_config(expired_error_code=5)
    assert error_of(api("users.get", token=demo.VK_EXPIRED_TOKEN)) == (
        5,
        "User authorization failed: access_token has expired.",
    )


def test_token_expires_when_the_vk_clock_passes_its_lifetime(api, vk):
    token = vk.create_vk_token(expires_in=3600)["token"]
    vk.advance_vk_clock(3599)
    assert result(api("users.get", token=token))

    vk.advance_vk_clock(1)

    assert error_of(api("users.get", token=token))[0] == 1117


def test_control_expires_and_revokes_tokens(api, vk):
    expiring = vk.create_vk_token()["token"]
    revoked = vk.create_vk_token()["token"]

    assert vk.expire_vk_token(expiring)["state"] == "expired"
    assert vk.revoke_vk_token(revoked)["state"] == "revoked"

    assert error_of(api("users.get", token=expiring))[0] == 1117
    assert error_of(api("users.get", token=revoked))[0] == 5


@pytest.mark.parametrize(("method", "params"), VIDEO_METHODS)
def test_video_methods_without_the_video_scope_are_error_15(api, method, params):
    assert error_of(api(method, token=demo.VK_NO_VIDEO_TOKEN, **params)) == (
        15,
        "Access denied: no access to call this method",
    )


def test_missing_scope_can_be_error_7(api, vk):
    vk.set_vk_config(scope_error_code=7)
    assert error_of(api("video.save", token=demo.VK_NO_VIDEO_TOKEN))[0] == 7


def test_the_token_without_video_still_reads_the_account(api):
    assert result(api("users.get", token=demo.VK_NO_VIDEO_TOKEN))[0]["id"] == demo.VK_USER_ID


def test_wall_and_groups_scopes(api, vk):
    video_only = vk.create_vk_token(["video"])["token"]

    assert error_of(api("wall.post", token=video_only, message="x"))[0] == 15
    assert error_of(api("groups.get", token=video_only))[0] == 15


@pytest.mark.parametrize(
    ("method", "params"),
    [
        *VIDEO_METHODS,
        ("account.getProfileInfo", {}),
        ("groups.get", {}),
        ("wall.post", {"owner_id": -demo.VK_GROUP_ID, "message": "x"}),
        ("wall.getById", {"posts": f"-{demo.VK_GROUP_ID}_1"}),
        ("shortVideo.publish", {"owner_id": 1, "video_id": 1}),
    ],
)
def test_community_token_on_user_only_methods_is_error_27(api, method, params):
    assert error_of(api(method, token=demo.VK_COMMUNITY_TOKEN, **params)) == (
        27,
        "Group authorization failed: method is unavailable with group auth.",
    )


def test_community_token_reads_its_community(api):
    answer = result(api("groups.getById", token=demo.VK_COMMUNITY_TOKEN))

    [group] = answer["groups"]
    assert group["id"] == demo.VK_GROUP_ID
    # Nobody is behind a community token: it administers nothing itself.
    assert group["is_admin"] == 0
    assert result(api("users.get", token=demo.VK_COMMUNITY_TOKEN)) == []
    assert result(api("users.get", token=demo.VK_COMMUNITY_TOKEN, user_ids=demo.VK_USER_ID))


def test_video_save_to_a_community_the_person_only_joined_is_error_203(api, vk):
    answer = api("video.save", group_id=demo.VK_MEMBER_GROUP_ID, name="Клип")

    assert error_of(answer) == (203, "Access to group denied: access to the group is denied.")
    assert vk.vk_videos() == []


def test_short_video_create_in_a_foreign_community_is_error_203(api, vk):
    answer = api("shortVideo.create", group_id=demo.VK_MEMBER_GROUP_ID, file_size=10)
    assert error_of(answer)[0] == 203
    assert vk.vk_videos() == []


def test_wall_post_to_a_foreign_community_is_error_214(api, vk):
    answer = api("wall.post", owner_id=-demo.VK_MEMBER_GROUP_ID, from_group=1, message="Привет")

    assert error_of(answer) == (214, "Access to adding post denied")
    assert vk.vk_posts() == []


@pytest.mark.parametrize(("role", "allowed"), [("editor", True), ("moderator", False)])
def test_editors_upload_to_a_community_moderators_do_not(api, vk, role, allowed):
    vk.create_vk_community(
        "Новое", community_id=555, admins=[{"user_id": demo.VK_USER_ID, "role": role}]
    )

    answer = api("video.save", group_id=555)

    if allowed:
        assert result(answer)["owner_id"] == -555
    else:
        assert error_of(answer)[0] == 203


def test_token_of_another_person(api, vk):
    person = vk.create_vk_user("Мария", "Смирнова")
    token = vk.create_vk_token(user_id=person["id"])["token"]

    assert result(api("users.get", token=token))[0]["id"] == person["id"]
    # She does not run the demo community.
    assert error_of(api("video.save", token=token, group_id=demo.VK_GROUP_ID))[0] == 203
    assert result(api("video.save", token=token))["owner_id"] == person["id"]
