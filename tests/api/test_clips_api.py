"""Clips over the API: multipart upload, list, get; someone else's clip does not exist."""

import hashlib

from api_helpers import assert_error
from factories import make_clip

from autopost.clips.models import Clip

CLIP_FIELDS = {
    "id", "title", "description", "size", "duration", "width", "height", "status",
    "status_message", "created_at", "stats",
}


def upload(client, path, **fields):
    with open(path, "rb") as fh:
        return client.post("/api/v1/clips", {"file": fh, **fields})


def test_upload_stores_exactly_the_uploaded_bytes(alice_api, alice, sample_video):
    response = upload(alice_api, sample_video, title="Первый клип", description="описание")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == CLIP_FIELDS
    assert body["title"] == "Первый клип"
    assert body["description"] == "описание"
    assert body["status"] == "ready"
    assert (body["width"], body["height"]) == (360, 640)
    assert body["size"] == sample_video.stat().st_size

    clip = Clip.objects.get(pk=body["id"], owner=alice)
    uploaded_hash = hashlib.sha256(sample_video.read_bytes()).hexdigest()
    assert clip.sha256 == uploaded_hash
    with clip.open() as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == uploaded_hash
    assert clip.original_filename == "sample.mp4"


def test_upload_without_title_names_the_field(alice_api, sample_video):
    body = assert_error(upload(alice_api, sample_video), 400, "validation_error")
    assert "title" in body["message"]
    assert not Clip.objects.exists()


def test_upload_with_blank_title_is_refused(alice_api, sample_video):
    body = assert_error(upload(alice_api, sample_video, title="   "), 400, "validation_error")
    assert "title" in body["message"]
    assert not Clip.objects.exists()


def test_upload_without_file_names_the_field(alice_api):
    body = assert_error(alice_api.post("/api/v1/clips", {"title": "t"}), 400, "validation_error")
    assert "file" in body["message"]


def test_upload_of_a_non_video_is_refused_and_nothing_is_kept(alice_api, alice, tmp_path, settings):
    fake = tmp_path / "notes.mp4"
    fake.write_text("definitely not a video\n" * 50)
    assert_error(upload(alice_api, fake, title="t"), 400, "not_a_video")
    assert not Clip.objects.exists()
    assert not (settings.MEDIA_ROOT / "clips").exists() or not any(
        (settings.MEDIA_ROOT / "clips").rglob("*.*")
    )


def test_upload_over_the_size_limit_is_413(alice_api, sample_video, settings):
    settings.AUTOPOST_MAX_CLIP_BYTES = 1024
    body = assert_error(upload(alice_api, sample_video, title="t"), 413, "file_too_large")
    assert "МБ" in body["message"]
    assert not Clip.objects.exists()


def test_list_shows_only_my_clips_newest_first(alice_api, alice, bob):
    older = make_clip(alice, title="старый")
    newer = make_clip(alice, title="новый")
    make_clip(bob, title="чужой")
    body = alice_api.get("/api/v1/clips").json()
    assert body["count"] == 2
    assert [c["id"] for c in body["items"]] == [newer.pk, older.pk]
    assert all(set(c) == CLIP_FIELDS for c in body["items"])


def test_list_is_paginated(alice_api, alice):
    clips = [make_clip(alice, title=f"c{i}") for i in range(3)]
    body = alice_api.get("/api/v1/clips?limit=2&offset=1").json()
    assert body["count"] == 3
    assert [c["id"] for c in body["items"]] == [clips[1].pk, clips[0].pk]


def test_get_my_clip(alice_api, alice):
    clip = make_clip(alice, title="мой")
    body = alice_api.get(f"/api/v1/clips/{clip.pk}").json()
    assert body["id"] == clip.pk and body["title"] == "мой"


def test_someone_elses_clip_is_not_found(bob_api, alice):
    clip = make_clip(alice)
    assert_error(bob_api.get(f"/api/v1/clips/{clip.pk}"), 404, "not_found")
    assert_error(bob_api.get("/api/v1/clips/999999"), 404, "not_found")
    assert bob_api.get("/api/v1/clips").json()["count"] == 0
