"""Sliding-window rate limits for public submissions and logins.

Kept in process memory: each web worker enforces its own window, which
bounds a client to ``limit × workers`` per window. That is enough to stop
scripted floods on one machine; a proxy limit is advised in front of a farm.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from massline.services.errors import RateLimited


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds per key (0 = unlimited)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, now: float | None = None) -> None:
        """Count one event for ``key``; raise RateLimited when over the limit."""
        if self.limit <= 0:
            return
        t = time.monotonic() if now is None else now
        with self._lock:
            q = self._hits.setdefault(key, deque())
            while q and q[0] <= t - self.window:
                q.popleft()
            if len(q) >= self.limit:
                raise RateLimited(int(q[0] + self.window - t) + 1)
            q.append(t)
            if len(self._hits) > 100_000:
                self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > t - self.window}

    def reset(self) -> None:
        """Forget every key (tests, admin)."""
        with self._lock:
            self._hits.clear()
