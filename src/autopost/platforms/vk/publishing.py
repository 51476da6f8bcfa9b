"""Publishing one clip to VK: as a Clip (§2.4) with a fallback to a regular video (§2.3).

The checkpoint is what makes a retry safe. Its keys:

``mode``            "clip" or "video": the path this publication is on
``owner_id``, ``video_id``  the video VK created for us, saved the moment VK returns them
``stage``           "created" → "uploaded" → ("edited", clips) → "done"
``post_id``         the wall post (video path with ``wall_post``, or a wallposted Clip)
``clip_fallback``   the error code that made a Clip fall back to a video
``delete_pending``  ``<owner>_<id>`` of a half-made Clip still to delete
``remote_id``, ``url``  the result, once ``stage`` is "done"

A retry that finds ids asks ``video.get`` whether VK still has the video and got its file
(``processing`` / ``converting`` set or a ``duration``, §2.3 step 4 and §2.7): then it goes on
after the upload. An empty placeholder or a video ``video.get`` does not list is deleted (best
effort) and the publication started over.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, BinaryIO

import structlog
from django.conf import settings

from autopost.platforms.base import Checkpoint, ClipFile, Metadata, PublishResult
from autopost.platforms.errors import (
    AuthExpired,
    ClipFileMissing,
    PlatformError,
    RateLimited,
    TransientError,
)
from autopost.platforms.vk.client import CODE_CLIP_PROCESSING, VkClient
from autopost.platforms.vk.formats import (
    DESCRIPTION_LIMIT,
    NAME_LIMIT,
    clip_description,
    clip_url,
    trim,
    video_key,
    video_url,
)

log = structlog.get_logger("autopost.platforms.vk")

# Errors that say nothing about Clips as such: they stop the attempt instead of a fallback.
_NOT_A_CLIP_PROBLEM = (AuthExpired, RateLimited, ClipFileMissing)


class VkPublisher:
    def __init__(self, client: VkClient, clip: ClipFile, metadata: Metadata,
                 checkpoint: Checkpoint, *, group_id: int | None, options: dict[str, Any],
                 sleep: Callable[[float], None] | None = None):
        self.client = client
        self.clip = clip
        self.metadata = metadata
        self.checkpoint = checkpoint
        self.group_id = group_id
        self.wall_post = bool(options.get("wall_post", False))
        self.publish_as = "video" if options.get("publish_as", "clip") == "video" else "clip"
        self.sleep = sleep or time.sleep

    def run(self) -> PublishResult:
        data = self.checkpoint.data
        if data.get("stage") == "done":
            return PublishResult(remote_id=data["remote_id"], url=data["url"])
        self._delete_pending()
        if (data.get("mode") or self.publish_as) == "clip":
            try:
                return self._clip()
            except _NOT_A_CLIP_PROBLEM:
                raise
            except PlatformError as exc:
                self._fall_back(exc)
        return self._video()

    # --- §2.4 Clip ------------------------------------------------------------------------
    def _clip(self) -> PublishResult:
        description = clip_description(self.metadata.title, self.metadata.description)
        stage = self._resume()
        if stage is None:
            with self._open() as stream:
                created = self.client.create_clip(
                    file_size=self.clip.size, group_id=self.group_id,
                    description=description, wallpost=self.wall_post,
                )
                self.checkpoint.save(mode="clip", owner_id=created.owner_id,
                                     video_id=created.video_id, stage="created")
                self._upload(created.upload_url, "file", stream)
            stage = self._saved_stage("uploaded")
        owner_id, video_id = self._ids()
        if stage == "uploaded":
            self.client.edit_clip(owner_id=owner_id, video_id=video_id, description=description,
                                  privacy_view="all", can_make_duet=1, group_id=self.group_id)
            self._saved_stage("edited")
        published = self._publish_clip(owner_id, video_id)
        return self._done(clip_url(owner_id, video_id), published.wall_post_id)

    def _publish_clip(self, owner_id: int, video_id: int):
        attempts = max(int(settings.VK_CLIP_POLL_ATTEMPTS), 1)
        for attempt in range(1, attempts + 1):
            try:
                return self.client.publish_clip(
                    owner_id=owner_id, video_id=video_id, license_agree=1, publish_date=0,
                    wallpost=self.wall_post, group_id=self.group_id,
                )
            except TransientError as exc:  # 3001: VK is still processing the clip
                if exc.code != CODE_CLIP_PROCESSING or attempt == attempts:
                    raise
            self.sleep(settings.VK_CLIP_POLL_SECONDS)
        raise AssertionError("unreachable")

    def _fall_back(self, exc: PlatformError) -> None:
        """§2.4: a Clip failed before it was published: delete it, then publish a video."""
        data = self.checkpoint.data
        half_made = None
        if data.get("owner_id") is not None and data.get("video_id") is not None:
            half_made = video_key(data["owner_id"], data["video_id"])
        log.warning("vk_clip_fallback", code=exc.code, half_made=half_made is not None)
        self.checkpoint.save(mode="video", clip_fallback=exc.code, delete_pending=half_made,
                             owner_id=None, video_id=None, stage=None, post_id=None)
        self._delete_pending()

    def _delete_pending(self) -> None:
        key = self.checkpoint.data.get("delete_pending")
        if not key:
            return
        owner_id, _, video_id = key.rpartition("_")
        try:
            self.client.delete_video(int(owner_id), int(video_id))
        except _NOT_A_CLIP_PROBLEM:
            raise  # the next attempt deletes it
        except PlatformError as exc:  # best effort: an unpublished Clip is not public
            log.warning("vk_clip_delete_failed", code=exc.code)
        self.checkpoint.save(delete_pending=None)

    # --- §2.3 video -----------------------------------------------------------------------
    def _video(self) -> PublishResult:
        stage = self._resume()
        if stage is None:
            with self._open() as stream:
                saved = self.client.save_video(
                    name=trim(self.metadata.title, NAME_LIMIT) or None,
                    description=trim(self.metadata.description, DESCRIPTION_LIMIT) or None,
                    group_id=self.group_id, wallpost=False,  # posted below, to learn the post id
                )
                self.checkpoint.save(mode="video", owner_id=saved.owner_id,
                                     video_id=saved.video_id, stage="created")
                self._upload(saved.upload_url, "video_file", stream)
            self._saved_stage("uploaded")
        owner_id, video_id = self._ids()
        post_id = None
        if self.wall_post:
            # No lookup can tell whether a lost reply's post exists: a crash between wall.post
            # and the save below is the one gap where a retry posts again.
            post_id = self.client.wall_post(
                owner_id=owner_id, from_group=1 if self.group_id else None,
                message=clip_description(self.metadata.title, self.metadata.description) or None,
                attachments=f"video{video_key(owner_id, video_id)}",
            ).post_id
        return self._done(video_url(owner_id, video_id), post_id)

    # --- shared steps ---------------------------------------------------------------------
    def _resume(self) -> str | None:
        """The stage to go on from, or ``None`` to start over (see the module docstring)."""
        data = self.checkpoint.data
        if data.get("owner_id") is None or data.get("video_id") is None:
            return None
        key = video_key(data["owner_id"], data["video_id"])
        video = next((v for v in self.client.get_videos([key], count=1) if v.key == key), None)
        stage = data.get("stage") or "created"
        if video is not None and (stage != "created" or video.has_file):
            log.info("vk_publish_resumed", stage=stage)
            return stage if stage != "created" else self._saved_stage("uploaded")
        # Gone, or an empty placeholder (its upload URL died with the crash; video.get may not
        # even list a video without a file): delete whatever is left, best effort, and restart.
        log.info("vk_publish_restarted", found=video is not None)
        self.checkpoint.save(owner_id=None, video_id=None, stage=None, post_id=None,
                             delete_pending=key)
        self._delete_pending()
        return None

    def _upload(self, url: str, field: str, stream: BinaryIO) -> None:
        """§2.3: an upload-server failure is retried once, with the file read from the start."""
        upload = dict(field=field, filename=self.clip.filename,
                      content_type=self.clip.content_type)
        try:
            self.client.upload(url, stream=stream, **upload)
            return
        except TransientError as exc:
            log.warning("vk_upload_retry", code=exc.code)
        with self._open() as again:
            self.client.upload(url, stream=again, **upload)

    def _open(self) -> BinaryIO:
        try:
            return self.clip.open()
        except FileNotFoundError:
            raise ClipFileMissing() from None

    def _ids(self) -> tuple[int, int]:
        data = self.checkpoint.data
        return int(data["owner_id"]), int(data["video_id"])

    def _saved_stage(self, stage: str) -> str:
        self.checkpoint.save(stage=stage)
        return stage

    def _done(self, url: str, post_id: int | None) -> PublishResult:
        remote_id = video_key(*self._ids())
        self.checkpoint.save(stage="done", post_id=post_id, remote_id=remote_id, url=url)
        return PublishResult(remote_id=remote_id, url=url)
