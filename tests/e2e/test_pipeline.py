"""The vertical slice through real processes: API → queue → worker → sandbox Telegram."""

import time
from datetime import datetime, timedelta, timezone

from django.conf import settings

from tests.e2e.conftest import sha256
from autopost.sandbox import demo


def in_seconds(seconds: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds)).isoformat()


def test_upload_publish_and_the_channel_receives_the_exact_bytes(stack, sandbox_control, sample_clip):
    connection = stack.connect_demo_channel()
    clip = stack.upload_clip(sample_clip)
    [result] = stack.publish(clip["id"], [connection["id"]])
    assert result["ok"], result

    publication = stack.wait_status(result["publication"]["id"], {"published", "failed"})

    assert publication["status"] == "published", publication
    [message] = sandbox_control.telegram_messages()
    assert message["sha256"] == sha256(sample_clip)
    assert message["caption"].startswith("Закат над Невой")
    channel = demo.TELEGRAM_CHANNEL[1:]
    assert publication["url"] == f"{settings.TELEGRAM_WEB_URL}/{channel}/{message['message_id']}"
    assert [e["reason"] for e in publication["events"]] == ["publish_requested", "attempt_started", "published"]


def test_scheduled_publication_is_sent_on_time_and_not_before(stack, sandbox_control, sample_clip):
    connection = stack.connect_demo_channel()
    clip = stack.upload_clip(sample_clip)
    at = in_seconds(3)
    [result] = stack.publish(clip["id"], [connection["id"]], scheduled_at=at)
    publication_id = result["publication"]["id"]

    time.sleep(1.5)
    assert stack.publication(publication_id)["status"] == "scheduled"
    assert sandbox_control.telegram_messages() == []

    publication = stack.wait_status(publication_id, {"published", "failed"}, timeout=20)
    assert publication["status"] == "published"
    assert datetime.fromisoformat(publication["published_at"]) >= datetime.fromisoformat(at)
    assert len(sandbox_control.telegram_messages()) == 1


def test_cancel_before_the_time_means_the_channel_never_receives_it(stack, sandbox_control, sample_clip):
    connection = stack.connect_demo_channel()
    clip = stack.upload_clip(sample_clip)
    [result] = stack.publish(clip["id"], [connection["id"]], scheduled_at=in_seconds(3))
    publication_id = result["publication"]["id"]

    response = stack.api.post(f"/api/v1/publications/{publication_id}/cancel")
    assert response.status_code == 200, response.text

    time.sleep(3 + 3 + 1.5)  # past the time, past the sweeper's grace
    assert stack.publication(publication_id)["status"] == "cancelled"
    assert sandbox_control.telegram_messages() == []


def test_twenty_concurrent_publish_requests_create_one_publication(stack, sandbox_control, sample_clip):
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    connection = stack.connect_demo_channel()
    clip = stack.upload_clip(sample_clip)

    def click(_):
        with httpx.Client(base_url=stack.url, headers=stack.api.headers, timeout=30) as client:
            response = client.post(f"/api/v1/clips/{clip['id']}/publish", json={"targets": [connection["id"]]})
            assert response.status_code == 200, response.text
            return response.json()["results"][0]

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(click, range(20)))

    created = [r for r in results if r["ok"]]
    assert len(created) == 1
    assert {r["error"]["code"] for r in results if not r["ok"]} == {"already_publishing"}
    stack.wait_status(created[0]["publication"]["id"], {"published"})
    listed = stack.api.get("/api/v1/publications", params={"clip": clip["id"]}).json()
    assert listed["count"] == 1
    assert len(sandbox_control.telegram_messages()) == 1
