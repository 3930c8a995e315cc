"""Fault test: a burst of submissions while the worker analyses (issue 11, writes that never starve each other).

``massline serve`` (worker on, as users run it) on a fresh database with the demo deployment
loaded. CLIENTS threads submit real-length messages through ``POST /api/v1/messages``: WARM_UP
of them, then, once the in-process worker is analysing those, the rest of MESSAGES at once
(while the worker indexes and analyses). Every request is answered
without a 5xx or a 429 and none takes MAX_REQUEST seconds or more (a request that waited for
SQLite's 30 s busy timeout is a failure); every acknowledged message is stored, and within
ANALYSED_WITHIN seconds it is analysed with the current pipeline version, in an issue and in
the search index. Latencies (p50, p99, max) are reported, not asserted.

Runs on a SQLite file, and on PostgreSQL when MASSLINE_TEST_DATABASE_URL is set. The texts are
titles and bodies of the contest data when it is at hand (MASSLINE_BURST_DATA, default
/work/shared/data/tipdm2020c/messages_labeled.csv), else the demo's messages made up to the
contest's length (~400 characters a body).
"""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from massline.config import Settings
from massline.models import Issue, Message, MessageAnalysis
from massline.platform import Platform
from massline.services.alerts import AlertParams
from massline.services.pipeline import analysis_context, pipeline_version
from tests.faults.served import Server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "massline" / "data" / "demo"
CONTEST = Path(os.environ.get("MASSLINE_BURST_DATA", "/work/shared/data/tipdm2020c/messages_labeled.csv"))
CLIENTS = 12
MESSAGES = 400
WARM_UP = 80  # submitted first, so that the burst meets a worker in the middle of its work
MAX_REQUEST = 25.0  # seconds; SQLite's busy timeout is 30 s
ANALYSED_WITHIN = 120.0  # seconds after the last answer
KINDS = ("投诉", "求助", "咨询", "建言", "举报")


# ---- the texts ----------------------------------------------------------------------------------


def _texts(n: int) -> list[tuple[str, str]]:
    """``n`` (title, body) pairs of real length, in a fixed random order."""
    rng = random.Random(11)
    pairs: list[tuple[str, str]] = []
    if CONTEST.is_file():
        with CONTEST.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                title, body = (row.get("留言主题") or "").strip(), " ".join((row.get("留言详情") or "").split())
                if title and len(body) >= 10:
                    pairs.append((title[:60], body[:5000]))
    if not pairs:  # the demo's bodies are ~100 characters: four of them make one of contest length
        demo = [json.loads(line) for line in (DEMO / "messages.jsonl").read_text(encoding="utf-8").splitlines()]
        pairs = [(d["title"][:60], "".join(demo[(i + k) % len(demo)]["body"] for k in range(4)))
                 for i, d in enumerate(demo)]  # fmt: skip
    rng.shuffle(pairs)
    return [pairs[i % len(pairs)] for i in range(n)]


def _regions() -> list[str]:
    """The demo deployment's region codes below the city (streets and communities)."""
    import yaml

    found: list[str] = []

    def walk(nodes: list[dict[str, object]]) -> None:
        for node in nodes:
            if isinstance(node.get("code"), str) and str(node["code"]).count("-") >= 2:
                found.append(str(node["code"]))
            walk(node.get("children") or [])  # type: ignore[arg-type]

    walk(yaml.safe_load((DEMO / "deployment.yaml").read_text(encoding="utf-8"))["regions"])
    assert found, "no regions in the demo deployment"
    return found


# ---- the server ---------------------------------------------------------------------------------


def _env(instance: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MASSLINE_")}
    env.update(
        MASSLINE_ENVIRONMENT="test", MASSLINE_INSTANCE_DIR=str(instance), MASSLINE_DATABASE_URL=database_url,
        MASSLINE_SUBMIT_RATE_LIMIT="0", MASSLINE_LOGIN_RATE_LIMIT="0", MASSLINE_TRACK_RATE_LIMIT="0",
        PYTHONPATH=str(ROOT),
    )  # fmt: skip
    return env


def _massline(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "massline.cli", *args], env=env, capture_output=True, timeout=120)
    assert done.returncode == 0, (done.stdout + done.stderr).decode()[-3000:]


# ---- the burst ----------------------------------------------------------------------------------


@dataclass
class Burst:
    """CLIENTS threads submitting the prepared messages; every answer recorded."""

    base: str
    todo: list[dict[str, object]] = field(default_factory=list)
    statuses: dict[int | str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    acked: list[int] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self) -> None:
        with httpx.Client(base_url=self.base, timeout=60) as client:
            while True:
                with self.lock:
                    if not self.todo:
                        return
                    body = self.todo.pop()
                start = time.monotonic()
                try:
                    r = client.post("/api/v1/messages", json=body)
                    status: int | str = r.status_code
                except httpx.HTTPError as exc:
                    r, status = None, type(exc).__name__
                elapsed = time.monotonic() - start
                with self.lock:
                    self.latencies.append(elapsed)
                    self.statuses[status] = self.statuses.get(status, 0) + 1
                    if r is not None and r.status_code == 201:
                        self.acked.append(int(r.json()["id"]))
                    elif len(self.refused) < 10:
                        self.refused.append(f"{status} after {elapsed:.1f} s: {'' if r is None else r.text[:300]}")

    def run(self, todo: list[dict[str, object]]) -> float:
        """Submit ``todo`` from CLIENTS threads at once; the seconds until every one was answered."""
        self.todo = list(todo)
        threads = [threading.Thread(target=self.client) for _ in range(CLIENTS)]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        return time.monotonic() - start


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# ---- what the worker did ------------------------------------------------------------------------


def _current_version(instance: Path, database_url: str) -> str:
    """The pipeline version the worker stamps now (the same settings as the server's)."""
    platform = Platform(Settings(environment="test", instance_dir=instance, database_url=database_url))
    try:
        with platform.read() as session:
            s = platform.settings
            ctx = analysis_context(session, model_path=s.classifier_model_path, threshold=s.classifier_threshold,
                                   alert_params=AlertParams.from_settings(s))  # fmt: skip
            return pipeline_version(ctx, platform.plugins.steps())
    finally:
        platform.dispose()


@dataclass
class Progress:
    stored: int
    analysed: int
    in_issue: int
    indexed: int
    stale_issues: int  # issues of these messages still waiting for their refresh (``issues.dirty``)


def _progress(database_url: str, ids: list[int], current: str) -> Progress:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            m, a = Message, MessageAnalysis
            mine = m.id.in_(ids)
            stored = conn.scalar(select(func.count()).select_from(m).where(mine))
            analysed = conn.scalar(
                select(func.count()).select_from(m).join(a, a.message_id == m.id)
                .where(mine, a.pipeline_version == current)
            )  # fmt: skip
            in_issue = conn.scalar(select(func.count()).select_from(m).where(mine, m.issue_id.is_not(None)))
            indexed = conn.scalar(select(func.count()).select_from(m).where(mine, m.search_pending.is_(False)))
            stale = conn.scalar(
                select(func.count(func.distinct(Issue.id))).select_from(m).join(Issue, Issue.id == m.issue_id)
                .where(mine, Issue.dirty.is_(True), Issue.status != "merged")
            )  # fmt: skip
    finally:
        engine.dispose()
    return Progress(int(stored or 0), int(analysed or 0), int(in_issue or 0), int(indexed or 0), int(stale or 0))


# ---- the test -----------------------------------------------------------------------------------


def test_a_burst_of_submissions_while_the_worker_analyses(
    tmp_path: Path, database_url: str, record_property: pytest.RecordProperty
) -> None:
    instance = tmp_path / "instance"
    env = _env(instance, database_url)
    _massline(env, "config", "load", str(DEMO / "deployment.yaml"))
    current = _current_version(instance, database_url)
    regions = _regions()
    rng = random.Random(11)
    todo: list[dict[str, object]] = [
        {"title": title, "body": body, "kind": rng.choice(KINDS), "region": rng.choice(regions)}
        for title, body in _texts(MESSAGES)
    ]
    server = Server(env, tmp_path / "serve.log")
    server.start()
    try:
        burst = Burst(server.base)
        burst.run(todo[:WARM_UP])
        busy_by = time.monotonic() + 30
        while _progress(database_url, burst.acked, current).analysed == 0 and time.monotonic() < busy_by:
            time.sleep(0.1)
        before = _progress(database_url, burst.acked, current)
        took = burst.run(todo[WARM_UP:])
        answered = time.monotonic()
        during = _progress(database_url, burst.acked, current)
        deadline = answered + ANALYSED_WITHIN
        progress = _progress(database_url, burst.acked, current)
        done_after: dict[str, float] = {}  # seconds after the last answer until all were analysed / indexed
        while True:
            for name in ("analysed", "indexed"):
                if name not in done_after and getattr(progress, name) == len(burst.acked):
                    done_after[name] = round(time.monotonic() - answered, 1)
            settled = progress.in_issue == len(burst.acked) and not progress.stale_issues
            if (settled and len(done_after) == 2) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
            progress = _progress(database_url, burst.acked, current)
    finally:
        server.stop()

    lat = burst.latencies
    figures = {
        "database": database_url.split(":", 1)[0],
        "submissions": len(lat),
        "acknowledged": len(burst.acked),
        "statuses": dict(sorted(burst.statuses.items(), key=str)),
        "burst_seconds": round(took, 1),
        "analysed_during_burst": during.analysed - before.analysed,
        "p50_seconds": round(_quantile(lat, 0.50), 3),
        "p99_seconds": round(_quantile(lat, 0.99), 3),
        "max_seconds": round(max(lat), 3),
        "all_analysed_after_seconds": done_after.get("analysed"),
        "all_indexed_after_seconds": done_after.get("indexed"),
        "progress": vars(progress),
    }
    for name, value in figures.items():
        record_property(name, value)
    print(f"\nburst: {json.dumps(figures, ensure_ascii=False)}")
    log = server.tail(20000)

    assert len(lat) == MESSAGES
    assert burst.statuses == {201: MESSAGES}, (burst.statuses, burst.refused, log[-4000:])
    assert max(lat) < MAX_REQUEST, (figures, log[-4000:])
    assert len(set(burst.acked)) == MESSAGES
    assert progress.stored == MESSAGES, figures
    assert progress == Progress(MESSAGES, MESSAGES, MESSAGES, MESSAGES, 0), (figures, log[-4000:])
    assert "Traceback" not in log, log[-6000:]
