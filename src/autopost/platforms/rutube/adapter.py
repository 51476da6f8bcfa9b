"""Rutube: videos on the own channel, pulled by Rutube from a signed link (platform-apis.md §4).

Connect: login + password exchanged once at ``token_auth`` for a static token (the password is
used for that one request and never kept), or a pasted token. There is no OAuth and no refresh:
a token Rutube stops accepting means connecting again. Publish: ``POST /api/video/`` with the
clip's public URL, then poll until Rutube has it (``publishing.py``). Stats: one
``GET /api/video/<id>/`` and one vote count per video; Rutube has no multi-id endpoint.
"""

from __future__ import annotations

from collections.abc import Iterable

import httpx
import structlog

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
from autopost.platforms.errors import AuthExpired, PermanentError, TransientError
from autopost.platforms.rutube.client import (
    CODE_CREDENTIALS_REQUIRED,
    CODE_INVALID_TOKEN,
    CODE_TOKEN_INVALID,
    MSG_CREDENTIALS_REQUIRED,
    MSG_INVALID_TOKEN,
    MSG_TOKEN_INVALID,
    TOKEN_RE,
    VIDEO_ID_RE,
    RutubeClient,
    VideoPage,
)
from autopost.platforms.rutube.formats import channel_url
from autopost.platforms.rutube.publishing import RutubePublisher

log = structlog.get_logger("autopost.platforms.rutube")

GIB = 1024**3
# §4.2: no limits are documented for the API. Rutube Studio takes files up to 10 GB; that is the
# bound we check before asking Rutube to pull a clip. Duration and container are left to Rutube.
MAX_FILE_SIZE = 10 * GIB

CODE_USER_UNKNOWN = "rutube_user_unknown"
MSG_USER_UNKNOWN = (
    "По токену не удалось узнать канал Rutube: на канале ещё нет видео. "
    "Подключите Rutube по логину и паролю"
)


def _pasted_token(token: str) -> str:
    token = token.strip()
    if token[:6].lower() == "token ":  # pasted together with the header's scheme
        token = token[6:].strip()
    if not TOKEN_RE.match(token):
        raise PermanentError(CODE_INVALID_TOKEN, MSG_INVALID_TOKEN)
    return token


def _owner_of(page: VideoPage) -> int:
    """§4.1 gives a pasted token no "who am I" call: the author of the account's own videos
    (``GET /api/video/person/``, §4.4 ``author.id``) is the only source of the user id."""
    for video in page.results:
        if video.author is not None:
            return video.author.id
    raise PermanentError(CODE_USER_UNKNOWN, MSG_USER_UNKNOWN)


class RutubeAdapter(Provider):
    slug = "rutube"
    label = "Rutube"
    capabilities = Capabilities(stats=True, refresh=False, oauth=False, url_pull=True)
    call_limits = ()  # §4.2 / §4.3: no documented limit; a 429 is honoured through Retry-After

    def __init__(self, credentials: Credentials, target: Target, *, throttle=None,
                 transport: httpx.BaseTransport | None = None):  # transport: tests only
        super().__init__(credentials, target, throttle=throttle)
        self._transport = transport

    @classmethod
    def limits(cls) -> Limits:
        # Titles are cut to 100 characters with «…» (formats.TITLE_LIMIT), so none is refused.
        return Limits(max_file_size=MAX_FILE_SIZE)

    # --- connecting -------------------------------------------------------------------------
    @classmethod
    def validate_credentials(cls, *, username: str = "", password: str = "", token: str = "",
                             transport: httpx.BaseTransport | None = None) -> ConnectionInfo:
        """Log in (``username`` + ``password``) or check a pasted ``token``; one of the two.

        Raises ``PermanentError``: ``rutube_credentials_required``, ``rutube_bad_credentials``,
        ``rutube_invalid_token``, ``rutube_user_unknown`` (a pasted token of a channel without
        videos), or the codes of ``client.classify_error``; ``RateLimited`` / ``TransientError``
        when Rutube could not answer.
        """
        username, token = (username or "").strip(), (token or "").strip()
        logging_in = bool(username or password)
        if logging_in == bool(token) or (logging_in and not (username and password)):
            raise PermanentError(CODE_CREDENTIALS_REQUIRED, MSG_CREDENTIALS_REQUIRED)
        user_id = None
        if logging_in:
            with RutubeClient(transport=transport) as anonymous:
                login = anonymous.token_auth(username, password)
            token, user_id = login.token, login.userid
        else:
            token = _pasted_token(token)
        with RutubeClient(token, transport=transport) as client:
            try:
                page = client.own_videos()
                if user_id is None:
                    user_id = _owner_of(page)
                profile = client.profile(user_id)
            except AuthExpired:  # a token nobody can refresh: say what to do now
                raise PermanentError(CODE_INVALID_TOKEN, MSG_INVALID_TOKEN) from None
        name = (profile.name or "").strip() or f"Канал {user_id}"
        return ConnectionInfo(
            account_id=str(user_id), account_name=name,
            target_id=str(user_id), target_name=name, target_url=channel_url(user_id),
            credentials=Credentials(access_token=token), options={},
        )

    def verify(self) -> None:
        """§4.1: one authenticated call; 401 raises ``AuthExpired`` (``rutube_token_invalid``)."""
        with self._client() as client:
            client.own_videos()

    def refresh(self) -> Credentials:
        """Rutube tokens cannot be refreshed, and the password is not kept to log in again."""
        raise AuthExpired(MSG_TOKEN_INVALID, code=CODE_TOKEN_INVALID)

    # --- publishing -------------------------------------------------------------------------
    def publish(self, clip: ClipFile, metadata: Metadata, checkpoint: Checkpoint) -> PublishResult:
        """§4.2 URL pull; see ``publishing.py`` for the checkpoint and the polling.

        Raises ``PermanentError`` ``rutube_no_public_url``, ``rutube_processing_failed``,
        ``rutube_video_gone`` (or a 400/403/404 code), ``TransientError``
        ``rutube_still_processing`` when the polls ran out, ``AuthExpired``, ``RateLimited``.
        """
        with self._client() as client:
            return RutubePublisher(client, clip, metadata, checkpoint).run()

    def fetch_stats(self, remote_ids: Iterable[str]) -> dict[str, Stats]:
        """§4.4: views and comments from the video, likes from its vote counter.

        A video Rutube refuses to show (404, deleted, 403) is left out; a vote counter that
        fails leaves ``likes`` unknown. Auth, rate-limit and server errors of the video call raise.
        """
        ids = list(dict.fromkeys(r for r in remote_ids if VIDEO_ID_RE.match(r or "")))
        stats: dict[str, Stats] = {}
        with self._client() as client:
            for video_id in ids:
                try:
                    video = client.video(video_id)
                except PermanentError as exc:
                    log.info("rutube_stats_skipped", code=exc.code)
                    continue
                if video.is_deleted:
                    continue
                stats[video_id] = Stats(views=video.hits, likes=self._likes(client, video_id),
                                        comments=video.comments_count, reposts=None)
        return stats

    @staticmethod
    def _likes(client: RutubeClient, video_id: str) -> int | None:
        try:
            return client.votes(video_id).positive
        except (PermanentError, TransientError) as exc:  # undocumented endpoint [3p]
            log.info("rutube_votes_unavailable", code=exc.code)
            return None

    def _client(self) -> RutubeClient:
        return RutubeClient(self.credentials.access_token, throttle=self.throttle,
                            transport=self._transport)
