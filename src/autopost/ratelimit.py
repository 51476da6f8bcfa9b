"""Atomic rate limits shared by every process that can reach the same store.

Moving windows from the ``limits`` package: on Redis (``CACHE_URL`` or ``AUTOPOST_QUEUE_URL``) they
are shared by all web and worker processes; in the embedded default one worker and one web process
run, and an in-process store is exact for each of them. huey's own ``rate_limit`` is a soft, racy
window and is not used (queue-notes.md).
"""

from __future__ import annotations

import time
from functools import lru_cache

from django.conf import settings
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter


def _redis_url() -> str | None:
    for url in (settings.CACHE_URL, settings.QUEUE_URL):
        if url and url.startswith(("redis://", "rediss://", "unix://")):
            return url
    return None


@lru_cache(maxsize=1)
def _limiter() -> tuple[MovingWindowRateLimiter, Storage]:
    url = _redis_url()
    storage: Storage
    if url:
        storage = RedisStorage(url, key_prefix=f"{settings.HUEY['name']}:limits")
    else:
        storage = MemoryStorage()
    return MovingWindowRateLimiter(storage), storage


@lru_cache(maxsize=64)
def _item(rate: str) -> RateLimitItem:
    return parse(rate)


def hit(rate: str, *keys: str) -> bool:
    """Count one event; False when the window is already full (then nothing is counted)."""
    limiter, _ = _limiter()
    return limiter.hit(_item(rate), *keys)


def wait_seconds(rate: str, *keys: str) -> float:
    """How long until one more event fits in the window (0 when it fits now)."""
    limiter, _ = _limiter()
    item = _item(rate)
    if limiter.test(item, *keys):
        return 0.0
    stats = limiter.get_window_stats(item, *keys)
    return max(stats.reset_time - time.time(), 0.05)


def reset() -> None:
    """Forget every window (tests, and the sandbox demo's reset)."""
    _, storage = _limiter()
    storage.reset()


class WindowBusy(Exception):
    def __init__(self, wait_s: float):
        super().__init__(f"window full for {wait_s:.1f} s")
        self.wait_s = wait_s


def wait_for_windows(limits, keys_by_scope: dict[str, str], *, max_wait: float) -> None:
    """Take one slot in each ``(rate, scope)`` window, sleeping up to ``max_wait`` for it.

    Raises ``WindowBusy`` when a window would need longer: the caller re-delays instead of
    holding a worker (or a web request) that long.
    """
    for rate, scope in limits:
        keys = (keys_by_scope["platform"], scope, keys_by_scope[scope])
        while not hit(rate, *keys):
            wait = wait_seconds(rate, *keys)
            if wait > max_wait:
                raise WindowBusy(wait)
            time.sleep(wait)
