"""The VK world the emulator serves: people, communities, apps, tokens, videos and wall posts.

Time here is the VK clock (``VkClock``): wall time plus an offset the control API can move
forward, so tests expire tokens, finish video processing and roll the daily quota over without
sleeping. Owner ids follow VK: a person's is their id, a community's is minus its id
(platform-apis.md §2.2).
"""

from __future__ import annotations

import itertools
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

GB = 1024**3

TokenKind = Literal["user", "community"]
TokenSource = Literal["pasted", "vk_id", "legacy"]
TokenState = Literal["valid", "expired", "revoked"]
VideoKind = Literal["video", "clip"]
AdminRole = Literal["creator", "administrator", "editor", "moderator"]

# groups.getById's admin_level: 1 moderator, 2 editor, 3 administrator (the creator is one too).
ADMIN_LEVELS: dict[str, int] = {"moderator": 1, "editor": 2, "administrator": 3, "creator": 3}
# Uploading and posting for a community needs an editor or an administrator.
EDITOR_LEVEL = 2

# What VK ID hands out without an agreement with VK; everything else (video, wall, groups…) is
# granted only exceptionally (§1.1 caveat), which ``VkConfig.vk_id_extended_scopes`` turns off.
VK_ID_BASIC_SCOPES = frozenset({"vkid.personal_info", "email", "phone"})

# The first id the world hands out to new videos: the size of real ones (§2.3 example).
FIRST_VIDEO_ID = 456_239_001


class VkConfig(BaseModel):
    """Switches of the emulated VK, set with ``PUT /_control/vk/config``."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    # Per-token request rate on /method (§2.1): error 6 above it.
    rate_limit: bool = True
    user_requests_per_second: int = Field(default=3, ge=1)
    community_requests_per_second: int = Field(default=20, ge=1)
    # video.save calls per VK-clock day (UTC) for the whole app (§2.5): error 29 above it.
    video_save_daily_quota: int | None = Field(default=5000, ge=0)
    # Seconds (VK clock) an upload stays `processing` in video.get and makes shortVideo.publish
    # answer 3001.
    processing_s: float = Field(default=5.0, ge=0)
    # shortVideo.publish calls answered 3001 after an upload even once processing is over.
    clip_not_ready_polls: int = Field(default=1, ge=0)
    # Which code an expired token gets: 1117, or 5 "access_token has expired" (§2.6).
    expired_error_code: int = 1117
    # Which code a token without the method's scope gets (§2.6, 7 / 15).
    scope_error_code: int = 15
    # VK ID lifetimes (§1.1).
    vk_id_access_ttl_s: int = Field(default=3600, ge=1)
    vk_id_refresh_ttl_s: int = Field(default=180 * 86400, ge=1)
    vk_id_code_ttl_s: int = Field(default=600, ge=1)
    # Off: VK ID grants only the basic scopes, whatever the app asks (the app is not approved).
    vk_id_extended_scopes: bool = True
    # API upload size limit; VK does not document one (§2.5).
    max_upload_bytes: int = Field(default=256 * GB, ge=1)

    # Plain ints with a check rather than Literal, so the demo page's form strings validate.
    @field_validator("expired_error_code")
    @classmethod
    def _expired_code(cls, code: int) -> int:
        if code not in (5, 1117):
            raise ValueError("expired_error_code is 5 or 1117")
        return code

    @field_validator("scope_error_code")
    @classmethod
    def _scope_code(cls, code: int) -> int:
        if code not in (7, 15):
            raise ValueError("scope_error_code is 7 or 15")
        return code


class VkClock:
    """Wall time plus an offset that only moves forward."""

    def __init__(self) -> None:
        self.offset_s = 0.0

    def now(self) -> float:
        return time.time() + self.offset_s

    def advance(self, seconds: float) -> None:
        self.offset_s += seconds


@dataclass
class User:
    id: int
    first_name: str
    last_name: str
    screen_name: str
    email: str = ""
    phone: str = ""


@dataclass
class Community:
    id: int
    name: str
    screen_name: str
    # user id → role; plain members are in ``members``.
    managers: dict[int, AdminRole] = field(default_factory=dict)
    members: set[int] = field(default_factory=set)

    def admin_level(self, user_id: int) -> int:
        role = self.managers.get(user_id)
        return ADMIN_LEVELS[role] if role else 0

    def is_member(self, user_id: int) -> bool:
        return user_id in self.members or user_id in self.managers


@dataclass
class App:
    """A VK app: a VK ID one (PKCE, no secret) or a legacy one (``oauth.vk.com``, a secret)."""

    client_id: str
    name: str
    # Exact URIs, or patterns whose ``*`` stands for a port number (see ``redirect_allowed``).
    redirect_uris: tuple[str, ...]
    secret: str | None = None

    def __repr__(self) -> str:
        return f"App(client_id={self.client_id!r}, name={self.name!r})"


@dataclass
class Token:
    value: str
    kind: TokenKind
    # The person (user token) or the community (community token) it acts for; positive.
    subject_id: int
    scopes: frozenset[str]
    source: TokenSource
    issued_at: float
    expires_at: float | None = None
    revoked: bool = False
    client_id: str | None = None

    def __repr__(self) -> str:
        return f"Token(kind={self.kind!r}, subject_id={self.subject_id}, source={self.source!r})"

    def state(self, now: float) -> TokenState:
        if self.revoked:
            return "revoked"
        if self.expires_at is not None and now >= self.expires_at:
            return "expired"
        return "valid"


@dataclass
class Video:
    """One entry of the received log: a saved video (``video.save``) or clip (``shortVideo``)."""

    owner_id: int
    id: int
    kind: VideoKind
    user_id: int
    group_id: int | None
    title: str
    description: str
    access_key: str
    wallpost: bool
    created_at: float
    upload_ticket: str
    is_private: bool = False
    # shortVideo.create's file_size as sent (bytes or KB, clients disagree).
    declared_file_size: int | None = None
    uploaded_at: float | None = None
    sha256: str | None = None
    size: int | None = None
    filename: str | None = None
    part_name: str | None = None
    ready_at: float | None = None
    not_ready_polls: int = 0
    published: bool = False
    wall_post_id: int | None = None
    deleted: bool = False
    views: int = 0
    likes: int = 0
    comments: int = 0
    reposts: int = 0

    @property
    def ref(self) -> str:
        return f"{self.owner_id}_{self.id}"

    def processing(self, now: float) -> bool:
        return self.ready_at is None or now < self.ready_at


@dataclass
class WallPost:
    owner_id: int
    id: int
    from_id: int
    created_by: int
    date: int
    text: str
    # (owner_id, video_id) of the attached videos.
    videos: list[tuple[int, int]] = field(default_factory=list)
    views: int = 0
    likes: int = 0
    comments: int = 0
    reposts: int = 0


@dataclass
class AuthCode:
    """An authorization code of either OAuth host, usable once."""

    code: str
    client_id: str
    redirect_uri: str
    user_id: int
    scopes: frozenset[str]
    expires_at: float
    # VK ID only: the PKCE challenge and the device the code was issued to.
    code_challenge: str = ""
    device_id: str = ""
    used: bool = False

    def __repr__(self) -> str:
        return f"AuthCode(client_id={self.client_id!r}, user_id={self.user_id}, used={self.used})"


@dataclass
class RefreshGrant:
    """A VK ID refresh token: single use, bound to the app and the device (§1.1)."""

    value: str
    client_id: str
    device_id: str
    user_id: int
    scopes: frozenset[str]
    expires_at: float
    access_token: str
    used: bool = False

    def __repr__(self) -> str:
        return f"RefreshGrant(client_id={self.client_id!r}, user_id={self.user_id})"


def owner_of(group_id: int | None, user_id: int) -> int:
    return -group_id if group_id else user_id


def new_secret(prefix: str, length: int = 64) -> str:
    return prefix + secrets.token_urlsafe(length)[:length]


class VkWorld:
    def __init__(self, config: VkConfig | None = None):
        self.config = config or VkConfig()
        self.clock = VkClock()
        self.users: dict[int, User] = {}
        self.communities: dict[int, Community] = {}
        self.apps: dict[str, App] = {}
        self.tokens: dict[str, Token] = {}
        self.videos: dict[tuple[int, int], Video] = {}
        self.posts: dict[tuple[int, int], WallPost] = {}
        self.codes: dict[str, AuthCode] = {}
        self.refresh_grants: dict[str, RefreshGrant] = {}
        self.uploads: dict[str, Video] = {}
        # The person signed in to VK in "the browser": who the consent pages act for.
        self.signed_in_user_id: int | None = None
        self._video_ids = itertools.count(FIRST_VIDEO_ID)
        self._user_ids = itertools.count(800_000_001)
        self._community_ids = itertools.count(230_000_001)
        self._last_post_ids: dict[int, int] = {}
        self._recent_calls: dict[str, deque[float]] = {}
        self._quota_day = ""
        self._video_saves_today = 0

    def now(self) -> float:
        return self.clock.now()

    # -- building the world (demo seed and control API) ------------------------------------------

    def add_user(
        self, first_name: str, last_name: str, user_id: int | None = None, screen_name: str = ""
    ) -> User:
        user_id = user_id or next(i for i in self._user_ids if i not in self.users)
        user = User(user_id, first_name, last_name, screen_name or f"id{user_id}")
        self.users[user.id] = user
        return user

    def add_community(
        self, name: str, community_id: int | None = None, screen_name: str = ""
    ) -> Community:
        community_id = community_id or next(
            i for i in self._community_ids if i not in self.communities
        )
        community = Community(community_id, name, screen_name or f"club{community_id}")
        self.communities[community.id] = community
        return community

    def add_app(self, app: App) -> App:
        self.apps[app.client_id] = app
        return app

    def issue_token(
        self,
        kind: TokenKind,
        subject_id: int,
        scopes: frozenset[str] | set[str],
        source: TokenSource,
        *,
        ttl_s: float | None = None,
        client_id: str | None = None,
        value: str | None = None,
    ) -> Token:
        """A new token; ``ttl_s`` None means it never expires (pasted, or ``offline``)."""
        now = self.now()
        prefix = "vk2.a." if source == "vk_id" else "vk1.a."
        token = Token(
            value=value or new_secret(prefix),
            kind=kind,
            subject_id=subject_id,
            scopes=frozenset(scopes),
            source=source,
            issued_at=now,
            expires_at=None if ttl_s is None else now + ttl_s,
            client_id=client_id,
        )
        self.tokens[token.value] = token
        return token

    # -- lookups ---------------------------------------------------------------------------------

    def token(self, value: str) -> Token | None:
        return self.tokens.get(value) if value else None

    def find_community(self, ref: str) -> Community | None:
        """A community by id (``123``, ``-123``, ``club123``, ``public123``) or screen name."""
        ref = ref.strip()
        for prefix in ("club", "public", "event", "-"):
            if ref.startswith(prefix) and ref[len(prefix) :].isdigit():
                ref = ref[len(prefix) :]
        if ref.isdigit():
            return self.communities.get(int(ref))
        wanted = ref.lower()
        return next((c for c in self.communities.values() if c.screen_name == wanted), None)

    def find_user(self, ref: str) -> User | None:
        ref = ref.strip()
        if ref.startswith("id") and ref[2:].isdigit():
            ref = ref[2:]
        if ref.isdigit():
            return self.users.get(int(ref))
        return next((u for u in self.users.values() if u.screen_name == ref.lower()), None)

    def admin_level(self, owner_id: int, user_id: int) -> int:
        """What the person may do with the owner's page: 3 on their own, 0 elsewhere."""
        if owner_id > 0:
            return 3 if owner_id == user_id else 0
        community = self.communities.get(-owner_id)
        return community.admin_level(user_id) if community else 0

    def live_video(self, owner_id: int, video_id: int) -> Video | None:
        video = self.videos.get((owner_id, video_id))
        return None if video is None or video.deleted else video

    # -- limits ----------------------------------------------------------------------------------

    def allow_call(self, token: Token) -> bool:
        """Count a /method call of the token; False when it is over the per-second limit."""
        if not self.config.rate_limit:
            return True
        limit = (
            self.config.community_requests_per_second
            if token.kind == "community"
            else self.config.user_requests_per_second
        )
        now = self.now()
        calls = self._recent_calls.setdefault(token.value, deque())
        while calls and now - calls[0] >= 1.0:
            calls.popleft()
        if len(calls) >= limit:
            return False
        calls.append(now)
        return True

    def take_video_save_quota(self) -> bool:
        """Count a video.save; False when today's quota (VK-clock UTC day) is used up."""
        today = datetime.fromtimestamp(self.now(), UTC).date().isoformat()
        if today != self._quota_day:
            self._quota_day, self._video_saves_today = today, 0
        quota = self.config.video_save_daily_quota
        if quota is not None and self._video_saves_today >= quota:
            return False
        self._video_saves_today += 1
        return True

    # -- videos and posts ------------------------------------------------------------------------

    def new_video(
        self,
        kind: VideoKind,
        user_id: int,
        group_id: int | None,
        *,
        title: str = "",
        description: str = "",
        wallpost: bool = False,
        is_private: bool = False,
        declared_file_size: int | None = None,
    ) -> Video:
        video = Video(
            owner_id=owner_of(group_id, user_id),
            id=next(self._video_ids),
            kind=kind,
            user_id=user_id,
            group_id=group_id,
            title=title,
            description=description,
            access_key=secrets.token_hex(9),
            wallpost=wallpost,
            is_private=is_private,
            created_at=self.now(),
            upload_ticket=secrets.token_hex(16),
            declared_file_size=declared_file_size,
        )
        self.videos[(video.owner_id, video.id)] = video
        self.uploads[video.upload_ticket] = video
        return video

    def add_post(
        self,
        owner_id: int,
        from_id: int,
        created_by: int,
        text: str = "",
        videos: list[tuple[int, int]] | None = None,
    ) -> WallPost:
        post_id = self._last_post_ids.get(owner_id, 4710) + 1
        self._last_post_ids[owner_id] = post_id
        post = WallPost(owner_id, post_id, from_id, created_by, int(self.now()), text, videos or [])
        self.posts[(owner_id, post_id)] = post
        for ref in post.videos:
            video = self.videos.get(ref)
            if video is not None and video.wall_post_id is None:
                video.wall_post_id = post_id
        return post

    def post_video(self, video: Video) -> WallPost:
        """The wall post ``wallpost=1`` makes: on the owner's wall, from the community if any."""
        return self.add_post(
            video.owner_id,
            video.owner_id,
            video.user_id,
            video.description,
            [(video.owner_id, video.id)],
        )
