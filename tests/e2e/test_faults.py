"""Platform faults, through real processes: each ends in the right state with the right count of posts."""

import time

from tests.e2e.conftest import sha256


def publish_once(stack, sample_clip):
    connection = stack.connect_demo_channel()
    clip = stack.upload_clip(sample_clip)
    [result] = stack.publish(clip["id"], [connection["id"]])
    return result["publication"]["id"], connection


def test_a_500_then_success_posts_once(stack, sandbox_control, sample_clip):
    sandbox_control.add_fault(platform="telegram", method="sendVideo", kind="http_500", count=1)
    publication_id, _ = publish_once(stack, sample_clip)

    publication = stack.wait_status(publication_id, {"published", "failed"})

    assert publication["status"] == "published"
    assert publication["attempts"] == 2
    [message] = sandbox_control.telegram_messages()
    assert message["sha256"] == sha256(sample_clip)
    assert "retry_scheduled" in [e["reason"] for e in publication["events"]]


def test_429_waits_retry_after_and_keeps_the_attempt(stack, sandbox_control, sample_clip):
    sandbox_control.add_fault(platform="telegram", method="sendVideo", kind="rate_limit", retry_after=2, count=1)
    publication_id, _ = publish_once(stack, sample_clip)

    publication = stack.wait_status(publication_id, {"published", "failed"})

    assert publication["status"] == "published"
    assert publication["attempts"] == 1  # the rate-limited try was given back
    events = {e["reason"]: e for e in publication["events"]}
    waited = _at(events["published"]) - _at(events["rate_limited"])
    assert waited >= 2.0
    assert len(sandbox_control.telegram_messages()) == 1


def test_401_expires_the_connection_and_fails_with_a_clear_message(stack, sandbox_control, sample_clip):
    publication_id, connection = publish_once_after_revoking(stack, sandbox_control, sample_clip)

    publication = stack.wait_status(publication_id, {"published", "failed"})

    assert publication["status"] == "failed"
    assert publication["last_error"]["message"] == "Токен истёк, переподключите платформу"
    [listed] = [c for c in stack.api.get("/api/v1/connections").json()["items"] if c["id"] == connection["id"]]
    assert listed["status"] == "expired"
    assert sandbox_control.telegram_messages() == []


def publish_once_after_revoking(stack, sandbox_control, sample_clip):
    connection = stack.connect_demo_channel()
    clip = stack.upload_clip(sample_clip)
    sandbox_control.add_fault(platform="telegram", method="sendVideo", kind="unauthorized", count=1)
    [result] = stack.publish(clip["id"], [connection["id"]])
    return result["publication"]["id"], connection


def test_deleted_file_fails_at_once(stack, sandbox_control, sample_clip):
    from django.core.files.storage import default_storage

    from autopost.clips.models import Clip

    connection = stack.connect_demo_channel()
    clip = stack.upload_clip(sample_clip)
    default_storage.delete(Clip.objects.get(pk=clip["id"]).storage_key)
    [result] = stack.publish(clip["id"], [connection["id"]])

    publication = stack.wait_status(result["publication"]["id"], {"published", "failed"})

    assert publication["status"] == "failed"
    assert publication["attempts"] == 1
    assert publication["last_error"] == {"code": "clip_file_missing", "message": "Файл клипа не найден"}
    assert sandbox_control.telegram_messages() == []


def _at(event) -> float:
    from datetime import datetime

    return datetime.fromisoformat(event["at"]).timestamp()


def test_too_large_is_rejected_before_any_publication_exists(stack, sandbox_control, sample_clip):
    from autopost.clips.models import Clip
    from autopost.publishing.models import Publication

    connection = stack.connect_demo_channel()
    clip = stack.upload_clip(sample_clip)
    Clip.objects.filter(pk=clip["id"]).update(size=51 * 1024 * 1024)  # as if a 51 MB render
    [result] = stack.publish(clip["id"], [connection["id"]])

    assert result["ok"] is False
    assert result["error"] == {
        "code": "file_too_large", "message": "Файл слишком большой для Telegram (максимум 50 МБ)"
    }
    assert not Publication.objects.exists()
    time.sleep(0.5)
    assert sandbox_control.telegram_messages() == []
