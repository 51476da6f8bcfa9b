"""vk.com's public pages in the sandbox (``/vk-web``): a published Clip or an uploaded video opens
at its real address with its text, its community links back, anything else is a 404."""

import os

import pytest

from autopost.sandbox import demo
from tests.sandbox.vk.helpers import result, sha256, upload

CLIP = os.urandom(40_000)
OWNER = -demo.VK_GROUP_ID


@pytest.fixture
def site(vk):
    vk.set_vk_config(processing_s=0, clip_not_ready_polls=0)
    return f"{vk.base_url}/vk-web"


def published_clip(api, http, description: str) -> int:
    created = result(api("shortVideo.create", file_size=len(CLIP), group_id=demo.VK_GROUP_ID,
                         description=description))
    upload(http, created["upload_url"], CLIP, part="file")
    result(api("shortVideo.publish", owner_id=OWNER, video_id=created["video_id"],
               publish_date=0, license_agree=1))
    return created["video_id"]


def test_a_published_clip_opens_at_its_address_with_its_text(site, api, http):
    video_id = published_clip(api, http, "Закат над Невой\n\nВечер <b>у воды</b>")

    page = http.get(f"{site}/clip{OWNER}_{video_id}")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>Закат над Невой</h1>" in page.text
    assert "Вечер &lt;b&gt;у воды&lt;/b&gt;" in page.text
    assert demo.VK_GROUP_NAME in page.text and "VK" in page.text
    # The sandbox hashes uploads and keeps no bytes: the page says so instead of a player.
    assert sha256(CLIP) in page.text and "<video" not in page.text
    assert http.get(f"{site}/video{OWNER}_{video_id}").status_code == 200


def test_the_community_page_lists_the_clip(site, api, http):
    video_id = published_clip(api, http, "Клип для списка")

    page = http.get(f"{site}/{demo.VK_GROUP_SCREEN_NAME}")

    assert page.status_code == 200
    assert f'href="/vk-web/clip{OWNER}_{video_id}"' in page.text
    assert "Клип для списка" in page.text
    assert http.get(f"{site}/club{demo.VK_GROUP_ID}").text == page.text


def test_an_uploaded_video_opens_and_is_no_clip(site, api, http):
    saved = result(api("video.save", name="Просто видео", description="Описание"))
    key = f"{saved['owner_id']}_{saved['video_id']}"
    upload(http, saved["upload_url"], CLIP)

    page = http.get(f"{site}/video{key}")

    assert page.status_code == 200 and "<h1>Просто видео</h1>" in page.text
    assert f"{demo.VK_USER_FIRST_NAME} {demo.VK_USER_LAST_NAME}" in page.text
    assert http.get(f"{site}/clip{key}").status_code == 404


def test_unknown_unpublished_and_deleted_posts_are_404(site, api, http):
    draft = result(api("shortVideo.create", file_size=len(CLIP), group_id=demo.VK_GROUP_ID))
    upload(http, draft["upload_url"], CLIP, part="file")
    deleted = published_clip(api, http, "Удалённый")
    result(api("video.delete", owner_id=OWNER, video_id=deleted))

    for path in (f"/clip{OWNER}_999999999", f"/clip{OWNER}_{draft['video_id']}",
                 f"/clip{OWNER}_{deleted}", "/club1", "/nobody_here"):
        page = http.get(f"{site}{path}")
        assert page.status_code == 404, path
        assert "Страница не найдена" in page.text
