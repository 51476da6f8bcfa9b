"""The Rutube world the emulator serves: accounts and their tokens, categories, videos.

A video is created by ``POST /api/video/`` and then lives through the stages of ``Stage``:
``downloading`` (Rutube fetches ``url``), ``processing`` (downloaded, waiting ``processing_s`` on
the Rutube clock), ``ready`` or ``error``. The download runs as a task on the sandbox's event
loop (``download.py``); a reset cancels the tasks of the world it throws away.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from autopost.sandbox.clock import Clock

Stage = Literal["downloading", "processing", "ready", "error"]


class RutubeConfig(BaseModel):
    """Switches of the emulated Rutube, set with ``PUT /_control/rutube/config``."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    # Seconds (Rutube clock) between the end of the download and ``status: "ready"``.
    processing_s: float = Field(default=2.0, ge=0)
    # Every download fails as if the URL were unreachable (the video ends in ``error``).
    fail_downloads: bool = False
    # How long Rutube waits for the clip's server (connect and each read).
    download_timeout_s: float = Field(default=30.0, gt=0)
    # POST /api/video/ answers 200 or 201 (§4.2 says either).
    create_status: int = Field(default=201, ge=200, le=201)
    # The duration a ready video reports: the sandbox does not decode the clip.
    duration_s: int = Field(default=27, ge=0)
    # GET /api/video/person/… page size (§4.4).
    per_page: int = Field(default=20, ge=1, le=100)


@dataclass
class Account:
    userid: int
    name: str
    email: str
    phone: str
    password: str
    description: str = ""
    subscribers_count: int = 0

    def __repr__(self) -> str:
        return f"Account(userid={self.userid}, name={self.name!r})"


@dataclass
class Category:
    id: int
    name: str


@dataclass
class Callback:
    """One call Rutube made to a ``callback_url`` or ``errback_url``."""

    kind: Literal["callback", "errback"]
    url: str
    status: int | None = None
    error: str = ""


@dataclass
class Video:
    id: str
    userid: int
    source_url: str
    title: str
    description: str
    is_hidden: bool
    category_id: int
    created_at: float
    callback_url: str = ""
    errback_url: str = ""
    query_fields: Any = None
    extra: Any = None
    stage: Stage = "downloading"
    error: str = ""
    # What the clip's server answered and what arrived (hashed as it streamed, never kept).
    download_status: int | None = None
    content_type: str = ""
    size: int = 0
    sha256: str = ""
    downloaded_at: float | None = None
    ready_at: float | None = None
    publication_at: float | None = None
    thumbnail_sha256: str = ""
    thumbnail_size: int = 0
    # Deleted through the API (404 afterwards) or on the site (``is_deleted`` true).
    deleted: bool = False
    is_deleted: bool = False
    hits: int = 0
    comments_count: int = 0
    positive: int = 0
    negative: int = 0
    callbacks: list[Callback] = field(default_factory=list)

    def current_stage(self, now: float) -> Stage:
        if self.stage == "processing" and self.ready_at is not None and now >= self.ready_at:
            return "ready"
        return self.stage


class RutubeWorld:
    def __init__(self, config: RutubeConfig | None = None):
        self.config = config or RutubeConfig()
        self.clock = Clock()
        self.accounts: dict[int, Account] = {}
        # token → userid; one token per account, as DRF's authtoken keeps it.
        self.tokens: dict[str, int] = {}
        self.categories: dict[int, Category] = {}
        self.videos: dict[str, Video] = {}
        self._userids = itertools.count(31_000_001)
        self._tasks: set[asyncio.Task] = set()

    def now(self) -> float:
        return self.clock.now()

    # -- accounts and tokens -----------------------------------------------------------------

    def add_account(
        self, name: str, email: str, password: str, *, userid: int | None = None, phone: str = ""
    ) -> Account:
        userid = userid or next(i for i in self._userids if i not in self.accounts)
        account = Account(userid, name, email, phone, password)
        self.accounts[userid] = account
        return account

    def find_login(self, username: str, password: str) -> Account | None:
        """The account whose e-mail (any case) or phone is ``username``, if the password fits."""
        wanted = username.strip().lower()
        for account in self.accounts.values():
            names = {account.email.lower(), account.phone} - {""}
            if wanted in names and secrets.compare_digest(account.password, password):
                return account
        return None

    def token_for(self, userid: int, value: str | None = None) -> str:
        """The account's token, made on first use (DRF's ``Token.objects.get_or_create``)."""
        current = next((t for t, owner in self.tokens.items() if owner == userid), None)
        if current is not None:
            return current
        value = value or secrets.token_hex(20)
        self.tokens[value] = userid
        return value

    def revoke(self, token: str) -> bool:
        return self.tokens.pop(token, None) is not None

    # -- videos --------------------------------------------------------------------------------

    def new_video(self, userid: int, source_url: str, **fields: Any) -> Video:
        video = Video(uuid.uuid4().hex, userid, source_url, created_at=self.now(), **fields)
        self.videos[video.id] = video
        return video

    def live_video(self, video_id: str) -> Video | None:
        video = self.videos.get(video_id)
        return None if video is None or video.deleted else video

    def videos_of(self, userid: int, *, public_only: bool) -> list[Video]:
        """The account's videos, newest first; others see only ready, visible, undeleted ones."""
        now = self.now()
        found = [
            video
            for video in self.videos.values()
            if video.userid == userid
            and not video.deleted
            and (
                not public_only
                or (
                    not video.is_hidden
                    and not video.is_deleted
                    and video.current_stage(now) == "ready"
                )
            )
        ]
        # Videos are kept in the order they were made.
        return found[::-1]

    # -- background work -------------------------------------------------------------------------

    def spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def close(self) -> None:
        """Stop downloads and callbacks still running (a reset, or the server stopping)."""
        for task in list(self._tasks):
            task.cancel()
