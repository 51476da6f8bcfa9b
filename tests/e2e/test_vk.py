"""VK through real processes: VK ID sign-in in a browser session, then one click to VK and Telegram."""

import re
import time

import pytest
from django.conf import settings

from autopost.clips.models import Clip
from autopost.publishing.models import Publication
from autopost.sandbox import demo
from tests.connections.vk_flow import consent
from tests.e2e.conftest import signed_in_session

VK_FAST = {"AUTOPOST_VK_CLIP_POLL_SECONDS": "0.2"}


@pytest.fixture
def browser(stack):
    """A signed-in browser session on the real web server."""
    with signed_in_session(stack.url) as client:
        yield client


def connect_vk(browser, stack) -> dict:
    settings_page = browser.get("/settings/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', settings_page.text).group(1)
    start = browser.post("/settings/connect/vk/", data={"csrfmiddlewaretoken": token},
                         headers={"Referer": f"{stack.url}/settings/"})
    assert start.status_code == 302, start.text
    params = consent(start.headers["location"])
    done = browser.get("/oauth/vk/callback", params=params)
    assert done.status_code == 302 and done.headers["location"] == "/settings/"
    [vk] = [c for c in stack.api.get("/api/v1/connections").json()["items"] if c["platform"] == "vk"]
    return vk


@pytest.fixture
def vk_stack(stack, sandbox_control):
    sandbox_control.set_vk_config(processing_s=0.5, clip_not_ready_polls=1)
    stack.env.update(VK_FAST)
    [worker] = stack.workers
    worker.stop()
    stack.workers.clear()
    stack.start_worker()
    return stack


def test_one_click_publishes_to_vk_and_telegram(vk_stack, browser, sandbox_control, sample_clip):
    vk = connect_vk(browser, vk_stack)
    telegram = vk_stack.connect_demo_channel()
    clip = vk_stack.upload_clip(sample_clip)

    results = vk_stack.publish(clip["id"], [vk["id"], telegram["id"]])
    assert all(r["ok"] for r in results), results
    done = {r["connection_id"]: vk_stack.wait_status(r["publication"]["id"], {"published", "failed"}, timeout=40)
            for r in results}

    assert done[vk["id"]]["status"] == "published", done[vk["id"]]
    owner, video_id = done[vk["id"]]["remote_id"].split("_")
    assert done[vk["id"]]["url"] == f"{settings.VK_WEB_URL}/clip{owner}_{video_id}"
    [video] = [v for v in sandbox_control.vk_videos() if str(v["video_id"]) == video_id]
    assert video["sha256"] == Clip.objects.get(pk=clip["id"]).sha256
    assert done[telegram["id"]]["status"] == "published"
    assert len(sandbox_control.telegram_messages()) == 1


def test_too_large_for_telegram_still_goes_to_vk(vk_stack, browser, sandbox_control, sample_clip):
    vk = connect_vk(browser, vk_stack)
    telegram = vk_stack.connect_demo_channel()
    clip = vk_stack.upload_clip(sample_clip)
    Clip.objects.filter(pk=clip["id"]).update(size=51 * 1024 * 1024)

    results = {r["connection_id"]: r for r in vk_stack.publish(clip["id"], [telegram["id"], vk["id"]],
                                                                scheduled_at="2030-01-01T12:00:00+03:00")}

    assert results[telegram["id"]]["error"] == {
        "code": "file_too_large", "message": "Файл слишком большой для Telegram (максимум 50 МБ)"
    }
    assert results[vk["id"]]["ok"] and results[vk["id"]]["publication"]["status"] == "scheduled"
    assert list(Publication.objects.values_list("platform", flat=True)) == ["vk"]


def test_worker_killed_after_video_save_leaves_exactly_one_video(vk_stack, browser, sandbox_control, sample_clip):
    from autopost.testing.processes import wait_for

    vk = connect_vk(browser, vk_stack)
    assert vk_stack.api.patch(f"/api/v1/connections/{vk['id']}", json={"publish_as": "video"}).status_code == 200
    clip = vk_stack.upload_clip(sample_clip)
    # video.save answers at once; the upload after it crawls, so the kill lands between the two.
    sandbox_control.add_fault("slow_upload", platform="vk", method="upload", delay_s=10, count=1)
    [result] = vk_stack.publish(clip["id"], [vk["id"]])
    publication_id = result["publication"]["id"]
    wait_for(lambda: any(v["owner_id"] == int(vk["target_id"]) for v in sandbox_control.vk_videos()), 15,
             message="video.save to be called")
    time.sleep(1.0)

    [worker] = vk_stack.workers
    worker.kill()
    vk_stack.start_worker()

    publication = vk_stack.wait_status(publication_id, {"published", "failed"}, timeout=60)
    assert publication["status"] == "published", publication
    live = [v for v in sandbox_control.vk_videos() if not v["deleted"]]
    assert len(live) == 1
    assert live[0]["sha256"] == Clip.objects.get(pk=clip["id"]).sha256
    video = f"{live[0]['owner_id']}_{live[0]['video_id']}"
    assert publication["url"] == f"{settings.VK_WEB_URL}/video{video}"
