"""Rutube (URL pull from our signed link) and Дзен (TUS) through real processes."""

import json
import time

from django.apps import apps
from django.conf import settings

from autopost.clips.models import Clip
from autopost.sandbox import demo
from autopost.testing.processes import wait_for


def connect(stack, platform: str, payload: dict) -> dict:
    response = stack.api.post(f"/api/v1/connections/{platform}", json=payload)
    assert response.status_code == 201, response.text
    return response.json()


def test_rutube_pulls_the_clip_from_our_signed_link_and_the_password_is_nowhere(stack, sandbox_control, sample_clip):
    sandbox_control.set_rutube_config(processing_s=0.3)
    rutube = connect(stack, "rutube", {"username": demo.RUTUBE_EMAIL, "password": demo.RUTUBE_PASSWORD})
    assert rutube["account_name"] == demo.RUTUBE_NAME
    clip = stack.upload_clip(sample_clip)

    [result] = stack.publish(clip["id"], [rutube["id"]])
    publication = stack.wait_status(result["publication"]["id"], {"published", "failed"}, timeout=40)

    assert publication["status"] == "published", publication
    [video] = sandbox_control.rutube_videos()
    assert publication["url"] == f"{settings.RUTUBE_WEB_URL}/video/{video['video_id']}/"
    assert video["sha256"] == Clip.objects.get(pk=clip["id"]).sha256
    assert video["source_url"].startswith(f"{stack.url}/clips/{clip['id']}/download?expires=")

    texts = [json.dumps(rutube), json.dumps(publication), stack.logs()]
    texts += [json.dumps(list(model.objects.values()), default=str) for model in apps.get_models()]
    assert not any(demo.RUTUBE_PASSWORD in text for text in texts)


def dzen_session() -> dict:
    return {"session": f"Session_id={demo.DZEN_SESSION_ID}; yandexuid=1234567891735689600",
            "channel": demo.DZEN_PUBLISHER_ID}


def test_dzen_short_goes_through_tus_and_is_published(stack, sandbox_control, sample_clip):
    sandbox_control.set_dzen_config(conversion_s=0.3)
    dzen = connect(stack, "dzen", dzen_session())
    clip = stack.upload_clip(sample_clip)

    [result] = stack.publish(clip["id"], [dzen["id"]])
    publication = stack.wait_status(result["publication"]["id"], {"published", "failed"}, timeout=40)

    assert publication["status"] == "published", publication
    [short] = sandbox_control.dzen_publications()
    assert publication["url"] == f"{settings.DZEN_WEB_URL}/shorts/{short['publication_id']}"
    assert short["published"] and short["sha256"] == Clip.objects.get(pk=clip["id"]).sha256


def test_worker_killed_mid_tus_resumes_with_no_second_publication(stack, sandbox_control, sample_clip):
    sandbox_control.set_dzen_config(conversion_s=0.3)
    stack.env["AUTOPOST_DZEN_TUS_CHUNK_BYTES"] = str(32 * 1024)  # many chunks: the kill lands mid-upload
    [worker] = stack.workers
    worker.stop()
    stack.workers.clear()
    stack.start_worker()
    dzen = connect(stack, "dzen", dzen_session())
    clip = stack.upload_clip(sample_clip)
    sandbox_control.add_fault("slow_upload", platform="dzen", method="tus.patch", delay_s=0.5, count=1000)

    [result] = stack.publish(clip["id"], [dzen["id"]])
    wait_for(lambda: any(p["upload"] and p["upload"].get("offset", 0) > 0 for p in sandbox_control.dzen_publications()),
             20, message="the TUS upload to start")
    time.sleep(1.0)
    [worker] = stack.workers
    worker.kill()
    sandbox_control.clear_faults("dzen")
    stack.start_worker()

    publication = stack.wait_status(result["publication"]["id"], {"published", "failed"}, timeout=60)
    assert publication["status"] == "published", publication
    [short] = sandbox_control.dzen_publications()  # one publication: resumed, not started again
    assert short["published"] and short["sha256"] == Clip.objects.get(pk=clip["id"]).sha256
    assert short["upload"]["patches"] > 1
