"""A platform's clock: wall time plus an offset the control API moves forward.

Tests finish Rutube's processing or Дзен's conversion by moving the clock instead of sleeping
(VK keeps its own ``VkClock``, the same idea).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    def __init__(self) -> None:
        self.offset_s = 0.0

    def now(self) -> float:
        return time.time() + self.offset_s

    def advance(self, seconds: float) -> None:
        self.offset_s += seconds

    def iso(self, timestamp: float | None = None) -> str:
        """``2025-01-01T10:00:00``: UTC, no zone, whole seconds (Rutube's ``created_ts``)."""
        moment = self.now() if timestamp is None else timestamp
        return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S")

    def json(self) -> dict:
        return {"now": self.now(), "offset_s": self.offset_s}
