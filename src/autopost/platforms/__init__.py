"""The platform registry: slug → label and adapter class, imported lazily.

Model choices and the API come from here. Adding a platform is one line.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from autopost.platforms.base import Provider


class PlatformEntry(NamedTuple):
    label: str
    adapter: str  # "module:Class"


PLATFORMS: dict[str, PlatformEntry] = {
    "vk": PlatformEntry("VK Клипы", "autopost.platforms.vk.adapter:VkAdapter"),
    "rutube": PlatformEntry("Rutube", "autopost.platforms.rutube.adapter:RutubeAdapter"),
    "dzen": PlatformEntry("Дзен", "autopost.platforms.dzen.adapter:DzenAdapter"),
    "telegram": PlatformEntry("Telegram", "autopost.platforms.telegram.adapter:TelegramAdapter"),
}


def platform_choices() -> list[tuple[str, str]]:
    return [(slug, entry.label) for slug, entry in PLATFORMS.items()]


def platform_label(slug: str) -> str:
    return PLATFORMS[slug].label


def is_available(slug: str) -> bool:
    """A platform is available once its adapter module exists (the rest are announced, not live)."""
    try:
        get_provider(slug)
    except (KeyError, ImportError):
        return False
    return True


def get_provider(slug: str) -> type[Provider]:
    module_name, _, class_name = PLATFORMS[slug].adapter.partition(":")
    return getattr(import_module(module_name), class_name)
