"""What online research costs: the workbench request that notes activity, and the ledger and yearly
report over a year of activity.

1. Requests: ``GET /staff`` (a counted page) of a logged-in leader, in process (Starlette's
   TestClient, SQLite in a temp dir, the demo deployment without its messages), timed three ways in
   the same run: the activity hook off (baseline), on as shipped (a read per request, a write at most
   once a minute), and on with a write on every request (the worst case, throttle removed).
2. Ledger: a year of activity for 50 leaders (240 working days x 8 runs = 1,920 runs each, 96,000
   rows) and 20 entries each; the time of one leader's ledger page and of the yearly report.

    python benchmarks/bench_research.py [--requests 400] [--leaders 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from common import ROOT, machine

sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from massline.config import Settings  # noqa: E402
from massline.io.deployment_yaml import load_deployment  # noqa: E402
from massline.models import ResearchActivity, ResearchEntry, User  # noqa: E402
from massline.platform import Platform  # noqa: E402
from massline.services import research  # noqa: E402
from massline.services.deployment import check_apply_deployment  # noqa: E402
from massline.services.people import check_add_user, check_reset_password  # noqa: E402
from massline.services.research import activity  # noqa: E402
from massline.web import deps  # noqa: E402
from massline.web.app import create_app  # noqa: E402

PASSWORD = "bench-password-1"  # noqa: S105 - a throw-away instance


def _platform(instance: Path) -> Platform:
    settings = Settings(environment="test", instance_dir=instance, database_url=f"sqlite:///{instance}/m.db",
                        login_rate_limit=0, argon2_time_cost=1, argon2_memory_kib=64)  # fmt: skip
    platform = Platform(settings)
    platform.migrate()
    with platform.write() as s:
        check_apply_deployment(s, load_deployment(ROOT / "massline" / "data" / "demo" / "deployment.yaml"),
                               passwords=platform.passwords)  # fmt: skip
        check_reset_password(s, "he.lixin", PASSWORD, passwords=platform.passwords)
    return platform


def _timed(client: TestClient, n: int) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        assert client.get("/staff").status_code == 200
        times.append(time.perf_counter() - start)
    return times


def bench_requests(platform: Platform, n: int) -> None:
    client = TestClient(create_app(platform))
    page = client.get("/staff/login").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    r = client.post("/staff/login", data={"csrf_token": token, "username": "he.lixin", "password": PASSWORD},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text[:300]
    hook, every = deps._note_research, activity.NOTE_EVERY_SECONDS
    rows: list[tuple[str, list[float]]] = []
    for label, off, throttle in (("hook off (baseline)", True, every), ("hook on, as shipped", False, every),
                                 ("hook on, a write every request", False, 0)):  # fmt: skip
        deps._note_research = (lambda *a: None) if off else hook  # type: ignore[assignment]
        activity.NOTE_EVERY_SECONDS = throttle
        _timed(client, 20)  # warm up
        rows.append((label, _timed(client, n)))
    deps._note_research, activity.NOTE_EVERY_SECONDS = hook, every
    base = statistics.median(rows[0][1])
    print(f"GET /staff as he.lixin, {n} requests each, in process:")
    for label, times in rows:
        med, p95 = statistics.median(times), sorted(times)[int(len(times) * 0.95)]
        print(f"  {label:32s} median {med * 1000:6.2f} ms  p95 {p95 * 1000:6.2f} ms  (+{(med - base) * 1000:5.2f} ms)")


def _seed(platform: Platform, leaders: int) -> list[int]:
    year_start = datetime(2026, 1, 5, 1, tzinfo=UTC)
    ids = []
    with platform.write() as s:
        for i in range(leaders):
            user, _ = check_add_user(s, f"lead{i}", f"领导{i}", "leader", region_code="jz",
                                     passwords=platform.passwords)  # fmt: skip
            ids.append(user.id)
        s.flush()
        for uid in ids:
            runs = []
            for day in range(240):
                for k in range(8):
                    t = year_start + timedelta(days=day * 350 // 240, minutes=k * 50)
                    runs.append({"user_id": uid, "started_at": t, "last_at": t + timedelta(minutes=30),
                                 "seconds": 1800, "events": 12, "reading": 6, "analysis": 4, "replying": 2,
                                 "meeting": 0})  # fmt: skip
            s.execute(insert(ResearchActivity), runs)
            s.execute(insert(ResearchEntry), [
                {"user_id": uid, "kind": "field_visit", "title": "实地调研", "held_on": date(2026, 1 + j % 12, 10),
                 "minutes": 480, "online": j % 2 == 0, "findings": "情况。", "outcome": "",
                 "created_at": year_start} for j in range(20)])  # fmt: skip
    return ids


def bench_ledger(platform: Platform, leaders: int) -> None:
    ids = _seed(platform, leaders)
    with platform.read() as s:
        viewer = s.scalar(select(User).where(User.username == "qian.jiandu"))
        assert viewer is not None
        times = []
        for uid in ids[:20]:
            start = time.perf_counter()
            page = research.ledger_page(s, viewer, uid, 2026)
            times.append(time.perf_counter() - start)
        start = time.perf_counter()
        rows = research.report_for(s, viewer, 2026)
        report = time.perf_counter() - start
    print(f"ledger of one leader (1,920 runs, 20 entries): median {statistics.median(times) * 1000:.2f} ms "
          f"({page.ledger.total_days} days)")  # fmt: skip
    print(f"yearly report, {len(rows)} leaders ({leaders * 1920:,} activity rows): {report * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--leaders", type=int, default=50)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        platform = _platform(Path(tmp))
        try:
            bench_requests(platform, args.requests)
            bench_ledger(platform, args.leaders)
        finally:
            platform.dispose()


if __name__ == "__main__":
    main()
