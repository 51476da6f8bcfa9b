"""``/_control/vk``: the demo world, creating people, tokens and communities, the clock, the
config, the received log, and reset."""

import httpx
import pytest

from autopost.sandbox import demo
from tests.sandbox.vk.helpers import error_of, result, upload


def test_demo_world(vk):
    world = vk.vk_world()

    assert world["signed_in_user_id"] == demo.VK_USER_ID
    [user] = world["users"]
    assert (user["id"], user["first_name"], user["last_name"]) == (
        demo.VK_USER_ID,
        "Иван",
        "Петров",
    )
    communities = {c["id"]: c for c in world["communities"]}
    assert communities[demo.VK_GROUP_ID]["admins"] == [
        {"user_id": demo.VK_USER_ID, "role": "administrator"}
    ]
    assert communities[demo.VK_MEMBER_GROUP_ID]["members"] == [demo.VK_USER_ID]
    tokens = {t["token"]: t for t in world["tokens"]}
    assert tokens[demo.VK_USER_TOKEN]["scopes"] == ["groups", "offline", "video", "wall"]
    assert tokens[demo.VK_USER_TOKEN]["state"] == "valid"
    assert "video" not in tokens[demo.VK_NO_VIDEO_TOKEN]["scopes"]
    assert tokens[demo.VK_EXPIRED_TOKEN]["state"] == "expired"
    assert tokens[demo.VK_COMMUNITY_TOKEN]["kind"] == "community"
    assert tokens[demo.VK_COMMUNITY_TOKEN]["group_id"] == demo.VK_GROUP_ID
    apps = {app["client_id"]: app for app in world["apps"]}
    assert set(apps) == {demo.VK_ID_CLIENT_ID, demo.VK_LEGACY_CLIENT_ID}
    assert demo.VK_USER_TOKEN.startswith("vk1.a.")


def test_create_a_person_with_a_token_and_a_community(api, vk):
    person = vk.create_vk_user("Мария", "Смирнова", user_id=4_000_001, screen_name="maria_s")
    community = vk.create_vk_community(
        "Клипы Марии",
        community_id=400_001,
        screen_name="maria_clips",
        admins=[{"user_id": person["id"]}],
        members=[demo.VK_USER_ID],
    )
    token = vk.create_vk_token(["video", "groups"], user_id=person["id"])

    assert token["kind"] == "user"
    assert token["user_id"] == person["id"]
    assert token["token"].startswith("vk1.a.")
    assert community["admins"] == [{"user_id": person["id"], "role": "administrator"}]
    groups = result(api("groups.get", token=token["token"], filter="admin"))
    assert groups["items"] == [400_001]
    assert result(api("video.save", token=token["token"], group_id=400_001))["owner_id"] == -400_001


def test_community_token_of_a_new_community(api, vk):
    vk.create_vk_community("Новое", community_id=400_002)
    token = vk.create_vk_token(["wall"], group_id=400_002)

    assert token["kind"] == "community"
    assert error_of(api("video.get", token=token["token"]))[0] == 27


def test_token_with_a_chosen_value_and_state(api, vk):
    made = vk.create_vk_token(token="vk1.a.chosen-by-the-test", state="expired")
    assert made["state"] == "expired"
    assert error_of(api("users.get", token="vk1.a.chosen-by-the-test"))[0] == 1117


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda vk: vk.create_vk_token(user_id=1), "unknown user"),
        (lambda vk: vk.create_vk_token(group_id=1), "unknown community"),
        (lambda vk: vk.create_vk_token(token=demo.VK_USER_TOKEN), "taken"),
        (lambda vk: vk.create_vk_token(user_id=demo.VK_USER_ID, group_id=demo.VK_GROUP_ID), "both"),
        (lambda vk: vk.create_vk_community("X", admins=[{"user_id": 1}]), "unknown user"),
        (lambda vk: vk.create_vk_community("X", community_id=demo.VK_GROUP_ID), "taken"),
        (lambda vk: vk.create_vk_user(user_id=demo.VK_USER_ID), "taken"),
        (lambda vk: vk.expire_vk_token("vk1.a.nope"), "no such token"),
        (lambda vk: vk.advance_vk_clock(-5), "advance_s"),
        (lambda vk: vk.set_vk_config(processing_s=-1), "processing_s"),
        (lambda vk: vk.set_vk_config(scope_error_code=8), "scope_error_code"),
        (lambda vk: vk.set_vk_config(colour="blue"), "colour"),
    ],
)
def test_control_refusals(vk, call, fragment):
    with pytest.raises(httpx.HTTPStatusError) as raised:
        call(vk)
    assert raised.value.response.status_code in (400, 404)
    assert fragment in raised.value.response.json()["error"]


def test_clock(vk):
    before = vk.vk_clock()

    after = vk.advance_vk_clock(3600)

    assert after["offset_s"] == before["offset_s"] + 3600
    assert after["now"] - before["now"] >= 3600


def test_config_changes_keep_the_other_values(vk):
    changed = vk.set_vk_config(processing_s=1.5, video_save_daily_quota=None)

    assert changed["processing_s"] == 1.5
    assert changed["video_save_daily_quota"] is None
    assert changed["clip_not_ready_polls"] == 1
    assert vk.vk_config() == changed


def test_received_log_by_owner(api, vk, http):
    for group_id in (demo.VK_GROUP_ID, None):
        params = {"group_id": group_id} if group_id else {}
        saved = result(api("video.save", **params))
        upload(http, saved["upload_url"], b"video bytes")

    mine = vk.vk_videos(owner_id=demo.VK_USER_ID)
    group = vk.vk_videos(owner_id=-demo.VK_GROUP_ID)

    assert [v["owner_id"] for v in mine] == [demo.VK_USER_ID]
    assert [v["owner_id"] for v in group] == [-demo.VK_GROUP_ID]
    assert len(vk.vk_videos()) == 2


@pytest.mark.parametrize("setter", ["set_vk_video_counters", "set_vk_post_counters"])
def test_counters_of_unknown_items_are_404(vk, setter):
    with pytest.raises(httpx.HTTPStatusError) as raised:
        getattr(vk, setter)(1, 2, views=1)
    assert raised.value.response.status_code == 404


def test_reset_restores_the_demo_world(api, vk, http):
    vk.create_vk_user("Мария", "Смирнова", sign_in=True)
    vk.revoke_vk_token(demo.VK_USER_TOKEN)
    vk.set_vk_config(processing_s=99)
    vk.advance_vk_clock(10_000)
    vk.add_fault("api_error", platform="vk", error_code=10)

    vk.reset()

    world = vk.vk_world()
    assert len(world["users"]) == 1
    assert world["signed_in_user_id"] == demo.VK_USER_ID
    assert vk.vk_config()["processing_s"] == 5
    assert vk.vk_clock()["offset_s"] == 0
    assert vk.vk_videos() == []
    assert vk.faults() == []
    assert result(api("users.get"))


def test_demo_page_shows_vk(vk, http):
    page = http.get(f"{vk.base_url}/")

    assert page.status_code == 200
    for text in ("VK", demo.VK_USER_TOKEN, "Autopost Демо", "Последние загрузки", "video.save"):
        assert text in page.text
