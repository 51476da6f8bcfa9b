"""Creating clips: store an uploaded file under a key we generate, probe it, record it.

The file is copied in chunks (hashing and counting on the way), so memory stays flat for a 4 GB
clip. Nothing is half-saved: a file that fails to probe is deleted before the error is raised.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
import uuid
from collections.abc import Iterator
from typing import BinaryIO

import structlog
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

from autopost.clips.models import Clip, ClipStatus
from autopost.publishing.errors import ServiceError

logger = structlog.get_logger(__name__)

# Extension → content type. Anything else is stored as .mp4: the extension only helps people and
# platforms that sniff names; the probe decides what the file really is.
CONTENT_TYPES = {
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "webm": "video/webm",
    "mkv": "video/x-matroska",
}
CHUNK_SIZE = 1024 * 1024


def create_clip(
    user, fileobj: BinaryIO, *, filename: str, title: str, description: str = ""
) -> Clip:
    """Store ``fileobj`` for ``user`` and return a ready clip.

    Raises ``ServiceError`` with ``validation_error`` (no title, empty file), ``file_too_large``,
    or the probe's code (e.g. ``invalid_media``) when the file is not a usable video.
    """
    title = (title or "").strip()
    if not title:
        raise ServiceError("validation_error", "Укажите название клипа (поле title)")
    if len(title) > Clip._meta.get_field("title").max_length:
        raise ServiceError("validation_error", "Название клипа длиннее 255 символов (поле title)")
    _check_size(getattr(fileobj, "size", None))

    ext = _extension(filename)
    key = f"clips/{user.pk}/{uuid.uuid4().hex}.{ext}"
    reader = _HashingFile(fileobj, settings.AUTOPOST_MAX_CLIP_BYTES)
    poster_key = ""
    try:
        key = default_storage.save(key, reader)
        _check_size(reader.bytes_read)  # the declared size may be absent or wrong
        path = _local_path(key, fileobj)
        info = _probe(path)
        poster_key = _save_poster(key, path, info.duration)
        return Clip.objects.create(
            owner=user,
            title=title,
            description=description or "",
            storage_key=key,
            original_filename=sanitize_filename(filename),
            content_type=CONTENT_TYPES[ext],
            size=reader.bytes_read,
            sha256=reader.sha256.hexdigest(),
            duration=info.duration,
            width=info.width,
            height=info.height,
            video_codec=info.video_codec or "",
            container=info.container or "",
            poster_key=poster_key,
            status=ClipStatus.READY,
        )
    except BaseException:
        _delete_quietly(key)
        _delete_quietly(poster_key)
        raise


def sanitize_filename(filename: str) -> str:
    """The original name for display only: last path component, no control characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if name in ("", ".", ".."):
        return ""
    return name[-255:]


def _extension(filename: str) -> str:
    ext = os.path.splitext(sanitize_filename(filename))[1].lstrip(".").lower()
    return ext if ext in CONTENT_TYPES else "mp4"


def _check_size(size: int | None) -> None:
    if size is None:
        return
    if size == 0:
        raise ServiceError("validation_error", "Файл пустой (поле file)")
    limit = settings.AUTOPOST_MAX_CLIP_BYTES
    if size > limit:
        raise ServiceError(
            "file_too_large",
            f"Файл слишком большой (максимум {limit // (1024 * 1024)} МБ)",
            status=413,
        )


def _local_path(key: str, fileobj) -> str:
    try:
        return default_storage.path(key)
    except NotImplementedError:
        # Remote storage (S3): read the upload's local temporary copy instead.
        return fileobj.temporary_file_path()


def _probe(path: str):
    # Imported here: the media module pulls in PyAV, which only clip creation needs.
    from autopost.clips import media

    try:
        return media.probe(path)
    except media.InvalidMedia as exc:
        raise ServiceError(exc.code, exc.message) from None


def _save_poster(key: str, path: str, duration: float) -> str:
    from autopost.clips.poster import save_poster

    return save_poster(key, path, duration)


def _delete_quietly(key: str) -> None:
    try:
        if key and default_storage.exists(key):
            default_storage.delete(key)
    except OSError:
        logger.warning("clip_cleanup_failed", storage_key=key)


class _HashingFile(File):
    """Streams the source to storage in chunks, counting and hashing what passes through.

    Deliberately has no ``temporary_file_path``: FileSystemStorage would then move the upload's
    temp file instead of reading it, and the hash would never be computed.
    """

    def __init__(self, source: BinaryIO, limit: int):
        super().__init__(source, name="clip")
        self.source = source
        self.limit = limit
        self.sha256 = hashlib.sha256()
        self.bytes_read = 0

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        if hasattr(self.source, "seek"):
            self.source.seek(0)
        while chunk := self.source.read(chunk_size or CHUNK_SIZE):
            self.bytes_read += len(chunk)
            if self.bytes_read > self.limit:
                _check_size(self.bytes_read)
            self.sha256.update(chunk)
            yield chunk
