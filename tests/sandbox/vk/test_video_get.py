"""video.get (stats and processing), video.delete, wall.post and wall.getById
(platform-apis.md §2.3, §2.7)."""

import pytest

from autopost.sandbox import demo
from tests.sandbox.vk.helpers import error_of, result, upload

VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(10_000)
GROUP_OWNER = -demo.VK_GROUP_ID


@pytest.fixture
def uploaded(api, http):
    """A video uploaded to the demo community: its ``<owner>_<id>``."""
    saved = result(api("video.save", name="Клип", group_id=demo.VK_GROUP_ID))
    upload(http, saved["upload_url"], VIDEO)
    return f"{saved['owner_id']}_{saved['video_id']}", saved


def get_one(api, ref, **params):
    answer = result(api("video.get", videos=ref, **params))
    assert answer["count"] == len(answer["items"]) == 1, answer
    return answer["items"][0]


def test_processing_for_the_configured_seconds_of_the_vk_clock(api, vk, uploaded):
    ref, _ = uploaded
    assert vk.vk_config()["processing_s"] == 5

    first = get_one(api, ref)
    vk.advance_vk_clock(4.5)
    still = get_one(api, ref)
    vk.advance_vk_clock(1)
    ready = get_one(api, ref)

    assert (first["processing"], first["converting"]) == (1, 1)
    assert still["processing"] == 1
    assert "processing" not in ready
    assert "converting" not in ready
    assert vk.vk_videos()[0]["processing"] is False


def test_processing_time_is_configurable(api, vk, http):
    vk.set_vk_config(processing_s=0)
    saved = result(api("video.save"))
    upload(http, saved["upload_url"], VIDEO)
    assert "processing" not in get_one(api, f"{saved['owner_id']}_{saved['video_id']}")


def test_item_shape_and_counters(api, vk, uploaded):
    ref, saved = uploaded
    vk.set_vk_video_counters(
        GROUP_OWNER, saved["video_id"], views=5321, likes=210, comments=12, reposts=9
    )

    item = get_one(api, ref)

    assert (item["id"], item["owner_id"], item["type"]) == (saved["video_id"], GROUP_OWNER, "video")
    assert item["title"] == "Клип"
    assert item["views"] == 5321
    assert item["likes"] == {"count": 210, "user_likes": 0}
    assert item["comments"] == 12
    assert item["reposts"]["count"] == 9
    assert item["access_key"] == saved["access_key"]
    assert isinstance(item["date"], int)
    assert item["player"].startswith(vk.base_url)


def test_batch_of_videos_and_unknown_ones(api, http):
    refs = []
    for name in ("Первый", "Второй"):
        saved = result(api("video.save", name=name, group_id=demo.VK_GROUP_ID))
        upload(http, saved["upload_url"], VIDEO)
        refs.append(f"{GROUP_OWNER}_{saved['video_id']}")

    answer = result(api("video.get", videos=",".join([*refs, f"{GROUP_OWNER}_1"]), count=200))

    assert answer["count"] == 2
    assert [item["title"] for item in answer["items"]] == ["Первый", "Второй"]


def test_access_key_in_the_video_reference(api, vk, http):
    saved = result(api("video.save", is_private=1))
    upload(http, saved["upload_url"], VIDEO)
    stranger = vk.create_vk_user("Чужой", "Человек")
    token = vk.create_vk_token(user_id=stranger["id"])["token"]
    plain = f"{demo.VK_USER_ID}_{saved['video_id']}"

    assert result(api("video.get", token=token, videos=plain))["count"] == 0
    keyed = result(api("video.get", token=token, videos=f"{plain}_{saved['access_key']}"))

    assert keyed["count"] == 1
    assert "access_key" not in keyed["items"][0]


def test_by_owner_newest_first_with_count_and_offset(api, http):
    ids = []
    for _ in range(3):
        saved = result(api("video.save", group_id=demo.VK_GROUP_ID))
        upload(http, saved["upload_url"], VIDEO)
        ids.append(saved["video_id"])
    result(api("video.save", group_id=demo.VK_GROUP_ID))  # never uploaded: not listed

    answer = result(api("video.get", owner_id=GROUP_OWNER, count=2, offset=1))

    assert answer["count"] == 3
    assert [item["id"] for item in answer["items"]] == [ids[1], ids[0]]


@pytest.mark.parametrize("count", [201, -1])
def test_count_is_at_most_200(api, count):
    code, message = error_of(api("video.get", count=count))
    assert code == 100
    assert "count" in message


def test_extended_adds_owners(api, uploaded):
    ref, _ = uploaded
    answer = result(api("video.get", videos=ref, extended=1))
    assert [group["id"] for group in answer["groups"]] == [demo.VK_GROUP_ID]
    assert answer["profiles"] == []


def test_video_delete(api, vk, uploaded):
    ref, saved = uploaded

    assert result(api("video.delete", owner_id=GROUP_OWNER, video_id=saved["video_id"])) == 1

    assert result(api("video.get", videos=ref))["count"] == 0
    assert vk.vk_videos()[0]["deleted"] is True
    again = api("video.delete", owner_id=GROUP_OWNER, video_id=saved["video_id"])
    assert error_of(again)[0] == 100


def test_video_delete_needs_the_right_to_edit(api, vk, uploaded):
    _, saved = uploaded
    stranger = vk.create_vk_user("Чужой", "Человек")
    token = vk.create_vk_token(user_id=stranger["id"])["token"]

    answer = api("video.delete", token=token, owner_id=GROUP_OWNER, video_id=saved["video_id"])

    assert error_of(answer)[0] == 203
    assert vk.vk_videos()[0]["deleted"] is False


def test_wall_post_with_the_video_and_wall_get_by_id(api, vk, uploaded):
    ref, saved = uploaded

    posted = result(
        api(
            "wall.post",
            owner_id=GROUP_OWNER,
            from_group=1,
            message="Новый клип",
            attachments=f"video{ref}",
        )
    )
    vk.set_vk_post_counters(GROUP_OWNER, posted["post_id"], views=100, likes=7)
    answer = result(api("wall.getById", posts=f"{GROUP_OWNER}_{posted['post_id']}"))

    [post] = answer["items"]
    assert post["id"] == posted["post_id"]
    assert post["owner_id"] == post["from_id"] == GROUP_OWNER
    assert post["text"] == "Новый клип"
    assert post["views"] == {"count": 100}
    assert post["likes"]["count"] == 7
    assert post["attachments"][0]["type"] == "video"
    assert post["attachments"][0]["video"]["id"] == saved["video_id"]
    [logged] = vk.vk_posts()
    assert logged["videos"] == [ref]
    assert vk.vk_videos()[0]["wall_post_id"] == posted["post_id"]


def test_wall_post_without_from_group_is_signed_by_the_person(api, uploaded):
    ref, _ = uploaded
    posted = result(api("wall.post", owner_id=GROUP_OWNER, attachments=f"video{ref}"))
    [post] = result(api("wall.getById", posts=f"{GROUP_OWNER}_{posted['post_id']}"))["items"]
    assert post["from_id"] == demo.VK_USER_ID


def test_wall_get_by_id_is_a_plain_list_in_old_versions(api, uploaded):
    ref, _ = uploaded
    posted = result(api("wall.post", owner_id=GROUP_OWNER, attachments=f"video{ref}"))
    posts = result(api("wall.getById", v="5.131", posts=f"{GROUP_OWNER}_{posted['post_id']}"))
    assert isinstance(posts, list)
    assert posts[0]["id"] == posted["post_id"]


@pytest.mark.parametrize(
    "params",
    [
        {"owner_id": GROUP_OWNER},
        {"owner_id": GROUP_OWNER, "attachments": f"video{GROUP_OWNER}_1"},
        {"owner_id": GROUP_OWNER, "attachments": "photo1_2"},
        {"owner_id": -999, "message": "x"},
    ],
)
def test_wall_post_refuses_empty_posts_and_unknown_attachments(api, vk, params):
    assert error_of(api("wall.post", **params))[0] == 100
    assert vk.vk_posts() == []


def test_wall_post_on_someone_elses_page_is_error_214(api, vk):
    person = vk.create_vk_user("Мария", "Смирнова")
    assert error_of(api("wall.post", owner_id=person["id"], message="x"))[0] == 214
