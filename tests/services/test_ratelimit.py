"""Rate limits live in the database: they hold across platforms (worker processes) on one database."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select

from massline.config import Settings
from massline.models import Message, RateLimitHit
from massline.platform import Platform
from massline.services.errors import RateLimited
from massline.services.ratelimit import RateLimiter, prune
from massline.web.app import create_app
from tests.server import serving

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GOOD = {"title": "路灯不亮", "body": "解放街道路口的路灯坏了一个多星期，晚上很黑。", "kind": "投诉", "region": "cs-xc-jf"}


def _accepted(platform: Platform, limiter: RateLimiter, key: str, n: int, now: datetime = T0) -> int:
    ok = 0
    for _ in range(n):
        try:
            with platform.write() as s:
                limiter.hit(s, key, now)
            ok += 1
        except RateLimited:
            pass
    return ok


def test_two_platforms_on_one_database_share_the_limit(settings: Settings, platform: Platform) -> None:
    other = Platform(settings)  # a second worker process's platform
    try:
        a = RateLimiter("submit", 10, 600, platform.secret_key)
        b = RateLimiter("submit", 10, 600, other.secret_key)
        assert _accepted(platform, a, "10.0.0.1", 6) + _accepted(other, b, "10.0.0.1", 6) == 10
        assert _accepted(other, b, "10.0.0.2", 1) == 1  # another address has its own count
        assert _accepted(platform, a, "10.0.0.1", 1, T0 + timedelta(seconds=1201)) == 1  # a later window
    finally:
        other.dispose()


def test_the_window_slides_and_old_counts_are_pruned(platform: Platform) -> None:
    limiter = RateLimiter("x", 4, 100)
    assert _accepted(platform, limiter, "k", 6, T0) == 4
    assert _accepted(platform, limiter, "k", 4, T0 + timedelta(seconds=150)) == 2  # half the old window still counts
    with platform.write() as s:
        assert s.scalar(select(func.count()).select_from(RateLimitHit)) == 2
        assert prune(s, T0 + timedelta(seconds=250)) == 1  # the first window's row is no longer needed
        assert prune(s, T0 + timedelta(seconds=400)) == 1
    with platform.read() as s:
        keys = s.scalars(select(RateLimitHit.key_hash)).all()
    assert "k" not in " ".join(keys)


def _submit_in_a_process(database_url: str, instance_dir: str, n: int, out: multiprocessing.Queue) -> None:
    settings = Settings(environment="test", instance_dir=instance_dir, database_url=database_url, submit_rate_limit=10,
                        argon2_time_cost=1, argon2_memory_kib=64)  # fmt: skip
    with serving(create_app(Platform(settings))) as base, httpx.Client(base_url=base, timeout=20) as client:
        out.put(sum(client.post("/api/v1/messages", json=GOOD).status_code == 201 for _ in range(n)))


def test_the_submission_limit_holds_across_worker_processes(settings: Settings, deployed: Platform) -> None:
    ctx = multiprocessing.get_context("spawn")
    out: multiprocessing.Queue = ctx.Queue()
    args = (settings.database_url, str(settings.instance_dir), 9, out)
    procs = [ctx.Process(target=_submit_in_a_process, args=args) for _ in range(3)]
    for p in procs:
        p.start()
    counts = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert sum(counts) == 10  # 27 tries from three processes, one limit of 10
    with deployed.read() as s:
        assert s.scalar(select(func.count()).select_from(Message)) == 10


@pytest.mark.parametrize("path", ["/api/v1/track", "/api/v1/track/rate", "/api/v1/track/reopen"])
def test_tracking_rating_and_reopening_are_limited(deployed: Platform, path: str) -> None:
    deployed.track_limiter.limit = 3
    body = {"tracking_code": "MLNOPE2345", "secret": "WRONGWRONG", "score": 1, "reason": "没有解决问题"}
    with serving(create_app(deployed)) as base, httpx.Client(base_url=base, timeout=10) as client:
        codes = [client.post(path, json=body).status_code for _ in range(5)]
    assert codes == [404, 404, 404, 429, 429]
