"""VK: Clips and videos on the person's page or a community they run (platform-apis.md §1.1, §2).

Connect with VK ID (OAuth 2.1 + PKCE, ``device_id`` kept for refreshes) or, since VK grants the
``video`` scope only on request, with a pasted user token. Publish as a Clip (``shortVideo.*``)
falling back to a regular video (``video.save``); see ``publishing.py``. Stats: ``video.get``.
"""

from __future__ import annotations

from collections.abc import Iterable

import httpx

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
    TargetChoice,
)
from autopost.platforms.errors import AuthExpired, PermanentError
from autopost.platforms.vk import oauth
from autopost.platforms.vk.client import (
    CODE_ACCESS_DENIED,
    CODE_BAD_REQUEST,
    CODE_NO_PERMISSION,
    CODE_NOT_GROUP_ADMIN,
    CODE_VALIDATION,
    MESSAGES,
    STATS_BATCH,
    VkClient,
)
from autopost.platforms.vk.formats import (
    community_url,
    full_name,
    group_id_of,
    is_video_key,
    page_url,
    parse_target,
)
from autopost.platforms.vk.publishing import VkPublisher

GIB = 1024**3
# §2.5: the API reference names no file size or duration limit; VK's upload page accepts up to
# 256 GB, and the duration bound is only a sanity check. Both are generous on purpose.
MAX_FILE_SIZE = 256 * GIB
MAX_DURATION_S = 12 * 3600.0
CONTAINERS = frozenset({"avi", "mp4", "3gp", "mpeg", "mov", "mp3", "flv", "wmv"})  # §2.3
EDITOR_LEVEL = 2  # groups.getById admin_level: 1 moderator, 2 editor, 3 administrator
DEFAULT_OPTIONS = {"publish_as": "clip", "wall_post": False}

INVALID_TOKEN = ("vk_invalid_token", "Токен VK недействителен или истёк: получите новый")
NO_VIDEO_SCOPE = ("vk_no_video_scope", "У токена нет доступа к видео: выдайте право video")
GROUP_NOT_FOUND = ("vk_group_not_found", "Сообщество VK не найдено: проверьте его id")


class VkAdapter(Provider):
    slug = "vk"
    label = "VK Клипы"
    capabilities = Capabilities(stats=True, refresh=True, oauth=True)
    call_limits = (("3/second", "account"),)  # §2.1: user token 3 req/s

    def __init__(self, credentials: Credentials, target: Target, *, throttle=None,
                 transport: httpx.BaseTransport | None = None):  # transport: tests only
        super().__init__(credentials, target, throttle=throttle)
        self._transport = transport

    @classmethod
    def limits(cls) -> Limits:
        # Titles are trimmed to VK's 128 characters with «…», so no title is refused.
        return Limits(max_file_size=MAX_FILE_SIZE, max_duration_s=MAX_DURATION_S,
                      max_title_chars=None, containers=CONTAINERS)

    # --- connecting -------------------------------------------------------------------------
    @classmethod
    def authorize_url(cls, *, state: str, code_challenge: str, redirect_uri: str) -> str:
        return oauth.authorize_url(state=state, code_challenge=code_challenge,
                                   redirect_uri=redirect_uri)

    @classmethod
    def exchange_code(cls, *, code: str, code_verifier: str, redirect_uri: str, state: str,
                      device_id: str = "", transport: httpx.BaseTransport | None = None,
                      ) -> ConnectionInfo:
        token = oauth.exchange_code(code=code, code_verifier=code_verifier, state=state,
                                    redirect_uri=redirect_uri, device_id=device_id,
                                    transport=transport)
        with VkClient(token.access_token, transport=transport) as client:
            user = client.get_user()
        name = full_name(user.first_name, user.last_name)
        options = {"device_id": device_id, "user_id": user.id, "token_source": "vk_id",
                   **DEFAULT_OPTIONS}
        return ConnectionInfo(account_id=str(user.id), account_name=name,
                              target_id=str(user.id), target_name=name,
                              target_url=page_url(user.id), credentials=token.credentials(),
                              options=options)

    @classmethod
    def validate_credentials(cls, *, access_token: str = "", target_id: str = "",
                             transport: httpx.BaseTransport | None = None) -> ConnectionInfo:
        """Check a pasted user token: who it is, that it may upload video, and the target.

        Raises ``PermanentError``: ``vk_invalid_token``, ``vk_community_token``,
        ``vk_no_video_scope``, ``vk_invalid_target``, ``vk_group_not_found``,
        ``vk_not_group_admin`` (and the codes of §2.6), or ``RateLimited`` / ``TransientError``.
        """
        access_token = (access_token or "").strip()
        if not access_token or not access_token.isprintable() or " " in access_token:
            raise PermanentError(*INVALID_TOKEN)
        with VkClient(access_token, transport=transport) as client:
            try:
                user = client.get_user()
            except AuthExpired as exc:  # nothing to refresh for a pasted token
                if exc.code == CODE_VALIDATION:  # 17: the person must confirm a login first
                    raise PermanentError(exc.code, exc.message) from None
                raise PermanentError(*INVALID_TOKEN) from None
            group_id = parse_target(target_id, user.id)
            try:  # §2.3 video.* need the video scope: the cheapest call that proves it
                client.get_videos(count=1)
            except PermanentError as exc:
                if exc.code in (CODE_NO_PERMISSION, CODE_ACCESS_DENIED):
                    raise PermanentError(*NO_VIDEO_SCOPE) from None
                raise
            name = full_name(user.first_name, user.last_name)
            info = {"target_id": str(user.id), "target_name": name, "target_url": page_url(user.id)}
            if group_id is not None:
                info = cls._community(client, group_id)
        options = {"user_id": user.id, "token_source": "pasted", **DEFAULT_OPTIONS}
        return ConnectionInfo(account_id=str(user.id), account_name=name,
                              credentials=Credentials(access_token), options=options, **info)

    @staticmethod
    def _community(client: VkClient, group_id: int) -> dict[str, str]:
        """§2.2 groups.getById: the person must be its editor or administrator."""
        try:
            group = client.get_group(group_id)
        except PermanentError as exc:
            if exc.code == CODE_BAD_REQUEST:
                raise PermanentError(*GROUP_NOT_FOUND) from None
            raise
        if group.id != group_id:
            raise PermanentError(*GROUP_NOT_FOUND)
        if not group.is_admin or (group.admin_level or 0) < EDITOR_LEVEL:
            raise PermanentError(CODE_NOT_GROUP_ADMIN, MESSAGES[CODE_NOT_GROUP_ADMIN])
        return {"target_id": f"-{group.id}", "target_name": group.name or f"club{group.id}",
                "target_url": community_url(group.id, group.screen_name)}

    def list_targets(self) -> list[TargetChoice]:
        """The own page, then communities from ``groups.get(filter=admin,editor)`` (§2.2).

        A token without the ``groups`` scope (7 / 15) lists the own page only.
        """
        with self._client() as client:
            user = client.get_user()
            choices = [TargetChoice(str(user.id), full_name(user.first_name, user.last_name),
                                    "page", page_url(user.id))]
            try:
                groups = client.managed_groups()
            except PermanentError as exc:
                if exc.code not in (CODE_NO_PERMISSION, CODE_ACCESS_DENIED):
                    raise
                groups = []
        choices += [TargetChoice(f"-{g.id}", g.name or f"club{g.id}", "community",
                                 community_url(g.id, g.screen_name)) for g in groups]
        return choices

    def refresh(self) -> Credentials:
        """§1.1 refresh (VK ID only): both tokens rotate; pasted tokens cannot be refreshed."""
        token = oauth.refresh(refresh_token=self.credentials.refresh_token,
                              device_id=str(self.target.options.get("device_id") or ""),
                              transport=self._transport)
        return token.credentials()

    # --- publishing -------------------------------------------------------------------------
    def publish(self, clip: ClipFile, metadata: Metadata, checkpoint: Checkpoint) -> PublishResult:
        with self._client() as client:
            return VkPublisher(client, clip, metadata, checkpoint,
                               group_id=group_id_of(self.target.target_id),
                               options=dict(self.target.options)).run()

    def fetch_stats(self, remote_ids: Iterable[str]) -> dict[str, Stats]:
        """§2.7 ``video.get``, 200 ``<owner>_<id>`` a call; unknown or deleted ids are absent."""
        keys = list(dict.fromkeys(r for r in remote_ids if is_video_key(r)))
        stats: dict[str, Stats] = {}
        with self._client() as client:
            for start in range(0, len(keys), STATS_BATCH):
                for video in client.get_videos(keys[start:start + STATS_BATCH]):
                    stats[video.key] = Stats(
                        views=video.views, comments=video.comments,
                        likes=video.likes.count if video.likes else None,
                        reposts=video.reposts.count if video.reposts else None)
        return stats

    def _client(self) -> VkClient:
        return VkClient(self.credentials.access_token, throttle=self.throttle,
                        transport=self._transport)
