"""Media probing (PyAV) and the generated sample clip."""

import io
import os

import av
import pytest

from autopost.clips import media
from autopost.clips.media import InvalidMedia, MediaInfo


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return media.make_sample_clip(tmp_path_factory.mktemp("sample") / "sample.mp4")


def write_video(path, fmt, codec, *, width=64, height=96, frames=10, rotation=None):
    """A small real video written with PyAV directly, as another program would."""
    target = os.fspath(path) if isinstance(path, os.PathLike) else path
    with av.open(target, "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=10)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if rotation is not None:
            stream.set_display_rotation(rotation)
        for index in range(frames):
            frame = av.VideoFrame(width, height, "yuv420p")
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    return path


def probe_error(path) -> InvalidMedia:
    with pytest.raises(InvalidMedia) as exc:
        media.probe(path)
    return exc.value


# --- the sample clip ------------------------------------------------------------------------------


def test_sample_clip_is_a_small_vertical_h264_mp4_of_three_seconds(sample):
    info = media.probe(sample)

    assert info == MediaInfo(
        duration=pytest.approx(3.0, abs=0.05),
        width=720,
        height=1280,
        video_codec="h264",
        container="mp4",
    )
    assert os.path.getsize(sample) < 1024 * 1024


def test_sample_clip_uses_libx264_with_silent_aac_and_the_index_first(sample):
    assert media.sample_video_encoder() == "libx264"
    with av.open(str(sample)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert video.codec_context.profile == "High"
        assert video.codec_context.pix_fmt == "yuv420p"
        assert float(video.average_rate) == 30
        assert audio.codec_context.name == "aac"
        assert float(audio.duration * audio.time_base) == pytest.approx(3.0, abs=0.05)
    # faststart: players and platforms can start before the whole file has arrived.
    head = sample.read_bytes()[:4096]
    assert b"moov" in head


def test_sample_clip_pattern_moves(sample):
    with av.open(str(sample)) as container:
        frames = [bytes(frame.planes[0]) for frame in container.decode(video=0)]
    assert len(frames) == 90
    assert frames[0] != frames[15] != frames[45]
    assert len(set(frames)) > 80


def test_sample_clip_size_duration_and_rate_are_configurable(tmp_path):
    path = media.make_sample_clip(tmp_path / "small.mp4", seconds=1, width=320, height=240, fps=24)

    info = media.probe(path)
    assert (info.width, info.height, info.duration) == (320, 240, pytest.approx(1.0, abs=0.05))


def test_sample_clip_refuses_odd_dimensions(tmp_path):
    with pytest.raises(ValueError, match="even"):
        media.make_sample_clip(tmp_path / "odd.mp4", width=721)
    assert not (tmp_path / "odd.mp4").exists()


# --- probing other real videos --------------------------------------------------------------------


def test_webm_vp9_is_probed_as_webm(tmp_path):
    info = media.probe(write_video(tmp_path / "clip.webm", "webm", "libvpx-vp9"))
    assert (info.container, info.video_codec, info.width, info.height) == ("webm", "vp9", 64, 96)
    assert info.duration == pytest.approx(1.0)


def test_mov_and_mkv_are_told_apart_from_mp4_and_webm(tmp_path):
    assert media.probe(write_video(tmp_path / "clip.mov", "mov", "libx264")).container == "mov"
    assert media.probe(write_video(tmp_path / "clip.mkv", "matroska", "libx264")).container == "mkv"


def test_webm_without_a_duration_in_its_header_is_measured(tmp_path):
    """A browser's MediaRecorder writes WebM as a stream: no duration, no cues."""

    class Unseekable(io.RawIOBase):
        def __init__(self):
            self.data = bytearray()

        def writable(self):
            return True

        def seekable(self):
            return False

        def write(self, chunk):
            self.data += chunk
            return len(chunk)

    sink = Unseekable()
    write_video(sink, "webm", "libvpx-vp9", frames=25)
    path = tmp_path / "recorded.webm"
    path.write_bytes(sink.data)
    with av.open(str(path)) as container:
        assert container.duration is None

    assert media.probe(path).duration == pytest.approx(2.5)


def test_phone_video_rotated_by_metadata_reports_its_display_size(tmp_path):
    path = write_video(tmp_path / "phone.mp4", "mp4", "libx264", width=128, height=64, rotation=90)
    info = media.probe(path)
    assert (info.width, info.height) == (64, 128)


# --- what is not a usable video -------------------------------------------------------------------


def test_text_file_is_not_a_video(tmp_path):
    path = tmp_path / "notes.mp4"
    path.write_text("Это не видео, а заметки.\n" * 20, encoding="utf-8")

    error = probe_error(path)
    assert error.code == "not_a_video"
    assert error.message == "Файл не похож на видео (MP4, MOV, WebM)"
    assert str(error) == error.message


def test_random_bytes_are_not_a_video(tmp_path):
    path = tmp_path / "noise.mp4"
    path.write_bytes(os.urandom(64 * 1024))
    assert probe_error(path).code == "not_a_video"


def test_empty_file_is_not_a_video(tmp_path):
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    assert probe_error(path).code == "not_a_video"


def test_video_in_another_container_is_refused(tmp_path):
    path = write_video(tmp_path / "clip.avi", "avi", "mpeg4")
    with av.open(str(path)) as container:
        assert container.format.name == "avi"  # FFmpeg itself reads it...
    assert probe_error(path).code == "not_a_video"  # ...but we take MP4, MOV and WebM only.


def test_hls_playlist_disguised_as_a_clip_is_not_opened(tmp_path):
    """FFmpeg would follow a playlist's entries to other files or URLs; probe must not."""
    write_video(tmp_path / "segment.ts", "mpegts", "mpeg4")
    playlist = tmp_path / "clip.m3u8"
    playlist.write_text(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n"
        "#EXTINF:1.0,\nsegment.ts\n#EXT-X-ENDLIST\n"
    )
    with av.open(str(playlist)) as container:
        assert container.format.name == "hls"

    assert probe_error(playlist).code == "not_a_video"


def test_audio_only_mp4_has_no_video_stream(tmp_path):
    path = tmp_path / "voice.m4a"
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=48000, layout="mono")
        for index in range(20):
            frame = av.AudioFrame(format="fltp", layout="mono", samples=1024)
            frame.planes[0].update(bytes(frame.planes[0].buffer_size))
            frame.sample_rate, frame.pts = 48000, index * 1024
            out.mux(stream.encode(frame))
        out.mux(stream.encode())

    error = probe_error(path)
    assert (error.code, error.message) == ("no_video_stream", "В файле нет видеодорожки")


@pytest.mark.parametrize("keep", [0.9, 0.5, 0.1])
def test_upload_cut_off_midway_is_corrupt(sample, tmp_path, keep):
    data = sample.read_bytes()
    path = tmp_path / "cut.mp4"
    path.write_bytes(data[: int(len(data) * keep)])

    error = probe_error(path)
    assert error.code == "corrupt_video"
    assert error.message == "Видеофайл повреждён или загружен не полностью"


def test_mp4_with_its_index_cut_off_is_corrupt(tmp_path):
    path = write_video(tmp_path / "plain.mp4", "mp4", "libx264", frames=30)  # index at the end
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert probe_error(path).code == "corrupt_video"


def test_missing_file_and_directory_are_unreadable(tmp_path):
    missing = probe_error(tmp_path / "gone.mp4")
    assert (missing.code, missing.message) == ("unreadable", "Не удалось прочитать файл")
    assert probe_error(tmp_path).code == "unreadable"
