"""Builders for test data that go through the real models and storage."""

import hashlib
import os
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from autopost.clips.models import Clip, ClipStatus
from autopost.connections.models import PlatformConnection
from autopost.platforms.base import Credentials


def make_clip(owner, *, payload: bytes | None = None, title="Мой клип", description="", **fields) -> Clip:
    payload = payload if payload is not None else os.urandom(64 * 1024)
    key = default_storage.save(f"clips/{owner.pk}/{uuid.uuid4().hex}.mp4", ContentFile(payload))
    values = dict(
        owner=owner,
        title=title,
        description=description,
        storage_key=key,
        size=len(payload),
        sha256=hashlib.sha256(payload).hexdigest(),
        duration=3.0,
        width=720,
        height=1280,
        video_codec="h264",
        container="mp4",
        status=ClipStatus.READY,
    )
    values.update(fields)
    return Clip.objects.create(**values)


def make_connection(owner, *, platform="telegram", token="123456789:" + "A" * 35, target_id="-1001000000001", **fields):
    values = dict(
        account_id="123456789",
        account_name="@autopost_demo_bot",
        target_name="Demo",
        options={"chat_username": "autopost_demo"},
    )
    values.update(fields)
    connection = PlatformConnection(owner=owner, platform=platform, target_id=target_id, **values)
    connection.set_credentials(Credentials(access_token=token))
    connection.save()
    return connection
