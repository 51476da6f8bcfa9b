"""Signed, expiring, single-clip download links, for platforms that pull the file (Rutube).

The link is ``AUTOPOST_PUBLIC_URL/clips/<id>/download?expires=<unix>&sig=<hmac>``: the HMAC
(SHA-256, keyed from SECRET_KEY) covers the clip id and the expiry, so a link can't be stretched
in time or pointed at another clip. With S3 storage the storage's own presigned URL is used.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import reverse

from autopost.clips.models import Clip


def _key() -> bytes:
    return hashlib.sha256(b"autopost.signed-download:" + settings.SECRET_KEY.encode()).digest()


def signature(clip_id: int, expires: int) -> str:
    return hmac.new(_key(), f"{clip_id}:{expires}".encode(), hashlib.sha256).hexdigest()


def signed_url(clip: Clip, ttl_seconds: int | None = None) -> str:
    ttl = ttl_seconds or settings.SIGNED_URL_TTL_SECONDS
    if not isinstance(default_storage, FileSystemStorage):
        # django-storages' S3 backend presigns with ``expire``; the bucket serves the bytes.
        return default_storage.url(clip.storage_key, expire=ttl)
    expires = int(time.time()) + ttl
    path = reverse("clip_download", args=[clip.pk])
    return f"{settings.PUBLIC_URL}{path}?expires={expires}&sig={signature(clip.pk, expires)}"


def is_valid(clip_id: int, expires: str, sig: str) -> bool:
    try:
        expires_at = int(expires)
    except (TypeError, ValueError):
        return False
    if expires_at < time.time():
        return False
    return hmac.compare_digest(signature(clip_id, expires_at), sig or "")
