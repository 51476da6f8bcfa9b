"""Publishing one clip as a Дзен short, a "gif" publication (platform-apis.md §5.3).

add-publication → start-upload-video → TUS upload → finish-upload-video → poll until converted →
update-publication-content-and-publish. The optional ``validate-video`` pre-check (step 1) is
skipped: it would send the whole file a second time, and conversion reports a bad file anyway.

The checkpoint is what makes a retry safe. Its keys:

``publication_id``          the draft add-publication made, saved at once: never a second draft
``upload_url``, ``upload_id``  the TUS upload start-upload-video opened, saved at once
``upload_offset``           the bytes the upload server confirmed, saved after every chunk
``stage``                   "created" → "upload_started" → "uploaded" → "finished" → "done"
``remote_id``, ``url``      the result, once ``stage`` is "done"

A retry goes on from its stage: the upload asks the server for its offset first (``tus.py``); an
upload the server forgot (404 / 410) is opened anew for the same draft, once an attempt. A retry
at "uploaded" (the crash may have come after finish-upload-video) reads the publication first and
finishes only if Дзен does not have the file yet. A failed conversion or a draft Дзен no longer
knows (404, deleted in Studio) forgets the draft, so that a manual retry starts over.
"""

from __future__ import annotations

import copy
import time
from typing import Any

import structlog
from django.conf import settings

from autopost.platforms.base import Checkpoint, ClipFile, Metadata, PublishResult
from autopost.platforms.dzen.client import CODE_NOT_FOUND, DzenClient
from autopost.platforms.dzen.formats import short_url
from autopost.platforms.dzen.tus import ClipReader, TusUpload, UploadGone
from autopost.platforms.errors import ClipFileMissing, PermanentError, TransientError

log = structlog.get_logger("autopost.platforms.dzen")

STAGES = ("created", "upload_started", "uploaded", "finished", "done")
CODE_CONVERSION_FAILED = "dzen_conversion_failed"
CODE_CONVERSION_PENDING = "dzen_conversion_pending"
CODE_UPLOAD_LOST = "dzen_upload_lost"
FORGET_DRAFT = {"publication_id": None, "upload_url": None, "upload_id": None,
                "upload_offset": None, "stage": None}


class DzenPublisher:
    def __init__(self, client: DzenClient, clip: ClipFile, metadata: Metadata,
                 checkpoint: Checkpoint):
        self.client = client
        self.clip = clip
        self.metadata = metadata
        self.checkpoint = checkpoint

    def run(self) -> PublishResult:
        try:
            return self._run()
        except PermanentError as exc:
            if exc.code in (CODE_NOT_FOUND, CODE_CONVERSION_FAILED):
                # The draft is gone (deleted in Studio) or useless: a manual retry starts over.
                log.warning("dzen_draft_abandoned", code=exc.code)
                self.checkpoint.save(**FORGET_DRAFT)
            raise

    def _run(self) -> PublishResult:
        data = self.checkpoint.data
        stage = data.get("stage") if data.get("stage") in STAGES else None
        if stage is None and data.get("publication_id"):
            stage = "created"
        if stage == "done" and data.get("remote_id"):
            return PublishResult(remote_id=data["remote_id"], url=data["url"])
        # Only a checkpoint at "uploaded" may hide a finish-upload-video whose reply was lost.
        check_first = stage == "uploaded"
        if stage in (None, "created", "upload_started"):
            # The file is opened before anything is created: a missing clip makes no draft.
            reader = ClipReader(self._open(), self._open, skip_bytes=settings.DZEN_TUS_CHUNK_BYTES)
            try:
                publication_id = self._draft()
                self._upload(publication_id, reader)
            finally:
                reader.close()
            stage = "uploaded"
        publication_id = str(self.checkpoint.data["publication_id"])
        if stage == "uploaded":
            self._finish(publication_id, check_first=check_first)
        publication = self._converted(publication_id)
        self.client.publish(self._publish_body(publication_id, publication))
        url = short_url(publication_id)
        self.checkpoint.save(stage="done", remote_id=publication_id, url=url)
        return PublishResult(remote_id=publication_id, url=url)

    # §5.3 step 2
    def _draft(self) -> str:
        publication_id = self.checkpoint.data.get("publication_id")
        if publication_id:
            return str(publication_id)
        publication_id = self.client.add_publication()
        self.checkpoint.save(publication_id=publication_id, stage="created")
        return publication_id

    # §5.3 steps 3–4
    def _upload(self, publication_id: str, reader: ClipReader) -> None:
        reopened = False
        while True:
            if not self.checkpoint.data.get("upload_url"):
                url, upload_id = self.client.start_upload(
                    publication_id, file_name=self.clip.filename, file_size=self.clip.size,
                    mime_type=self.clip.content_type)
                self.checkpoint.save(upload_url=url, upload_id=upload_id, upload_offset=0,
                                     stage="upload_started")
            upload = TusUpload(self.client.upload_http, self.checkpoint.data["upload_url"],
                               reader, self.clip.size,
                               chunk_bytes=settings.DZEN_TUS_CHUNK_BYTES,
                               on_offset=lambda offset: self.checkpoint.save(upload_offset=offset),
                               saved_offset=self.checkpoint.data.get("upload_offset"))
            try:
                upload.run()
            except UploadGone:
                log.info("dzen_upload_gone", reopened=reopened)
                self.checkpoint.save(upload_url=None, upload_id=None, upload_offset=0,
                                     stage="created")
                if reopened:
                    raise TransientError("Сервер загрузки Дзена потерял файл: повторим позже",
                                         code=CODE_UPLOAD_LOST) from None
                reopened = True
                continue
            self.checkpoint.save(stage="uploaded")
            return

    # §5.3 step 5
    def _finish(self, publication_id: str, *, check_first: bool) -> None:
        if check_first:
            publication, _ = self.client.get_publication(publication_id)
            gif = publication.gif
            if gif.isUploaded or gif.isConverted or gif.isFailed:
                log.info("dzen_finish_already_done")
                self.checkpoint.save(stage="finished")
                return
        self.client.finish_upload(publication_id, str(self.checkpoint.data.get("upload_id") or ""))
        self.checkpoint.save(stage="finished")

    # §5.3 step 6
    def _converted(self, publication_id: str) -> dict[str, Any]:
        attempts = max(int(settings.DZEN_POLL_ATTEMPTS), 1)
        for attempt in range(attempts):
            publication, raw = self.client.get_publication(publication_id)
            if publication.gif.isFailed:
                raise PermanentError(CODE_CONVERSION_FAILED,
                                     "Дзен не смог обработать видео: проверьте файл клипа")
            if publication.gif.isConverted:
                return raw
            if attempt + 1 < attempts:
                time.sleep(settings.DZEN_POLL_SECONDS)
        raise TransientError("Дзен ещё обрабатывает видео: проверим позже",
                             code=CODE_CONVERSION_PENDING)

    # §5.3 step 7: the whole publication goes back, with the text and the publishing switches
    def _publish_body(self, publication_id: str, publication: dict[str, Any]) -> dict[str, Any]:
        body = copy.deepcopy(publication)
        content = body.get("content") if isinstance(body.get("content"), dict) else {}
        gif = content.get("gifContent") if isinstance(content.get("gifContent"), dict) else {}
        preview = body.get("preview") if isinstance(body.get("preview"), dict) else {}
        body.update(
            id=publication_id,
            preview={**preview, "title": self.metadata.title.strip(),
                     "snippet": self.metadata.description.strip()},
            visibilityType="all",
            commentsFlagState="on",
            delayedPublicationFlagState="off",
            gifContent=copy.deepcopy(gif),
            tagsInput={"tags": []},
        )
        return body

    def _open(self):
        try:
            return self.clip.open()
        except FileNotFoundError:
            raise ClipFileMissing() from None
