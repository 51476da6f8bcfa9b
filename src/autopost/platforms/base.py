"""The provider contract: one class per platform in ``platforms/<slug>/adapter.py``.

A provider never touches the database or the queue. It is built from decrypted credentials and the
connection's target, takes a clip as a stream, and returns results or raises one of the errors in
``autopost.platforms.errors``. Every base URL it calls comes from settings, so the same class talks
to the real platform or to the sandbox.

Writing a new adapter: copy a platform folder, fill in ``slug``, ``label``, ``capabilities`` and
``limits()``, implement ``publish`` and whichever connect methods the platform uses, and add one
line to the registry in ``platforms/__init__.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO, ClassVar, Protocol


@dataclass(frozen=True)
class Credentials:
    """Decrypted secrets of a connection. ``repr`` hides them."""

    access_token: str
    refresh_token: str = ""
    expires_at: datetime | None = None

    def __repr__(self) -> str:
        return f"Credentials(access_token=<hidden>, refresh_token=<hidden>, expires_at={self.expires_at!r})"

    __str__ = __repr__


@dataclass(frozen=True)
class Target:
    """Where to publish: the account and the channel / page / community, plus non-secret options."""

    account_id: str
    target_id: str
    target_name: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ConnectionInfo:
    """What a successful connect returns: who the account is and where it will publish."""

    account_id: str
    account_name: str
    target_id: str
    target_name: str
    credentials: Credentials
    target_url: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ClipFile:
    """The clip as a provider sees it: a way to open a fresh binary stream, and what we know of it."""

    open: Callable[[], BinaryIO]
    size: int
    filename: str = "clip.mp4"
    content_type: str = "video/mp4"
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    # For URL-pull platforms (Rutube): a signed, expiring URL that serves exactly this clip.
    signed_url: str | None = None


@dataclass(frozen=True)
class Metadata:
    title: str
    description: str = ""


@dataclass(frozen=True)
class PublishResult:
    remote_id: str
    url: str


@dataclass(frozen=True)
class TargetChoice:
    """A place the connected account may publish to (its own page, a community it administers)."""

    target_id: str
    name: str
    kind: str  # "page" | "community" | "channel"
    url: str = ""


@dataclass(frozen=True)
class Stats:
    views: int | None = None
    likes: int | None = None
    comments: int | None = None
    reposts: int | None = None


@dataclass(frozen=True)
class Limits:
    """What the platform accepts. ``None`` means no known limit."""

    max_file_size: int | None = None
    max_duration_s: float | None = None
    max_title_chars: int | None = None
    containers: frozenset[str] | None = None  # e.g. {"mp4", "mov"}; None accepts any


@dataclass(frozen=True)
class Capabilities:
    """Defaults are the safe answer: nothing is available unless the platform really offers it."""

    stats: bool = False
    refresh: bool = False
    oauth: bool = False
    # The platform downloads the clip itself from ``ClipFile.signed_url`` (Rutube).
    url_pull: bool = False


class Checkpoint(Protocol):
    """Progress of one publication that survives a crash.

    ``data`` holds what earlier attempts saved. ``save(**values)`` merges values into it and
    persists them at once, so a retry after a crash can verify or resume instead of posting again.
    Save a platform's remote id the moment the platform returns it.
    """

    @property
    def data(self) -> Mapping[str, Any]: ...

    def save(self, **values: Any) -> None: ...


class Provider:
    slug: ClassVar[str]
    label: ClassVar[str]
    capabilities: ClassVar[Capabilities] = Capabilities()
    # Rate limits shared by every worker, in the ``limits`` package notation, with the scope each
    # applies to: "global" (the whole platform), "account" or "target". ``rate_limits`` count
    # publications; ``call_limits`` count API calls and are enforced through ``throttle()``.
    rate_limits: ClassVar[tuple[tuple[str, str], ...]] = ()
    call_limits: ClassVar[tuple[tuple[str, str], ...]] = ()

    def __init__(self, credentials: Credentials, target: Target, *, throttle: Callable[[], None] | None = None):
        self.credentials = credentials
        self.target = target
        self._throttle = throttle

    def throttle(self) -> None:
        """Call before every platform API call: waits for the shared ``call_limits`` windows.

        The worker injects the shared limiter; without one (connect flows, tests) it is a no-op.
        """
        if self._throttle is not None:
            self._throttle()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} target={self.target.target_id}>"

    @classmethod
    def limits(cls) -> Limits:
        """The platform's limits as configured now (they may depend on settings)."""
        return Limits()

    # --- connecting -------------------------------------------------------------------------
    @classmethod
    def validate_credentials(cls, **form: str) -> ConnectionInfo:
        """Token and session platforms: check what the user pasted against the platform.

        Returns the account and target. Raises ``PermanentError`` with a specific code and
        Russian message for each way the input is wrong, ``TransientError`` / ``RateLimited``
        when the platform could not answer.
        """
        raise NotImplementedError

    @classmethod
    def authorize_url(cls, *, state: str, code_challenge: str, redirect_uri: str) -> str:
        """OAuth platforms: the URL to send the person to (PKCE ``s256`` challenge included)."""
        raise NotImplementedError

    @classmethod
    def exchange_code(
        cls, *, code: str, code_verifier: str, redirect_uri: str, state: str, device_id: str = ""
    ) -> ConnectionInfo:
        """OAuth platforms: exchange the callback's code; the target defaults to the own page.

        Raises ``AuthExpired`` (``invalid_grant``: code expired, reused, or verifier wrong) or
        ``PermanentError`` / ``TransientError``.
        """
        raise NotImplementedError

    def verify(self) -> None:
        """One cheap authenticated call: returns if the credentials still work.

        Raises ``AuthExpired`` when they no longer do (the daily session check marks the
        connection expired), ``TransientError`` / ``RateLimited`` when the platform can't say.
        """
        raise NotImplementedError

    def list_targets(self) -> list[TargetChoice]:
        """Where this account may publish: its own page first, then what it administers."""
        raise NotImplementedError

    def refresh(self) -> Credentials:
        """Exchange the refresh token for new credentials (only if ``capabilities.refresh``).

        Raises ``AuthExpired`` when the platform refuses; never returns empty credentials.
        """
        raise NotImplementedError

    # --- publishing -------------------------------------------------------------------------
    def publish(self, clip: ClipFile, metadata: Metadata, checkpoint: Checkpoint) -> PublishResult:
        """Upload the clip and publish it; return the remote id and the public URL.

        Must stream the file (memory must not grow with its size) and record remote ids in
        ``checkpoint`` as soon as they exist. When ``checkpoint.data`` shows an earlier attempt got
        far enough, verify or resume from there instead of posting again.
        Raises only the errors of ``autopost.platforms.errors``.
        """
        raise NotImplementedError

    def fetch_stats(self, remote_ids: Iterable[str]) -> dict[str, Stats]:
        """Counters for many published clips, batched as the platform allows (``capabilities.stats``)."""
        raise NotImplementedError
