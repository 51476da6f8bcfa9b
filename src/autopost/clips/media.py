"""Media probing and the sample clip, with PyAV (FFmpeg inside the wheel; no ffmpeg install).

``probe(path)`` says what a clip really is (duration, display size, codec, container) and raises
``InvalidMedia(code, message)`` with a Russian message for users when the file is not a usable
video. Uploaded files are untrusted input to FFmpeg: only the MP4/MOV and Matroska/WebM demuxers
may open them, and only from a local file, so a playlist disguised as a clip cannot make FFmpeg
fetch URLs or read other files.

``make_sample_clip(path)`` writes a short H.264 MP4 with a moving pattern and silent AAC audio,
for the demo and for tests.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import structlog

logger = structlog.get_logger(__name__)

MP4_DEMUXER = "mov,mp4,m4a,3gp,3g2,mj2"
MATROSKA_DEMUXER = "matroska,webm"
SAFE_OPEN_OPTIONS = {
    "format_whitelist": f"{MP4_DEMUXER},{MATROSKA_DEMUXER}",
    "protocol_whitelist": "file",
}
# How many packets to read looking for the first decodable frame before calling the file damaged.
FIRST_FRAME_PACKETS = 300

NOT_A_VIDEO = "not_a_video"
NO_VIDEO_STREAM = "no_video_stream"
CORRUPT_VIDEO = "corrupt_video"
UNREADABLE = "unreadable"

MESSAGES = {
    NOT_A_VIDEO: "Файл не похож на видео (MP4, MOV, WebM)",
    NO_VIDEO_STREAM: "В файле нет видеодорожки",
    CORRUPT_VIDEO: "Видеофайл повреждён или загружен не полностью",
    UNREADABLE: "Не удалось прочитать файл",
}


class InvalidMedia(Exception):
    """The file is not a usable video. ``code`` is stable; ``message`` is for the user."""

    def __init__(self, code: str, message: str | None = None):
        self.code = code
        self.message = message or MESSAGES[code]
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"InvalidMedia({self.code!r}, {self.message!r})"


@dataclass(frozen=True)
class MediaInfo:
    duration: float  # seconds
    width: int  # as displayed, rotation applied
    height: int
    video_codec: str  # FFmpeg's decoder name: h264, hevc, vp9, av1...
    container: str  # mp4, mov, 3gp, webm or mkv


def probe(path: str | os.PathLike) -> MediaInfo:
    """What the video at ``path`` is. Raises ``InvalidMedia`` (codes: ``not_a_video``,
    ``no_video_stream``, ``corrupt_video``, ``unreadable``)."""
    path = os.fspath(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(64)
    except OSError:
        raise InvalidMedia(UNREADABLE) from None
    try:
        container = av.open(path, container_options=SAFE_OPEN_OPTIONS)
    except av.FFmpegError:
        # A file that starts like MP4 or Matroska but does not open is a damaged or truncated
        # upload; anything else (text, images, other formats) is simply not a clip we take.
        raise InvalidMedia(CORRUPT_VIDEO if _looks_like_video(head) else NOT_A_VIDEO) from None
    with container:
        if not container.streams.video:
            raise InvalidMedia(NO_VIDEO_STREAM)
        stream = container.streams.video[0]
        _check_complete(container, os.path.getsize(path))
        frame = _first_frame(container, stream)
        width, height = frame.width, frame.height
        if abs(round(frame.rotation or 0)) % 180 == 90:
            width, height = height, width
        try:
            duration = _duration(container, stream)
        except av.FFmpegError:
            raise InvalidMedia(CORRUPT_VIDEO) from None
        if not width or not height or not duration or duration <= 0:
            raise InvalidMedia(CORRUPT_VIDEO)
        return MediaInfo(
            duration=round(duration, 3),
            width=width,
            height=height,
            video_codec=stream.codec_context.name,
            container=_container_name(container, head),
        )


def _looks_like_video(head: bytes) -> bool:
    return head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free") or head.startswith(
        b"\x1a\x45\xdf\xa3"
    )


def _check_complete(container, size: int) -> None:
    """An MP4 whose index points past the end of the file was cut off during upload (its header
    still promises the full duration, and the first frame may decode)."""
    for stream in container.streams:
        entries = stream.index_entries
        if len(entries) and entries[-1].pos + entries[-1].size > size:
            raise InvalidMedia(CORRUPT_VIDEO)


def _first_frame(container, stream) -> av.VideoFrame:
    """Decode the first picture: proves the stream is real video, and gives the rotation."""
    try:
        for count, packet in enumerate(container.demux(stream)):
            for frame in packet.decode():
                return frame
            if count >= FIRST_FRAME_PACKETS:
                break
    except av.FFmpegError:
        pass
    raise InvalidMedia(CORRUPT_VIDEO)


def _duration(container, stream) -> float | None:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / av.time_base
    # Streamed WebM (e.g. from a browser's MediaRecorder) has no duration in its header: find
    # the end of the last video packet. This reads packets without decoding them.
    container.seek(0)
    end = None
    for packet in container.demux(stream):
        if packet.pts is not None and packet.time_base:
            packet_end = (packet.pts + (packet.duration or 0)) * packet.time_base
            end = packet_end if end is None else max(end, packet_end)
    return float(end) if end is not None else None


def _container_name(container, head: bytes) -> str:
    if container.format.name == MATROSKA_DEMUXER:
        # The EBML header names its DocType ("webm" or "matroska") in the first bytes.
        return "webm" if b"webm" in head else "mkv"
    brand = (container.metadata.get("major_brand") or "").strip().lower()
    if brand == "qt":
        return "mov"
    if brand.startswith("3g"):
        return "3gp"
    return "mp4"


# --- the sample clip ------------------------------------------------------------------------------

VIDEO_ENCODERS = ("libx264", "h264", "mpeg4")


def sample_video_encoder() -> str:
    """The encoder the sample clip uses: libx264 (in PyAV's wheels); the others are fallbacks."""
    for name in VIDEO_ENCODERS:
        try:
            av.Codec(name, "w")
        except av.FFmpegError:
            continue
        if name != VIDEO_ENCODERS[0]:
            logger.warning("sample_clip_encoder_fallback", encoder=name)
        return name
    raise RuntimeError("PyAV has no H.264 or MPEG-4 encoder")


def make_sample_clip(
    path: str | os.PathLike, seconds: float = 3, width: int = 720, height: int = 1280, fps: int = 30
) -> Path:
    """Write a short vertical H.264 MP4 (moving stripes and a bouncing square, silent AAC)."""
    if width % 2 or height % 2:
        raise ValueError("width and height must be even (4:2:0 chroma)")
    path = Path(path)
    encoder = sample_video_encoder()
    frames = max(1, round(seconds * fps))
    with av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        video = out.add_stream(encoder, rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.thread_type = "AUTO"
        if encoder != "mpeg4":
            video.options = {"preset": "veryfast", "crf": "30", "profile": "high", "g": str(fps)}
        audio = out.add_stream("aac", rate=48000, layout="stereo")
        for index in range(frames):
            frame = _pattern_frame(index, width, height, fps)
            frame.pts = index
            out.mux(video.encode(frame))
        out.mux(video.encode())
        _write_silence(out, audio, frames / fps)
    return path


def _pattern_frame(index: int, width: int, height: int, fps: int) -> av.VideoFrame:
    frame = av.VideoFrame(width, height, "yuv420p")
    y_plane, u_plane, v_plane = frame.planes
    # Soft diagonal stripes that drift, and a light square that bounces across the frame.
    period = 96
    wave = bytes(60 + abs((x % period) - period // 2) * 2 for x in range(width + period))
    side = width // 4
    travel = width - side
    step = (index * 12) % (2 * travel)
    left = step if step < travel else 2 * travel - step
    top = height // 2 - side // 2 + int(height / 4 * math.sin(index * 2 * math.pi / (2 * fps)))
    rows = []
    for row in range(height):
        offset = (row + index * 4) % period
        line = wave[offset : offset + width]
        if top <= row < top + side:
            line = line[:left] + b"\xeb" * side + line[left + side :]
        rows.append(line.ljust(y_plane.line_size, b"\0"))
    y_plane.update(b"".join(rows))
    # The colour cycles slowly through the hues.
    hue = index * 2 * math.pi / (4 * fps)
    for plane, value in ((u_plane, 128 + 60 * math.cos(hue)), (v_plane, 128 + 60 * math.sin(hue))):
        plane.update(bytes([int(value)]) * plane.buffer_size)
    return frame


def _write_silence(out, audio, seconds: float) -> None:
    rate = audio.codec_context.sample_rate
    samples_per_frame = audio.codec_context.frame_size or 1024
    total = math.ceil(seconds * rate)
    for pts in range(0, total, samples_per_frame):
        frame = av.AudioFrame(format="fltp", layout="stereo", samples=samples_per_frame)
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        frame.sample_rate = rate
        frame.pts = pts
        frame.time_base = Fraction(1, rate)
        out.mux(audio.encode(frame))
    out.mux(audio.encode())
