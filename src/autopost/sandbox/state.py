"""Everything the sandbox remembers, in the memory of its one process.

One uvicorn worker serves all requests on one event loop, so handlers change this state without
locks. A reset replaces each platform's world with a fresh demo seed.
"""

from __future__ import annotations

from autopost.conf import envbool
from autopost.sandbox import demo
from autopost.sandbox.dzen.world import DzenWorld
from autopost.sandbox.faults import FaultBook
from autopost.sandbox.rutube.world import RutubeWorld
from autopost.sandbox.telegram.world import TelegramConfig, TelegramWorld
from autopost.sandbox.vk.world import VkWorld


class SandboxState:
    def __init__(self, telegram_local: bool = False):
        # The Telegram size mode a reset returns to.
        self.telegram_local = telegram_local
        self.faults = FaultBook()
        self.telegram: TelegramWorld = demo.telegram_world(self._telegram_config())
        self.vk: VkWorld = demo.vk_world()
        self.rutube: RutubeWorld = demo.rutube_world()
        self.dzen: DzenWorld = demo.dzen_world()

    @classmethod
    def from_env(cls) -> SandboxState:
        """Initial switches from the environment: AUTOPOST_SANDBOX_TELEGRAM_LOCAL=1 starts in the
        local Bot API server mode (2000 MB uploads). It follows AUTOPOST_TELEGRAM_LOCAL_API unless
        set, so a demo that tells the provider "local server" gets one."""
        follows = envbool("AUTOPOST_TELEGRAM_LOCAL_API", False)
        return cls(telegram_local=envbool("AUTOPOST_SANDBOX_TELEGRAM_LOCAL", follows))

    def _telegram_config(self) -> TelegramConfig:
        return TelegramConfig(mode="local" if self.telegram_local else "cloud")

    def reset(self) -> None:
        self.faults.clear()
        self.telegram.close()
        self.telegram = demo.telegram_world(self._telegram_config())
        self.vk = demo.vk_world()
        # Downloads still running belong to the world thrown away.
        self.rutube.close()
        self.rutube = demo.rutube_world()
        self.dzen = demo.dzen_world()

    def close(self) -> None:
        self.telegram.close()
        self.rutube.close()
