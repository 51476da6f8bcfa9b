"""Poster frames: one upright JPEG picture of a clip, for its card in the web UI.

Made with PyAV alone (its mjpeg encoder; no Pillow), from a second into the clip (or a tenth of a
long one, past the intro; the middle of a very short one), scaled to ``POSTER_HEIGHT`` pixels
high. The poster is stored next to the clip in the storage backend when the clip is created;
clips made before posters existed get one the first time it is asked for (``ensure_poster``).
A clip whose poster cannot be made is still a good clip: these functions log and return "".
"""

from __future__ import annotations

import os
from fractions import Fraction
from typing import BinaryIO

import av
import structlog
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from autopost.clips.media import CORRUPT_VIDEO, SAFE_OPEN_OPTIONS, InvalidMedia

logger = structlog.get_logger(__name__)

POSTER_HEIGHT = 480
# Frames decoded after the seek before taking whatever came last (bounds the work on odd files).
MAX_DECODED_FRAMES = 300
# Filters that turn a frame upright, by the clockwise angle its display matrix asks for.
UPRIGHT = {
    90: [("transpose", "clock")],
    180: [("hflip", ""), ("vflip", "")],
    270: [("transpose", "cclock")],
}


def poster_time(duration: float | None) -> float:
    """Seconds into the clip: 1 s, or a tenth of a long clip, but never past the middle."""
    if not duration or duration <= 0:
        return 0.0
    return min(max(1.0, duration / 10), duration / 2)


def poster_jpeg(source: str | os.PathLike | BinaryIO, duration: float | None = None) -> bytes:
    """A JPEG of the frame at ``poster_time(duration)``. Raises ``InvalidMedia`` when no frame
    can be decoded."""
    if isinstance(source, (str, os.PathLike)):
        source = os.fspath(source)
    try:
        with av.open(source, container_options=SAFE_OPEN_OPTIONS) as container:
            if not container.streams.video:
                raise InvalidMedia(CORRUPT_VIDEO)
            frame = _frame_at(container, container.streams.video[0], poster_time(duration))
            return encode_jpeg(upright(frame, frame.rotation or 0))
    except av.FFmpegError:
        raise InvalidMedia(CORRUPT_VIDEO) from None


def _frame_at(container, stream, seconds: float) -> av.VideoFrame:
    if seconds > 0 and stream.time_base:
        try:
            container.seek(int(seconds / stream.time_base), stream=stream, backward=True)
        except av.FFmpegError:
            container.seek(0)
    chosen = None
    for count, frame in enumerate(container.decode(stream)):
        chosen = frame
        if frame.time is None or frame.time >= seconds - 1e-3 or count >= MAX_DECODED_FRAMES:
            break
    if chosen is None:
        raise InvalidMedia(CORRUPT_VIDEO)
    return chosen


def upright(frame: av.VideoFrame, rotation: int) -> av.VideoFrame:
    """The frame as people see it. ``rotation`` is PyAV's (counter-clockwise, from the display
    matrix); FFmpeg's own autorotate turns by its opposite, as here."""
    filters = UPRIGHT.get(round(-rotation) % 360)
    if not filters:
        return frame
    graph = av.filter.Graph()
    nodes = [graph.add_buffer(width=frame.width, height=frame.height, format=frame.format.name,
                              time_base=frame.time_base or Fraction(1, 25))]
    nodes += [graph.add(name, args) for name, args in filters]
    nodes.append(graph.add("buffersink"))
    for upstream, downstream in zip(nodes, nodes[1:]):
        upstream.link_to(downstream)
    graph.configure()
    graph.push(frame)
    return graph.pull()


def encode_jpeg(frame: av.VideoFrame, height: int = POSTER_HEIGHT) -> bytes:
    height = min(height, frame.height) // 2 * 2
    width = max(2, round(frame.width * height / frame.height / 2) * 2)
    # yuvj420p: JPEG's full-range colours (swscale converts from the video's limited range).
    picture = frame.reformat(width=width, height=height, format="yuvj420p")
    picture.pts = 0
    encoder = av.CodecContext.create("mjpeg", "w")
    encoder.width, encoder.height, encoder.pix_fmt = width, height, "yuvj420p"
    encoder.time_base = Fraction(1, 25)
    encoder.options = {"qmin": "2", "qmax": "5"}  # a small, sharp picture (~15–40 KB)
    packets = [*encoder.encode(picture), *encoder.encode(None)]
    return b"".join(bytes(packet) for packet in packets)


def poster_key_for(storage_key: str) -> str:
    """``clips/7/abc.mp4`` → ``clips/7/abc.jpg``: the clip's own (never .jpg) extension swapped."""
    return f"{os.path.splitext(storage_key)[0]}.jpg"


def save_poster(storage_key: str, source, duration: float | None) -> str:
    """Make the poster of the clip stored at ``storage_key`` from ``source`` (a local path or an
    open file) and store it; its key, or "" when it cannot be made."""
    try:
        data = poster_jpeg(source, duration)
    except InvalidMedia:
        logger.warning("clip_poster_failed", storage_key=storage_key)
        return ""
    return default_storage.save(poster_key_for(storage_key), ContentFile(data))


def ensure_poster(clip) -> str:
    """The clip's poster key, making the poster now if it has none (clips made before posters,
    or whose poster was lost). "" when the clip's file cannot give one."""
    if clip.poster_key and default_storage.exists(clip.poster_key):
        return clip.poster_key
    if not clip.file_exists():
        return ""
    previous = clip.poster_key
    try:
        source = default_storage.path(clip.storage_key)
        key = save_poster(clip.storage_key, source, clip.duration)
    except NotImplementedError:  # remote storage: PyAV reads the file object, seeking as it needs
        with clip.open() as source:
            key = save_poster(clip.storage_key, source, clip.duration)
    if not key:
        return ""
    # Two requests may race to make it: the first to record its key wins, the other tidies up.
    if not type(clip).objects.filter(pk=clip.pk, poster_key=previous).update(poster_key=key):
        default_storage.delete(key)
        clip.refresh_from_db(fields=["poster_key"])
        return clip.poster_key
    clip.poster_key = key
    return key


def delete_poster(key: str) -> None:
    try:
        if key and default_storage.exists(key):
            default_storage.delete(key)
    except OSError:
        logger.warning("clip_poster_cleanup_failed", storage_key=key)
