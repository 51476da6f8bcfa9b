"""One authenticated VK API call as the method handlers see it, and the error they raise.

Error texts are VK's (``errors.json`` descriptions, with the details VK appends after a colon);
platform-apis.md §2.1, §2.6, §8.
"""

from __future__ import annotations

from dataclasses import dataclass

from autopost.sandbox.vk.world import Token, User, VkWorld

# Version 5.194 is where groups.getById (and, the sandbox assumes, wall.getById) switched from a
# plain list to an object (§8).
OBJECT_RESPONSES_SINCE = (5, 194)
OLDEST_VERSION = (5, 81)

NO_VERSION = (
    'Invalid request: v is required. Version param should be passed as "v". '
    '"version" param is invalid and not supported.'
)
OLD_VERSION = (
    'Invalid request: versions below 5.81 are deprecated. Version param should be passed as "v". '
    '"version" param is invalid and not supported. For more information go to '
    "https://vk.com/dev/constant_version_updates"
)
ERROR_TEXTS = {
    1: "Unknown error occurred",
    3: "Unknown method passed",
    5: "User authorization failed: invalid access_token (4).",
    6: "Too many requests per second",
    7: "Permission to perform this action is denied",
    9: "Flood control",
    10: "Internal server error",
    14: "Captcha needed",
    15: "Access denied: no access to call this method",
    27: "Group authorization failed: method is unavailable with group auth.",
    29: "Rate limit reached",
    100: "One of the parameters specified was missing or invalid",
    113: "Invalid user id",
    203: "Access to group denied: access to the group is denied.",
    204: "Access denied",
    214: "Access to adding post denied",
    1117: "Access token has expired.",
    # shortVideo.publish before the clip is processed; the code is known from clients only [3p].
    3001: "Video is not processed yet",
}
NO_TOKEN = "User authorization failed: no access_token passed."
EXPIRED_AS_5 = "User authorization failed: access_token has expired."


class VkApiError(Exception):
    """An answer ``{"error": {"error_code", "error_msg", "request_params", **extra}}``."""

    def __init__(self, code: int, message: str | None = None, **extra: object):
        self.code = code
        self.message = message or ERROR_TEXTS.get(code, ERROR_TEXTS[1])
        self.extra = extra
        super().__init__(self.message)

    @classmethod
    def param(cls, detail: str) -> VkApiError:
        """Error 100 with VK's "<what is wrong>" detail after the colon."""
        return cls(100, f"{ERROR_TEXTS[100]}: {detail}")


def parse_version(raw: str) -> tuple[int, int] | None:
    """``"5.199"`` → (5, 199): VK's minor versions are whole numbers (5.81 < 5.131)."""
    major, _, minor = raw.strip().partition(".")
    if not major.isdigit() or not (minor or "0").isdigit():
        return None
    return int(major), int(minor or 0)


@dataclass
class Call:
    world: VkWorld
    token: Token
    fields: dict[str, str]
    version: tuple[int, int]
    # The sandbox root as the client reached it, for URLs in answers.
    base_url: str

    @property
    def user(self) -> User:
        """The person a user token acts for (methods that take community tokens don't ask)."""
        user = self.world.users.get(self.token.subject_id)
        if user is None:
            raise VkApiError(5)
        return user

    @property
    def object_responses(self) -> bool:
        return self.version >= OBJECT_RESPONSES_SINCE

    def arg(self, name: str) -> str:
        return self.fields.get(name, "").strip()

    def required(self, name: str) -> str:
        value = self.arg(name)
        if not value:
            raise VkApiError.param(f"{name} is undefined")
        return value

    def int_arg(self, name: str, default: int | None = None, *, required: bool = False) -> int:
        raw = self.required(name) if required else self.arg(name)
        if not raw:
            return default if default is not None else 0
        try:
            return int(raw)
        except ValueError:
            raise VkApiError.param(f"{name} not integer") from None

    def flag(self, name: str) -> bool:
        return self.arg(name).lower() in ("1", "true")

    def text(self, name: str, limit: int) -> str:
        value = self.fields.get(name, "")
        if len(value) > limit:
            raise VkApiError.param(f"{name} is too long (maximum is {limit} characters)")
        return value
