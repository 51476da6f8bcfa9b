"""Poster frames: a JPEG picture of the clip, upright, made with the clip and lazily for old clips."""

import io

import av
import pytest
from django.core.files.storage import default_storage

from autopost.clips import poster
from autopost.clips.media import InvalidMedia, make_sample_clip
from autopost.clips.models import Clip
from autopost.clips.service import create_clip
from tests.factories import make_clip

pytestmark = pytest.mark.usefixtures("media_root")


def decode_jpeg(data: bytes) -> av.VideoFrame:
    assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9"
    with av.open(io.BytesIO(data)) as container:
        assert container.format.name == "jpeg_pipe"
        return next(container.decode(video=0))


def mean_luma(frame: av.VideoFrame, rows: range) -> float:
    plane = frame.planes[0]
    data = bytes(plane)
    values = [b for row in rows for b in data[row * plane.line_size:row * plane.line_size + frame.width]]
    return sum(values) / len(values)


def half_bright_video(path, *, rotation):
    """Landscape 128×64 frames, the left half white and the right half black."""
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 128, 64, "yuv420p"
        stream.set_display_rotation(rotation)
        row = b"\xeb" * 64 + b"\x10" * 64
        for index in range(20):
            frame = av.VideoFrame(128, 64, "yuv420p")
            y_plane = frame.planes[0]
            y_plane.update(b"".join(row.ljust(y_plane.line_size, b"\0") for _ in range(64)))
            for plane in frame.planes[1:]:
                plane.update(bytes([128]) * plane.buffer_size)
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    return path


@pytest.mark.parametrize(
    ("duration", "expected"), [(2.0, 1.0), (60.0, 6.0), (0.5, 0.25), (None, 0.0), (0, 0.0)]
)
def test_the_poster_is_taken_a_second_in_a_tenth_into_long_clips_and_never_past_the_middle(duration, expected):
    assert poster.poster_time(duration) == pytest.approx(expected)


def test_a_poster_is_a_jpeg_480_pixels_high_keeping_the_aspect(tmp_path, video_bytes):
    path = tmp_path / "clip.mp4"
    path.write_bytes(video_bytes)

    frame = decode_jpeg(poster.poster_jpeg(path, 2.0))

    assert (frame.width, frame.height) == (270, 480)


def test_a_small_video_is_not_scaled_up(tmp_path):
    path = make_sample_clip(tmp_path / "small.mp4", seconds=1, width=64, height=96)
    frame = decode_jpeg(poster.poster_jpeg(path, 1.0))
    assert (frame.width, frame.height) == (64, 96)


@pytest.mark.parametrize(("rotation", "bright_half"), [(90, "bottom"), (-90, "top")])
def test_a_phone_video_rotated_by_metadata_gets_an_upright_poster(tmp_path, rotation, bright_half):
    path = half_bright_video(tmp_path / "phone.mp4", rotation=rotation)

    frame = decode_jpeg(poster.poster_jpeg(path, 2.0))

    assert (frame.width, frame.height) == (64, 128)
    top, bottom = mean_luma(frame, range(0, 60)), mean_luma(frame, range(68, 128))
    assert (bottom > top + 100) if bright_half == "bottom" else (top > bottom + 100)


def test_a_file_that_is_not_a_video_gives_no_poster(tmp_path):
    path = tmp_path / "notes.mp4"
    path.write_text("not a video")
    with pytest.raises(InvalidMedia):
        poster.poster_jpeg(path, 1.0)


def test_a_new_clip_gets_its_poster_next_to_it(alice, video_bytes):
    clip = create_clip(alice, io.BytesIO(video_bytes), filename="закат.mp4", title="Закат")

    assert clip.poster_key == clip.storage_key.removesuffix(".mp4") + ".jpg"
    with default_storage.open(clip.poster_key) as fh:
        assert decode_jpeg(fh.read()).height == 480


def test_an_older_clip_gets_its_poster_when_first_asked(alice, video_bytes):
    clip = make_clip(alice, payload=video_bytes, duration=2.0)
    assert clip.poster_key == ""

    key = poster.ensure_poster(clip)

    assert key and default_storage.exists(key)
    assert Clip.objects.get(pk=clip.pk).poster_key == key
    assert poster.ensure_poster(Clip.objects.get(pk=clip.pk)) == key  # made once


def test_a_lost_poster_is_made_again(alice, video_bytes):
    clip = create_clip(alice, io.BytesIO(video_bytes), filename="a.mp4", title="A")
    default_storage.delete(clip.poster_key)

    key = poster.ensure_poster(clip)

    assert default_storage.exists(key)
    assert Clip.objects.get(pk=clip.pk).poster_key == key


def test_a_clip_that_is_not_a_video_gets_no_poster_and_nothing_is_stored(alice):
    clip = make_clip(alice, payload=b"definitely not a video" * 100)
    assert poster.ensure_poster(clip) == ""
    assert Clip.objects.get(pk=clip.pk).poster_key == ""
    assert default_storage.listdir(f"clips/{alice.pk}")[1] == [clip.storage_key.rsplit("/", 1)[1]]
