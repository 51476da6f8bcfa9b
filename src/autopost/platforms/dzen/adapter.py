"""Дзен: shorts on a channel, through Дзен Studio's private editor API (platform-apis.md §5, §6).

Дзен has no public API and no OAuth scope (§5.1). The person connects by pasting their Studio
session — a ``Cookie`` header, a JSON cookie export or a cookies.txt (``formats.py``) — and the
channel's ``publisherId``. The cookies are the secret (stored as a JSON object); the CSRF token
is read fresh from the Studio page by every client and never stored. Publishing: ``publishing.py``
(TUS upload in ``tus.py``); stats: ``stats2`` pages (``stats.py``).

Not documented, so chosen here: the channel's name is not available from any call in §5 (the
connection shows its ID); a ``dzen.ru/<slug>`` link cannot be turned into a ``publisherId``;
no file size, duration or title limit is known (Дзен's conversion is the judge); calls are paced
to one a second per channel, as a person in the Studio would make them, and publications to
30 an hour per channel.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from autopost.platforms.base import (
    Capabilities,
    Checkpoint,
    ClipFile,
    ConnectionInfo,
    Credentials,
    Limits,
    Metadata,
    Provider,
    PublishResult,
    Stats,
    Target,
)
from autopost.platforms.dzen.client import (
    CODE_FORBIDDEN,
    CODE_NOT_FOUND,
    CODE_SESSION_EXPIRED,
    MSG_SESSION_EXPIRED,
    DzenClient,
    session_expired,
)
from autopost.platforms.dzen.formats import (
    PUBLIC_HOST,
    channel_url,
    dump_session,
    parse_channel,
    parse_session,
)
from autopost.platforms.dzen.publishing import DzenPublisher
from autopost.platforms.dzen.stats import collect_stats
from autopost.platforms.errors import AuthExpired, PermanentError


CODE_CHANNEL_NOT_FOUND = "dzen_channel_not_found"


def cookie_hosts() -> tuple[str, ...]:
    """Whose cookies an export may contribute: dzen.ru, and the sandbox host when configured."""
    host = (urlsplit(settings.DZEN_URL).hostname or PUBLIC_HOST).lower()
    return tuple(dict.fromkeys((PUBLIC_HOST, host)))


class DzenAdapter(Provider):
    slug = "dzen"
    label = "Дзен"
    capabilities = Capabilities(stats=True, refresh=False, oauth=False)
    call_limits = (("1/second", "account"),)
    rate_limits = (("30/hour", "target"),)

    def __init__(self, credentials: Credentials, target: Target, *, throttle=None,
                 transport: httpx.BaseTransport | None = None):  # transport: tests only
        super().__init__(credentials, target, throttle=throttle)
        self._transport = transport

    @classmethod
    def limits(cls) -> Limits:
        return Limits()

    # --- connecting -------------------------------------------------------------------------
    @classmethod
    def validate_credentials(cls, *, session: str = "", channel: str = "",
                             transport: httpx.BaseTransport | None = None) -> ConnectionInfo:
        """Read the pasted session, get a CSRF token from the Studio page, and prove the session
        may act for the channel with one ``stats2`` call (§5.2, §5.4).

        Raises ``PermanentError``: ``dzen_bad_session_format``, ``dzen_no_session_cookie``,
        ``dzen_invalid_channel``, ``dzen_channel_id_required``, ``dzen_session_expired``,
        ``dzen_forbidden``, ``dzen_channel_not_found`` (or another ``dzen_<type>`` from
        ``errors[]``); ``RateLimited`` / ``TransientError`` when Дзен could not answer.
        """
        cookies = parse_session(session, hosts=cookie_hosts())
        publisher_id = parse_channel(channel).publisher_id
        try:
            with DzenClient(cookies, publisher_id, transport=transport) as client:
                client.fetch_csrf()
                client.stats_page(0)
        except AuthExpired:
            raise PermanentError(CODE_SESSION_EXPIRED, MSG_SESSION_EXPIRED) from None
        except PermanentError as exc:
            if exc.code == CODE_FORBIDDEN:
                raise PermanentError(CODE_FORBIDDEN, (
                    f"Нет доступа к каналу Дзена {publisher_id}: проверьте ID канала и что вы "
                    "вошли в учётную запись его владельца или редактора")) from None
            if exc.code == CODE_NOT_FOUND:
                raise PermanentError(CODE_CHANNEL_NOT_FOUND,
                                     f"Канал Дзена {publisher_id} не найден: проверьте ID",
                                     ) from None
            raise
        return ConnectionInfo(
            account_id=publisher_id,
            account_name=publisher_id,
            target_id=publisher_id,
            target_name=publisher_id,
            target_url=channel_url(publisher_id),
            # No documented call maps a slug to the channel or back: kept empty, for the shape.
            options={"publisher_id": publisher_id, "channel_slug": ""},
            credentials=Credentials(access_token=dump_session(cookies)),
        )

    def verify(self) -> None:
        """A fresh CSRF token and one ``stats2`` call; an expired session raises ``AuthExpired``."""
        with self._client() as client:
            client.fetch_csrf()
            client.stats_page(0)

    def refresh(self) -> Credentials:
        """A Studio session cannot be refreshed: the person pastes a new one (§6 re-capture)."""
        raise session_expired()

    # --- publishing -------------------------------------------------------------------------
    def publish(self, clip: ClipFile, metadata: Metadata, checkpoint: Checkpoint) -> PublishResult:
        with self._client() as client:
            return DzenPublisher(client, clip, metadata, checkpoint).run()

    def fetch_stats(self, remote_ids: Iterable[str]) -> dict[str, Stats]:
        """§5.4 ``stats2`` pages of the channel until every wanted publication was seen."""
        wanted = [remote_id for remote_id in remote_ids if remote_id]
        if not wanted:
            return {}
        with self._client() as client:
            return collect_stats(client, wanted)

    def _client(self) -> DzenClient:
        try:
            cookies = parse_session(self.credentials.access_token, hosts=cookie_hosts())
        except PermanentError:  # stored credentials that no longer read: only a reconnect helps
            raise session_expired() from None
        publisher_id = str(self.target.options.get("publisher_id") or self.target.target_id)
        return DzenClient(cookies, publisher_id, throttle=self.throttle,
                          transport=self._transport)
