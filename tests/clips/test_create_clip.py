"""create_clip: stores under a generated key, hashes while copying, probes, never half-saves."""

import hashlib
import io
import os
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from autopost.clips.models import Clip, ClipStatus
from autopost.clips.service import create_clip, sanitize_filename
from autopost.publishing.errors import ServiceError

pytestmark = pytest.mark.usefixtures("media_root")


def stored_files(user) -> list[str]:
    folder = f"clips/{user.pk}"
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


def test_stores_probes_and_hashes_a_real_video(alice, video_bytes):
    clip = create_clip(
        alice, io.BytesIO(video_bytes), filename="Мой ролик.MOV", title="  Клип  ", description="d"
    )
    assert clip.status == ClipStatus.READY
    assert clip.title == "Клип"
    assert clip.size == len(video_bytes)
    assert clip.sha256 == hashlib.sha256(video_bytes).hexdigest()
    assert (clip.width, clip.height) == (360, 640)
    assert clip.duration == pytest.approx(2, abs=0.2)
    assert clip.video_codec and clip.container
    # The key is ours (user folder + random hex); the whitelisted extension is kept, lower-case.
    assert re.fullmatch(rf"clips/{alice.pk}/[0-9a-f]{{32}}\.mov", clip.storage_key)
    assert clip.content_type == "video/quicktime"
    assert clip.original_filename == "Мой ролик.MOV"
    with clip.open() as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == clip.sha256


def test_a_temporary_upload_is_copied_not_moved(alice, video_bytes):
    upload = TemporaryUploadedFile("big.mp4", "video/mp4", len(video_bytes), None)
    upload.write(video_bytes)
    upload.seek(0)
    clip = create_clip(alice, upload, filename=upload.name, title="t")
    # Hashing needs the bytes to pass through us; the temp file stays for Django to clean up.
    assert os.path.exists(upload.temporary_file_path())
    assert clip.sha256 == hashlib.sha256(video_bytes).hexdigest()
    upload.close()


@pytest.mark.parametrize(
    ("filename", "expected_ext"),
    [
        ("../../etc/passwd", "mp4"),
        ("clip.exe", "mp4"),
        ("a.webm", "webm"),
        ("", "mp4"),
        ("x.MKV", "mkv"),
    ],
)
def test_the_extension_comes_from_a_whitelist(alice, video_bytes, filename, expected_ext):
    clip = create_clip(alice, io.BytesIO(video_bytes), filename=filename, title="t")
    assert clip.storage_key.startswith(f"clips/{alice.pk}/")
    assert clip.storage_key.endswith(f".{expected_ext}")
    assert ".." not in clip.storage_key


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        (r"C:\Users\me\clip.mp4", "clip.mp4"),
        ("bad\x00name\n.mp4", "badname.mp4"),
        ("..", ""),
        ("x" * 300 + ".mp4", ("x" * 300 + ".mp4")[-255:]),
    ],
)
def test_original_filename_is_sanitised(raw, clean):
    assert sanitize_filename(raw) == clean


@pytest.mark.parametrize("title", ["", "   "])
def test_a_missing_title_is_refused_before_storing(alice, video_bytes, title):
    with pytest.raises(ServiceError) as err:
        create_clip(alice, io.BytesIO(video_bytes), filename="a.mp4", title=title)
    assert err.value.code == "validation_error"
    assert "title" in err.value.message
    assert not Clip.objects.exists() and stored_files(alice) == []


def test_an_empty_file_is_refused(alice):
    with pytest.raises(ServiceError) as err:
        create_clip(alice, SimpleUploadedFile("a.mp4", b""), filename="a.mp4", title="t")
    assert err.value.code == "validation_error"
    assert not Clip.objects.exists() and stored_files(alice) == []


def test_an_empty_stream_without_declared_size_is_refused(alice):
    with pytest.raises(ServiceError) as err:
        create_clip(alice, io.BytesIO(b""), filename="a.mp4", title="t")
    assert err.value.code == "validation_error"
    assert not Clip.objects.exists() and stored_files(alice) == []


def test_a_declared_size_over_the_limit_is_refused_without_copying(alice, settings, video_bytes):
    settings.AUTOPOST_MAX_CLIP_BYTES = len(video_bytes) - 1
    upload = SimpleUploadedFile("a.mp4", video_bytes)
    with pytest.raises(ServiceError) as err:
        create_clip(alice, upload, filename="a.mp4", title="t")
    assert (err.value.code, err.value.status) == ("file_too_large", 413)
    assert not Clip.objects.exists() and stored_files(alice) == []


def test_an_undeclared_size_over_the_limit_stops_the_copy(alice, settings, video_bytes):
    settings.AUTOPOST_MAX_CLIP_BYTES = 1000
    with pytest.raises(ServiceError) as err:
        create_clip(alice, io.BytesIO(video_bytes), filename="a.mp4", title="t")
    assert err.value.code == "file_too_large"
    assert not Clip.objects.exists() and stored_files(alice) == []


def test_a_file_that_is_not_video_is_deleted_and_reported(alice):
    with pytest.raises(ServiceError) as err:
        create_clip(alice, io.BytesIO(b"hello, not a video" * 100), filename="a.mp4", title="t")
    assert err.value.code == "not_a_video"
    assert err.value.message
    assert not Clip.objects.exists() and stored_files(alice) == []


def test_a_truncated_video_is_deleted_and_reported(alice, video_bytes):
    truncated = io.BytesIO(video_bytes[: len(video_bytes) // 3])
    with pytest.raises(ServiceError) as err:
        create_clip(alice, truncated, filename="a.mp4", title="t")
    assert err.value.code == "corrupt_video"
    assert not Clip.objects.exists() and stored_files(alice) == []
