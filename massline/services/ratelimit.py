"""Sliding-window rate limits kept in the database, so they hold across every worker process.

Each limiter counts events per key in fixed windows (one row per key and
window in ``rate_limit_hits``, the key stored as a keyed hash) and judges the
sliding window the usual way: the current window's count plus the previous
one's, weighted by how much of it still overlaps. A hit increments the row
first and reads the total after (``UPDATE … SET count = count + 1`` locks the
row on PostgreSQL; SQLite writers are serialized), so concurrent processes
cannot both slip under the limit; a hit over the limit raises and is rolled
back with the caller's transaction. Expired rows are pruned now and then.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from massline.models import RateLimitHit
from massline.services.errors import RateLimited

#: one hit in this many prunes the expired rows of every limiter
PRUNE_ONE_IN = 200


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds per key (0 = unlimited), counted in the database.

    ``name`` keeps the limiters' keys apart; ``pepper`` (the platform's secret)
    keys the hash, so the table holds no address or username that can be guessed back.
    """

    def __init__(self, name: str, limit: int, window: int, pepper: str = "") -> None:
        self.name = name
        self.limit = limit
        self.window = max(1, int(window))
        self._pepper = pepper.encode("utf-8")

    def key_hash(self, key: str) -> str:
        """The stored form of ``key`` for this limiter."""
        return hmac.new(self._pepper, f"{self.name}\0{key}".encode(), hashlib.sha256).hexdigest()

    def _window(self, now: datetime) -> tuple[int, float]:
        t = now.timestamp()
        start = int(t // self.window) * self.window
        return start, (t - start) / self.window

    def count(self, session: Session, key: str, now: datetime) -> float:
        """The events of ``key`` in the sliding window ending at ``now``."""
        start, elapsed = self._window(now)
        rows = dict(
            session.execute(
                select(RateLimitHit.window_start, RateLimitHit.count).where(
                    RateLimitHit.key_hash == self.key_hash(key),
                    RateLimitHit.window_start.in_((start, start - self.window)),
                )
            ).all()
        )
        return rows.get(start, 0) + rows.get(start - self.window, 0) * (1.0 - elapsed)

    def _retry_after(self, now: datetime) -> int:
        start, elapsed = self._window(now)
        return max(1, int(self.window * (1.0 - elapsed)) + 1)

    def exceeded(self, session: Session, key: str, now: datetime) -> bool:
        """True when ``key`` has used up its window (nothing is counted)."""
        return self.limit > 0 and self.count(session, key, now) >= self.limit

    def check(self, session: Session, key: str, now: datetime) -> None:
        """Raise RateLimited when ``key`` has used up its window (nothing is counted)."""
        if self.exceeded(session, key, now):
            raise RateLimited(self._retry_after(now))

    def add(self, session: Session, key: str, now: datetime) -> None:
        """Count one event for ``key`` (without judging it)."""
        if self.limit <= 0:
            return
        start, _ = self._window(now)
        digest = self.key_hash(key)
        bump = (
            update(RateLimitHit)
            .where(RateLimitHit.key_hash == digest, RateLimitHit.window_start == start)
            .values(count=RateLimitHit.count + 1)
        )
        if session.execute(bump).rowcount == 0:  # type: ignore[attr-defined]
            expires = datetime.fromtimestamp(start + 2 * self.window, UTC)
            try:
                with session.begin_nested():
                    session.add(RateLimitHit(key_hash=digest, window_start=start, count=1, expires_at=expires))
            except IntegrityError:  # another process created the row meanwhile
                session.execute(bump)
        if secrets.randbelow(PRUNE_ONE_IN) == 0:
            prune(session, now)

    def hit(self, session: Session, key: str, now: datetime) -> None:
        """Count one event for ``key``; raise RateLimited (the caller rolls the count back) when over the limit."""
        if self.limit <= 0:
            return
        self.add(session, key, now)
        if self.count(session, key, now) > self.limit:
            raise RateLimited(self._retry_after(now))

    def forget(self, session: Session, key: str) -> None:
        """Drop the counts of ``key`` (e.g. a successful login clears its failures)."""
        session.execute(delete(RateLimitHit).where(RateLimitHit.key_hash == self.key_hash(key)))


def prune(session: Session, now: datetime) -> int:
    """Delete the counters no window needs any more; returns how many."""
    result = session.execute(delete(RateLimitHit).where(RateLimitHit.expires_at < now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class StanceLimits:
    """How many stances one address may add: to one message a day, and in all per hour
    (``casework.check_support``)."""

    per_message: RateLimiter
    per_hour: RateLimiter
