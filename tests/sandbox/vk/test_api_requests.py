"""The /method transport: GET and POST, query, form and multipart, the token in a parameter or a
Bearer header, the version check, error shapes, and the account and community methods."""

import pytest

from autopost.sandbox import demo
from tests.sandbox.vk.helpers import error_of, result

DEMO_USER = {
    "id": demo.VK_USER_ID,
    "first_name": demo.VK_USER_FIRST_NAME,
    "last_name": demo.VK_USER_LAST_NAME,
    "can_access_closed": True,
    "is_closed": False,
}


@pytest.fixture
def method_url(vk):
    return f"{vk.vk_api_url}/method"


def test_get_with_the_token_in_the_query(http, method_url):
    response = http.get(
        f"{method_url}/users.get", params={"access_token": demo.VK_USER_TOKEN, "v": "5.199"}
    )

    assert response.status_code == 200
    assert response.json() == {"response": [DEMO_USER]}


def test_post_form_with_a_bearer_token(http, method_url):
    response = http.post(
        f"{method_url}/users.get",
        data={"v": "5.199"},
        headers={"Authorization": f"Bearer {demo.VK_USER_TOKEN}"},
    )

    assert response.json() == {"response": [DEMO_USER]}


def test_post_multipart(http, method_url):
    response = http.post(
        f"{method_url}/users.get",
        data={"v": "5.199", "access_token": demo.VK_USER_TOKEN, "fields": "screen_name"},
        files={"unused": ("x.txt", b"x")},
    )

    assert result(response.json())[0]["screen_name"] == demo.VK_USER_SCREEN_NAME


def test_a_json_body_is_not_parameters_to_vk(http, method_url):
    # VK reads the query, form and multipart bodies only: JSON fields are not seen.
    response = http.post(
        f"{method_url}/users.get?access_token={demo.VK_USER_TOKEN}", json={"v": "5.199"}
    )

    assert error_of(response.json())[0] == 8


def test_errors_are_http_200_and_never_echo_the_token(http, method_url):
    response = http.post(
        f"{method_url}/video.save?v=5.199",
        data={"access_token": "vk1.a.unknown", "name": "Клип"},
    )

    assert response.status_code == 200
    assert response.json() == {
        "error": {
            "error_code": 5,
            "error_msg": "User authorization failed: invalid access_token (4).",
            "request_params": [
                {"key": "method", "value": "video.save"},
                {"key": "oauth", "value": "1"},
                {"key": "v", "value": "5.199"},
                {"key": "name", "value": "Клип"},
            ],
        }
    }
    assert "vk1.a.unknown" not in response.text


def test_bearer_token_is_not_echoed_either(http, method_url):
    response = http.get(
        f"{method_url}/video.save", params={"v": "5.199"}, headers={"Authorization": "Bearer zzz9"}
    )
    assert error_of(response.json())[0] == 5
    assert "zzz9" not in response.text


def test_missing_token(api):
    assert error_of(api("users.get", token=None)) == (
        5,
        "User authorization failed: no access_token passed.",
    )


def test_missing_version_is_error_8(api):
    code, message = error_of(api("users.get", v=None))
    assert code == 8
    assert message.startswith("Invalid request: v is required.")


@pytest.mark.parametrize("version", ["5.80", "5.9", "4.104", "latest"])
def test_version_below_5_81_is_error_8_with_the_deprecation_text(api, version):
    code, message = error_of(api("users.get", v=version))
    assert code == 8
    assert message.startswith("Invalid request: versions below 5.81 are deprecated.")


@pytest.mark.parametrize("version", ["5.81", "5.131", "5.199", "5.250"])
def test_supported_versions(api, version):
    assert result(api("users.get", v=version)) == [DEMO_USER]


@pytest.mark.parametrize("name", ["users.Get", "USERS.GET", "video.upload", "nonsense"])
def test_method_names_are_case_sensitive_and_unknown_ones_are_error_3(api, name):
    assert error_of(api(name)) == (3, "Unknown method passed")


def test_users_get_by_ids_and_screen_names(api, vk):
    other = vk.create_vk_user("Мария", "Смирнова", user_id=5_000_001)

    users = result(api("users.get", user_ids=f"{other['id']},{demo.VK_USER_SCREEN_NAME}"))

    assert [user["id"] for user in users] == [5_000_001, demo.VK_USER_ID]
    assert users[0]["first_name"] == "Мария"
    assert error_of(api("users.get", user_ids="nobody_here")) == (113, "Invalid user id")


def test_account_get_profile_info(api):
    info = result(api("account.getProfileInfo"))
    assert info["id"] == demo.VK_USER_ID
    assert (info["first_name"], info["last_name"]) == ("Иван", "Петров")


def test_groups_get_by_id_object_form_since_5_194(api):
    answer = result(api("groups.getById", group_id=demo.VK_GROUP_ID))

    assert answer["profiles"] == []
    [group] = answer["groups"]
    assert group["id"] == demo.VK_GROUP_ID
    assert group["name"] == demo.VK_GROUP_NAME
    assert group["screen_name"] == demo.VK_GROUP_SCREEN_NAME
    assert (group["is_admin"], group["admin_level"], group["is_member"]) == (1, 3, 1)


@pytest.mark.parametrize("version", ["5.92", "5.131", "5.193"])
def test_groups_get_by_id_plain_list_below_5_194(api, version):
    groups = result(
        api(
            "groups.getById",
            v=version,
            group_ids=f"{demo.VK_GROUP_ID},{demo.VK_MEMBER_GROUP_SCREEN_NAME}",
        )
    )

    assert isinstance(groups, list)
    assert [group["id"] for group in groups] == [demo.VK_GROUP_ID, demo.VK_MEMBER_GROUP_ID]
    member_of = groups[1]
    assert (member_of["is_admin"], member_of["is_member"]) == (0, 1)
    assert "admin_level" not in member_of


def test_groups_get_by_id_errors(api):
    assert error_of(api("groups.getById"))[0] == 100
    assert error_of(api("groups.getById", group_id=999))[0] == 100


@pytest.mark.parametrize(
    ("group_filter", "expected"),
    [
        ("", [demo.VK_GROUP_ID, demo.VK_MEMBER_GROUP_ID]),
        ("admin", [demo.VK_GROUP_ID]),
        ("admin,editor", [demo.VK_GROUP_ID]),
        ("moder", [demo.VK_GROUP_ID]),
    ],
)
def test_groups_get_filters(api, group_filter, expected):
    answer = result(api("groups.get", filter=group_filter))
    assert answer == {"count": len(expected), "items": expected}


def test_groups_get_roles_below_administrator(api, vk):
    vk.create_vk_community(
        "Редакция", community_id=300, admins=[{"user_id": demo.VK_USER_ID, "role": "editor"}]
    )
    vk.create_vk_community(
        "Модерация", community_id=301, admins=[{"user_id": demo.VK_USER_ID, "role": "moderator"}]
    )

    assert result(api("groups.get", filter="admin"))["items"] == [demo.VK_GROUP_ID]
    assert result(api("groups.get", filter="editor"))["items"] == [demo.VK_GROUP_ID, 300]
    assert result(api("groups.get", filter="moder"))["items"] == [demo.VK_GROUP_ID, 300, 301]


def test_groups_get_extended(api):
    answer = result(api("groups.get", filter="admin,editor", extended=1))

    [group] = answer["items"]
    assert answer["count"] == 1
    assert (group["id"], group["is_admin"], group["admin_level"]) == (demo.VK_GROUP_ID, 1, 3)
