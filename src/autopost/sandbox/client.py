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
        self._http = httpx.Client(base_url=f"{self.base_url}/_control", timeout=timeout)

    @property
    def telegram_api_url(self) -> str:
        """The Bot API base: requests go to ``<this>/bot<token>/<method>``."""
        return f"{self.base_url}/telegram"

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
    ) -> dict:
        """Queue a fault for the next ``count`` matching requests (see ``sandbox.faults``)."""
        fault = {
            "platform": platform,
            "method": method,
            "kind": kind,
            "count": count,
            "retry_after": retry_after,
            "delay_s": delay_s,
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


def _without_nones(body: dict) -> dict:
    return {key: value for key, value in body.items() if value is not None}
