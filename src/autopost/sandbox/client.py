"""A small client of the sandbox control API, for tests, benchmarks and the demo data command."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx


class SandboxControl:
    """Steers a running sandbox through ``<base_url>/_control``. Failed calls raise
    ``httpx.HTTPStatusError`` (the body says why: ``{"error": ...}``)."""

    def __init__(self, base_url: str, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        # A fresh connection per call: control calls are rare, and a kept-alive one can be closed
        # by the server's idle timeout just as the next call reuses it.
        self._http = httpx.Client(
            base_url=f"{self.base_url}/_control", timeout=timeout,
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    @property
    def telegram_api_url(self) -> str:
        """The Bot API base: requests go to ``<this>/bot<token>/<method>``."""
        return f"{self.base_url}/telegram"

    @property
    def vk_api_url(self) -> str:
        """settings.VK_API_URL in sandbox mode: requests go to ``<this>/method/<name>``."""
        return f"{self.base_url}/vk"

    @property
    def vk_id_url(self) -> str:
        """settings.VK_OAUTH_URL: ``<this>/authorize``, ``<this>/oauth2/auth``, …"""
        return f"{self.base_url}/vk-id"

    @property
    def vk_legacy_oauth_url(self) -> str:
        """settings.VK_LEGACY_OAUTH_URL: ``<this>/authorize``, ``<this>/access_token``."""
        return f"{self.base_url}/vk-oauth"

    @property
    def rutube_api_url(self) -> str:
        """settings.RUTUBE_API_URL in sandbox mode (``https://rutube.ru``): requests go to
        ``<this>/api/…``."""
        return f"{self.base_url}/rutube"

    @property
    def dzen_url(self) -> str:
        """settings.DZEN_URL in sandbox mode (``https://dzen.ru``): ``<this>/editor-api/v2/…``,
        ``<this>/media-api-video/…``, ``<this>/profile/editor``."""
        return f"{self.base_url}/dzen"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SandboxControl:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SandboxControl({self.base_url!r})"

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._http.request(method, path, **kwargs)
        response.raise_for_status()
        return response.json()

    # -- everything --------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget everything and re-seed the demo world."""
        self._call("POST", "/reset")

    def add_fault(
        self,
        kind: str,
        *,
        platform: str = "telegram",
        method: str = "*",
        count: int = 1,
        retry_after: int | None = None,
        delay_s: float | None = None,
        error_code: int | None = None,
        oauth_error: str | None = None,
        after_bytes: int | None = None,
    ) -> dict:
        """Queue a fault for the next ``count`` matching requests (see ``sandbox.faults``;
        VK's ``api_error`` / ``upload_error`` take ``error_code``, ``oauth_error`` the OAuth
        error string, see ``sandbox.vk.faults``; Дзен's ``drop_connection`` takes
        ``after_bytes``, see ``sandbox.dzen.faults``)."""
        fault = {
            "platform": platform,
            "method": method,
            "kind": kind,
            "count": count,
            "retry_after": retry_after,
            "delay_s": delay_s,
            "error_code": error_code,
            "oauth_error": oauth_error,
            "after_bytes": after_bytes,
        }
        return self._call("POST", "/faults", json=_without_nones(fault))["fault"]

    def faults(self) -> list[dict]:
        return self._call("GET", "/faults")["faults"]

    def clear_faults(self, platform: str | None = None) -> int:
        params = {"platform": platform} if platform else None
        return self._call("DELETE", "/faults", params=params)["cleared"]

    # -- Telegram ----------------------------------------------------------------------------

    def telegram_messages(self, chat: str | int | None = None) -> list[dict]:
        """The received log, oldest first; ``chat`` is ``@username`` or the numeric id."""
        params = {"chat": str(chat)} if chat is not None else None
        return self._call("GET", "/telegram/messages", params=params)["messages"]

    def create_bot(
        self, username: str | None = None, first_name: str | None = None, bot_id: int | None = None
    ) -> dict:
        """A new bot: ``{"id", "token", "username", "first_name", "revoked"}``."""
        body = {"username": username, "first_name": first_name, "id": bot_id}
        return self._call("POST", "/telegram/bots", json=_without_nones(body))

    def revoke_bot(self, bot_id: int) -> dict:
        return self._call("POST", f"/telegram/bots/{bot_id}/revoke")

    def create_channel(
        self,
        title: str,
        *,
        username: str | None = None,
        channel_id: int | None = None,
        member_count: int = 0,
        members: Iterable[dict] = (),
    ) -> dict:
        """A new channel; ``members`` items are
        ``{"user_id", "status", "rights": {"can_post_messages": False}}`` (status defaults to
        administrator, and administrators get every right not set to false)."""
        body = {
            "title": title,
            "username": username,
            "id": channel_id,
            "member_count": member_count,
            "members": list(members),
        }
        return self._call("POST", "/telegram/channels", json=_without_nones(body))

    def telegram_config(self) -> dict:
        return self._call("GET", "/telegram/config")

    def set_telegram_config(self, **changes: Any) -> dict:
        """Change ``mode`` ("cloud"/"local"), ``rate_limit``, ``channel_messages_per_minute``,
        ``keep_files``; returns the whole config."""
        return self._call("PUT", "/telegram/config", json=changes)

    # -- VK ----------------------------------------------------------------------------------

    def vk_videos(self, owner_id: int | None = None) -> list[dict]:
        """The received log of videos and clips, oldest first (saved ones too, with
        ``uploaded`` false until their file arrived)."""
        params = {"owner_id": str(owner_id)} if owner_id is not None else None
        return self._call("GET", "/vk/videos", params=params)["videos"]

    def vk_posts(self) -> list[dict]:
        """Every wall post made, oldest first."""
        return self._call("GET", "/vk/posts")["posts"]

    def vk_world(self) -> dict:
        """People, communities, tokens and apps of the VK world."""
        return self._call("GET", "/vk/world")

    def set_vk_video_counters(self, owner_id: int, video_id: int, **counters: int) -> dict:
        """Set ``views``, ``likes``, ``comments``, ``reposts`` of a video (video.get shows them)."""
        return self._call("POST", f"/vk/videos/{owner_id}_{video_id}/counters", json=counters)

    def set_vk_post_counters(self, owner_id: int, post_id: int, **counters: int) -> dict:
        return self._call("POST", f"/vk/posts/{owner_id}_{post_id}/counters", json=counters)

    def create_vk_user(
        self,
        first_name: str = "Тест",
        last_name: str = "Тестов",
        *,
        user_id: int | None = None,
        sign_in: bool = False,
        **extra: str,
    ) -> dict:
        """A new person; ``sign_in`` makes consent pages act for them."""
        body = {"first_name": first_name, "last_name": last_name, "id": user_id, "sign_in": sign_in}
        return self._call("POST", "/vk/users", json=_without_nones({**body, **extra}))

    def create_vk_token(
        self,
        scopes: Iterable[str] = ("video", "wall", "groups"),
        *,
        user_id: int | None = None,
        group_id: int | None = None,
        expires_in: float | None = None,
        state: str = "valid",
        source: str = "pasted",
        token: str | None = None,
    ) -> dict:
        """A token (``{"token", "kind", "user_id"|"group_id", "scopes", "state", …}``): a user
        token of ``user_id`` (default: the signed-in person) or a community token of
        ``group_id``; ``state`` is valid, expired or revoked."""
        body = {
            "scopes": list(scopes),
            "user_id": user_id,
            "group_id": group_id,
            "expires_in": expires_in,
            "state": state,
            "source": source,
            "token": token,
        }
        return self._call("POST", "/vk/tokens", json=_without_nones(body))

    def expire_vk_token(self, token: str) -> dict:
        return self._call("POST", "/vk/tokens/expire", json={"token": token})

    def revoke_vk_token(self, token: str) -> dict:
        return self._call("POST", "/vk/tokens/revoke", json={"token": token})

    def create_vk_community(
        self,
        name: str,
        *,
        community_id: int | None = None,
        screen_name: str | None = None,
        admins: Iterable[dict] = (),
        members: Iterable[int] = (),
    ) -> dict:
        """A new community; ``admins`` items are ``{"user_id", "role"}`` with role creator,
        administrator (default), editor or moderator."""
        body = {
            "name": name,
            "id": community_id,
            "screen_name": screen_name,
            "admins": list(admins),
            "members": list(members),
        }
        return self._call("POST", "/vk/communities", json=_without_nones(body))

    def vk_clock(self) -> dict:
        """``{"now", "offset_s"}``: the VK clock's time and how far it was moved forward."""
        return self._call("GET", "/vk/clock")

    def advance_vk_clock(self, seconds: float) -> dict:
        """Move the VK clock forward: tokens expire, processing ends, the daily quota rolls."""
        return self._call("POST", "/vk/clock", json={"advance_s": seconds})

    def vk_config(self) -> dict:
        return self._call("GET", "/vk/config")

    def set_vk_config(self, **changes: Any) -> dict:
        """Change ``rate_limit``, ``processing_s``, ``clip_not_ready_polls``,
        ``video_save_daily_quota``, ``expired_error_code``, ``scope_error_code``,
        ``vk_id_access_ttl_s``, ``vk_id_extended_scopes``, … (see ``sandbox.vk.world.VkConfig``);
        returns the whole config."""
        return self._call("PUT", "/vk/config", json=changes)

    # -- Rutube ------------------------------------------------------------------------------

    def rutube_videos(self, userid: int | None = None) -> list[dict]:
        """The received log, oldest first: ``video_id``, ``userid``, ``source_url``, ``title``,
        ``status`` (downloading, processing, ready, error), ``error``, ``download_status``,
        ``content_type``, ``size``, ``sha256``, ``callbacks``, counters, …"""
        params = {"userid": str(userid)} if userid is not None else None
        return self._call("GET", "/rutube/videos", params=params)["videos"]

    def set_rutube_counters(self, video_id: str, **counters: int) -> dict:
        """Set ``hits``, ``comments_count``, ``positive``, ``negative`` of a video."""
        return self._call("POST", f"/rutube/videos/{video_id}/counters", json=counters)

    def delete_rutube_video_on_site(self, video_id: str) -> dict:
        """The video was removed on the site: the API shows ``is_deleted: true``."""
        return self._call("POST", f"/rutube/videos/{video_id}/delete")

    def rutube_world(self) -> dict:
        """Accounts (with passwords and tokens) and categories."""
        return self._call("GET", "/rutube/world")

    def create_rutube_account(
        self,
        email: str,
        password: str,
        *,
        name: str | None = None,
        phone: str | None = None,
        userid: int | None = None,
        with_token: bool = True,
    ) -> dict:
        """A new account: ``{"userid", "name", "email", "phone", "password", …, "token"}``."""
        body = {
            "email": email,
            "password": password,
            "name": name,
            "phone": phone,
            "userid": userid,
            "with_token": with_token,
        }
        return self._call("POST", "/rutube/accounts", json=_without_nones(body))

    def rutube_token(self, userid: int, token: str | None = None) -> str:
        """The account's token, issued now if it has none (``token`` sets its value)."""
        body = _without_nones({"userid": userid, "token": token})
        return self._call("POST", "/rutube/tokens", json=body)["token"]

    def revoke_rutube_token(self, token: str) -> None:
        """Calls with the token answer 401; the next token_auth issues a new one."""
        self._call("POST", "/rutube/tokens/revoke", json={"token": token})

    def advance_rutube_clock(self, seconds: float) -> dict:
        """Move the Rutube clock forward: processing ends sooner."""
        return self._call("POST", "/rutube/clock", json={"advance_s": seconds})

    def rutube_config(self) -> dict:
        return self._call("GET", "/rutube/config")

    def set_rutube_config(self, **changes: Any) -> dict:
        """Change ``processing_s``, ``fail_downloads``, ``download_timeout_s``,
        ``create_status``, ``duration_s``, ``per_page``; returns the whole config."""
        return self._call("PUT", "/rutube/config", json=changes)

    # -- Дзен --------------------------------------------------------------------------------

    def dzen_publications(self, publisher_id: str | None = None) -> list[dict]:
        """Every publication, oldest first: ``publication_id``, ``upload`` (offset, sha256 so
        far, patches, interrupted), ``sha256`` / ``size`` once finished, ``converted``,
        ``failed``, ``published``, ``title``, counters, …"""
        params = {"publisher_id": publisher_id} if publisher_id else None
        return self._call("GET", "/dzen/publications", params=params)["publications"]

    def dzen_validations(self) -> list[dict]:
        """Every validate-video body: ``publisher_id``, ``content_type``, ``size``, ``sha256``."""
        return self._call("GET", "/dzen/validations")["validations"]

    def set_dzen_counters(self, publication_id: str, **counters: int) -> dict:
        """Set ``views``, ``likes``, ``comments``, ``shares`` of a publication."""
        return self._call("POST", f"/dzen/publications/{publication_id}/counters", json=counters)

    def dzen_world(self) -> dict:
        """Channels and sessions (with their cookies and CSRF tokens)."""
        return self._call("GET", "/dzen/world")

    def create_dzen_channel(
        self, slug: str, *, name: str | None = None, publisher_id: str | None = None
    ) -> dict:
        """A new channel with a session: ``{"publisher_id", "name", "slug", "session": {…}}``."""
        body = {"slug": slug, "name": name, "publisher_id": publisher_id}
        return self._call("POST", "/dzen/channels", json=_without_nones(body))

    def create_dzen_session(self, *publisher_ids: str) -> dict:
        """``{"session_id", "csrf_token", "publisher_ids", "expired"}``."""
        return self._call("POST", "/dzen/sessions", json={"publisher_ids": list(publisher_ids)})

    def expire_dzen_session(self, session_id: str) -> dict:
        return self._call("POST", "/dzen/sessions/expire", json={"session_id": session_id})

    def rotate_dzen_csrf(self, session_id: str) -> str:
        """A new CSRF token for the session (the old one is refused); returns it."""
        body = {"session_id": session_id}
        return self._call("POST", "/dzen/sessions/rotate_csrf", json=body)["csrf_token"]

    def advance_dzen_clock(self, seconds: float) -> dict:
        """Move the Дзен clock forward: conversion ends sooner."""
        return self._call("POST", "/dzen/clock", json={"advance_s": seconds})

    def dzen_config(self) -> dict:
        return self._call("GET", "/dzen/config")

    def set_dzen_config(self, **changes: Any) -> dict:
        """Change ``conversion_s``, ``fail_conversion``, ``duration_s``, ``max_file_bytes``,
        ``max_page_size``; returns the whole config."""
        return self._call("PUT", "/dzen/config", json=changes)


def _without_nones(body: dict) -> dict:
    return {key: value for key, value in body.items() if value is not None}
