"""One authenticated Bot API call as the method handlers see it, and the error they raise."""

from __future__ import annotations

from dataclasses import dataclass

from autopost.sandbox.body import Params
from autopost.sandbox.telegram.world import Bot, TelegramWorld


class BotApiError(Exception):
    """An answer ``{"ok": false, "error_code": code, "description": ...}`` with HTTP status code."""

    def __init__(self, code: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    @classmethod
    def too_many_requests(cls, retry_after: int) -> BotApiError:
        return cls(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


@dataclass
class Call:
    world: TelegramWorld
    bot: Bot
    params: Params

    def arg(self, name: str) -> str:
        return self.params.fields.get(name, "")

    def int_arg(self, name: str, maximum: int) -> int:
        """Lenient like the Bot API server: garbage reads as 0, values are clamped."""
        try:
            value = int(self.arg(name) or 0)
        except ValueError:
            value = 0
        return min(max(value, 0), maximum)

    def bool_arg(self, name: str) -> bool:
        return self.arg(name).lower() in ("true", "yes", "1")
