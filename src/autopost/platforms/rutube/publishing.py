"""Publishing one clip to Rutube by URL pull, then waiting for it (docs/platform-apis.md §4.2).

Rutube downloads the clip from ``ClipFile.signed_url`` itself, so nothing is uploaded from here.
The checkpoint is what makes a retry safe. Its keys:

``video_id``         the id ``POST /api/video/`` returned, saved the moment it exists
``stage``            "processing" → "done"
``url``              the public link, once done
``failed_video_id``  a video Rutube could not process, or that vanished: kept for the record

A retry that finds ``video_id`` polls that video again and never posts a second one. When Rutube
reports the video failed or gone, ``video_id`` is cleared as the error is raised: a manual retry
then posts anew (with a fresh signed link). One gap stays: if the reply to the POST is lost
(timeout) Rutube may still have created the video, and the retry posts again; the public API has
no way to look a video up by anything we know before its id.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import structlog
from django.conf import settings

from autopost.platforms.base import Checkpoint, ClipFile, Metadata, PublishResult
from autopost.platforms.errors import PermanentError, TransientError
from autopost.platforms.rutube.client import CODE_NOT_FOUND, RutubeClient
from autopost.platforms.rutube.formats import (
    CATEGORY_OTHER,
    Processing,
    processing_state,
    video_description,
    video_title,
    video_url,
)

log = structlog.get_logger("autopost.platforms.rutube")

# A 5xx or an unreadable reply while polling does not end the attempt at once: the video is
# processing on Rutube's side regardless. This many in a row do.
POLL_FAILURES_IN_A_ROW = 3

CODE_NO_PUBLIC_URL = "rutube_no_public_url"
CODE_PROCESSING_FAILED = "rutube_processing_failed"
CODE_VIDEO_GONE = "rutube_video_gone"
CODE_STILL_PROCESSING = "rutube_still_processing"

MSG_NO_PUBLIC_URL = (
    "Rutube скачивает клип по публичной ссылке, а её нет: укажите AUTOPOST_PUBLIC_URL "
    "(адрес, по которому autopost доступен из интернета)"
)
MSG_PROCESSING_FAILED = (
    "Rutube не смог скачать или обработать клип: проверьте, что файл открывается, "
    "и повторите публикацию"
)
MSG_VIDEO_GONE = "Видео удалено на Rutube до окончания обработки"
MSG_STILL_PROCESSING = "Rutube ещё обрабатывает клип: проверим позже"


class RutubePublisher:
    def __init__(self, client: RutubeClient, clip: ClipFile, metadata: Metadata,
                 checkpoint: Checkpoint, *, sleep: Callable[[float], None] | None = None):
        self.client = client
        self.clip = clip
        self.metadata = metadata
        self.checkpoint = checkpoint
        self.sleep = sleep or time.sleep

    def run(self) -> PublishResult:
        data = self.checkpoint.data
        video_id = data.get("video_id")
        if video_id and data.get("stage") == "done":
            return PublishResult(remote_id=video_id, url=data.get("url") or video_url(video_id))
        if video_id:
            log.info("rutube_publish_resumed")
        else:
            video_id = self._create()
        self._wait_until_ready(video_id)
        url = video_url(video_id)
        self.checkpoint.save(stage="done", url=url)
        return PublishResult(remote_id=video_id, url=url)

    def _create(self) -> str:
        url = self.clip.signed_url or ""
        if not url.startswith(("https://", "http://")):
            raise PermanentError(CODE_NO_PUBLIC_URL, MSG_NO_PUBLIC_URL)
        created = self.client.create_video(
            url=url,
            title=video_title(self.metadata.title, self.metadata.description),
            description=video_description(self.metadata.description),
            category_id=CATEGORY_OTHER,
            is_hidden=0,
        )
        self.checkpoint.save(video_id=created.video_id, stage="processing")
        return created.video_id

    def _wait_until_ready(self, video_id: str) -> None:
        """Poll ``GET /api/video/<id>/`` every RUTUBE_POLL_SECONDS, RUTUBE_POLL_ATTEMPTS times."""
        attempts = max(int(settings.RUTUBE_POLL_ATTEMPTS), 1)
        failures = 0
        for attempt in range(1, attempts + 1):
            if attempt > 1:
                self.sleep(settings.RUTUBE_POLL_SECONDS)
            try:
                video = self.client.video(video_id)
            except PermanentError as exc:
                if exc.code == CODE_NOT_FOUND:
                    raise self._forget(video_id, CODE_VIDEO_GONE, MSG_VIDEO_GONE) from None
                raise
            except TransientError as exc:  # not RateLimited: that re-delays without an attempt
                failures += 1
                log.warning("rutube_poll_failed", code=exc.code, in_a_row=failures)
                if failures >= POLL_FAILURES_IN_A_ROW or attempt == attempts:
                    raise
                continue
            failures = 0
            state = processing_state(video)
            if state is Processing.READY:
                return
            if state is Processing.FAILED:
                reason = video.action_reason.name if video.action_reason else None
                log.warning("rutube_processing_failed", reason=reason)
                raise self._forget(video_id, CODE_PROCESSING_FAILED, MSG_PROCESSING_FAILED)
            if state is Processing.DELETED:
                raise self._forget(video_id, CODE_VIDEO_GONE, MSG_VIDEO_GONE)
        raise TransientError(MSG_STILL_PROCESSING, code=CODE_STILL_PROCESSING)

    def _forget(self, video_id: str, code: str, message: str) -> PermanentError:
        self.checkpoint.save(video_id=None, stage=None, failed_video_id=video_id)
        return PermanentError(code, message)
