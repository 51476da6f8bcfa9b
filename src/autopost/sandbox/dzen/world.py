"""The Дзен world the emulator serves: channels, browser sessions, publications and uploads.

A session is what a browser holds after signing in: the ``Session_id`` cookie and the CSRF token
Studio's page embeds; it may act for its own channels only. A short goes through
``add-publication`` (a draft), ``start-upload-video`` (an ``Upload`` with a TUS URL),
TUS PATCHes (bytes hashed as they arrive, never kept), ``finish-upload-video`` (conversion
starts), conversion ending ``conversion_s`` later on the Дзен clock (or failing), and
``update-publication-content-and-publish``.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from autopost.sandbox.clock import Clock

GB = 1024**3


class DzenConfig(BaseModel):
    """Switches of the emulated Дзен, set with ``PUT /_control/dzen/config``."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    # Seconds (Дзен clock) from finish-upload-video to ``isConverted`` (§5.3 polls ~5 s).
    conversion_s: float = Field(default=5.0, ge=0)
    # Conversions finished while this is on end in ``isFailed`` instead.
    fail_conversion: bool = False
    # The duration a converted short reports: the sandbox does not decode the clip.
    duration_s: int = Field(default=27, ge=0)
    # start-upload-video refuses larger files (Дзен documents no limit, §5.4).
    max_file_bytes: int = Field(default=4 * GB, ge=1)
    # stats2 refuses larger pages.
    max_page_size: int = Field(default=100, ge=1)


@dataclass
class Channel:
    publisher_id: str
    name: str
    slug: str


@dataclass
class Session:
    value: str
    publisher_ids: list[str]
    csrf_token: str
    created_at: float
    expired: bool = False

    def __repr__(self) -> str:
        return f"Session(publisher_ids={self.publisher_ids!r}, expired={self.expired})"


@dataclass
class Upload:
    id: str
    publication_id: str
    file_name: str
    file_size: int
    mime_type: str
    created_at: float
    offset: int = 0
    patches: int = 0
    # PATCHes that ended without an answer (dropped, or the client went away).
    interrupted: int = 0
    # A PATCH is reading into it right now: another one is refused (423).
    busy: bool = False
    hasher: Any = field(default_factory=hashlib.sha256, repr=False)

    @property
    def complete(self) -> bool:
        return self.offset >= self.file_size

    @property
    def sha256(self) -> str:
        """The hash of the bytes received so far (of the whole file once complete)."""
        return self.hasher.copy().hexdigest()


@dataclass
class Publication:
    id: str
    publisher_id: str
    created_at: float
    upload: Upload | None = None
    finished_at: float | None = None
    # Fixed at finish-upload-video from ``fail_conversion``.
    will_fail: bool = False
    video_id: str = ""
    video_meta_id: str = ""
    video_file_id: str = ""
    published_at: float | None = None
    title: str = ""
    snippet: str = ""
    visibility_type: str = ""
    comments_flag_state: str = ""
    delayed_publication_flag_state: str = ""
    tags: list[str] = field(default_factory=list)
    views: int = 0
    likes: int = 0
    comments: int = 0
    shares: int = 0

    def conversion_done(self, now: float, conversion_s: float) -> bool:
        return self.finished_at is not None and now >= self.finished_at + conversion_s

    def converted(self, now: float, conversion_s: float) -> bool:
        return self.conversion_done(now, conversion_s) and not self.will_fail

    def failed(self, now: float, conversion_s: float) -> bool:
        return self.conversion_done(now, conversion_s) and self.will_fail


@dataclass
class Validation:
    """One ``validate-video`` body: hashed, counted, thrown away."""

    publisher_id: str
    content_type: str
    size: int
    sha256: str
    at: float


class DzenWorld:
    def __init__(self, config: DzenConfig | None = None):
        self.config = config or DzenConfig()
        self.clock = Clock()
        self.channels: dict[str, Channel] = {}
        self.sessions: dict[str, Session] = {}
        self.publications: dict[str, Publication] = {}
        self.uploads: dict[str, Upload] = {}
        self.validations: list[Validation] = []
        self._video_ids = itertools.count(7_812_345_000_001)

    def now(self) -> float:
        return self.clock.now()

    def add_channel(self, name: str, slug: str, publisher_id: str | None = None) -> Channel:
        channel = Channel(publisher_id or secrets.token_hex(12), name, slug)
        self.channels[channel.publisher_id] = channel
        return channel

    def find_channel(self, slug: str | None = None, publisher_id: str | None = None):
        if publisher_id:
            return self.channels.get(publisher_id)
        return next((c for c in self.channels.values() if slug and c.slug == slug), None)

    def open_session(
        self, publisher_ids: list[str], value: str | None = None, csrf_token: str | None = None
    ) -> Session:
        session = Session(
            value=value or f"3:{int(self.now())}.5.0.{secrets.token_hex(16)}",
            publisher_ids=list(publisher_ids),
            csrf_token=csrf_token or new_csrf_token(self.now()),
            created_at=self.now(),
        )
        self.sessions[session.value] = session
        return session

    def live_session(self, value: str | None) -> Session | None:
        session = self.sessions.get(value or "")
        return None if session is None or session.expired else session

    def new_publication(self, publisher_id: str) -> Publication:
        publication = Publication(secrets.token_hex(12), publisher_id, self.now())
        self.publications[publication.id] = publication
        return publication

    def new_upload(self, publication: Publication, **fields: Any) -> Upload:
        upload = Upload(secrets.token_hex(16), publication.id, created_at=self.now(), **fields)
        self.uploads[upload.id] = upload
        publication.upload = upload
        return upload

    def finish(self, publication: Publication) -> None:
        publication.finished_at = self.now()
        publication.will_fail = self.config.fail_conversion
        publication.video_id = str(next(self._video_ids))
        publication.video_meta_id = secrets.token_hex(12)
        publication.video_file_id = str(next(self._video_ids))

    def published(self, publisher_id: str) -> list[Publication]:
        """The channel's published shorts, newest first."""
        found = [
            p
            for p in self.publications.values()
            if p.publisher_id == publisher_id and p.published_at is not None
        ]
        return sorted(found, key=lambda p: p.published_at or 0, reverse=True)


def new_csrf_token(now: float) -> str:
    return f"{secrets.token_hex(20)}:{int(now)}"
