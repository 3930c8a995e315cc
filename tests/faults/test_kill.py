"""Fault test: processes killed with SIGKILL lose nothing they acknowledged and store nothing twice.

1. A flood of API submissions, each with an ``Idempotency-Key``, against ``massline serve`` (worker on)
   on a SQLite file, while the server process is killed with SIGKILL and restarted several times;
   clients retry with the same key until answered. Every acknowledged message is stored exactly once,
   with the id it was acknowledged with; the file passes ``PRAGMA integrity_check`` and
   ``PRAGMA foreign_key_check``.
2. ``massline import`` killed with SIGKILL mid-way, then run again, ends in the same state as an
   uninterrupted import of the same file (imports are idempotent by external id).

Loopback only; about a minute. Always on SQLite files (the test starts its own processes).
"""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import PG_URL, _build
from tests.faults.served import Server

# the test runs its own processes on SQLite files: once is enough (skipped in the PostgreSQL run)
pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(PG_URL), reason="runs on SQLite files of its own")]
KILLS = 4
CLIENTS = 4
ROWS = 3000
BODY = "解放街道幸福小区门口的路灯已经坏了两周，晚上出行很不方便，请尽快维修。编号 {key}"


def _env(tmp: Path, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MASSLINE_")}
    env.update(
        MASSLINE_ENVIRONMENT="test", MASSLINE_INSTANCE_DIR=str(tmp / "instance"),
        MASSLINE_DATABASE_URL=f"sqlite:///{db}", MASSLINE_SUBMIT_RATE_LIMIT="0", MASSLINE_LOGIN_RATE_LIMIT="0",
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
    )  # fmt: skip
    return env


def _deployed_db(tmp: Path, name: str) -> Path:
    db = tmp / name
    _build(f"sqlite:///{db}", tmp / "instance", deploy=True)
    return db


def _check_file(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


# ---- 1. the server killed under a flood of submissions ------------------------------------------


class Flood:
    """Clients submitting messages, each retried with its key until acknowledged."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.acked: dict[str, tuple[int, str]] = {}  # key -> (id, tracking code)
        self.retries = 0
        self.replayed = 0
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def _submit(self, client: httpx.Client, key: str) -> None:
        body = {"title": "路灯不亮", "body": BODY.format(key=key), "kind": "投诉", "region": "cs-xc-jf"}
        while True:
            try:
                r = client.post("/api/v1/messages", json=body, headers={"Idempotency-Key": key})
                if r.status_code == 201:
                    with self.lock:
                        self.acked[key] = (r.json()["id"], r.json()["tracking_code"])
                        self.replayed += r.headers.get("Idempotent-Replayed") == "true"
                    return
                assert r.status_code >= 500, r.text  # only a dying server may refuse
            except httpx.TransportError:
                pass
            with self.lock:
                self.retries += 1
            time.sleep(0.05)

    def client(self) -> None:
        with httpx.Client(base_url=self.base, timeout=10) as client:
            while not self.stop.is_set():
                self._submit(client, uuid.uuid4().hex)


def test_server_killed_under_a_flood_of_submissions(tmp_path: Path) -> None:
    db = _deployed_db(tmp_path, "serve.db")
    server = Server(_env(tmp_path, db), tmp_path / "serve.log")
    server.start()
    flood = Flood(server.base)
    clients = [threading.Thread(target=flood.client) for _ in range(CLIENTS)]
    for t in clients:
        t.start()
    try:
        for _ in range(KILLS):
            time.sleep(1.5)
            server.kill()
            time.sleep(0.2)
            server.start()
        time.sleep(1.5)
    finally:
        flood.stop.set()
        for t in clients:
            t.join(timeout=60)
        if server.proc is not None and server.proc.poll() is None:
            server.kill()
    print(f"acknowledged {len(flood.acked)}, retried {flood.retries} times, {flood.replayed} answered by replay")
    assert len(flood.acked) > 20 and flood.retries > 0, (len(flood.acked), flood.retries)
    _check_file(db)
    with sqlite3.connect(db) as conn:
        for key, (message_id, code) in flood.acked.items():
            rows = conn.execute("SELECT id, tracking_code FROM messages WHERE body = ?", (BODY.format(key=key),))
            assert rows.fetchall() == [(message_id, code)], key
        # and nothing unacknowledged was stored twice: one key row per message, one message per key
        stored = conn.execute("SELECT count(*), count(DISTINCT body) FROM messages WHERE source = 'api'").fetchone()
        keys = conn.execute("SELECT count(*), count(DISTINCT message_id) FROM submission_keys").fetchone()
        assert stored[0] == stored[1] == keys[0] == keys[1]


# ---- 2. an import killed mid-way ----------------------------------------------------------------

HEADER = ["编号", "标题", "内容", "类型", "区域", "领域", "时间", "点赞"]
MAP = ["external_id=编号", "title=标题", "body=内容", "kind=类型", "region=区域", "category=领域",
       "created_at=时间", "supports=点赞"]  # fmt: skip
PLACES = [("cs", "劳动和社会保障"), ("东城", "城乡建设"), ("测试市", "教育文体")]


def _csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for i in range(ROWS):
            region, category = PLACES[i % len(PLACES)]
            out.writerow([f"F{i:05d}", f"第{i}号诉求", f"第{i}号来信：小区门口的路灯坏了很久，晚上出行很不方便，请尽快修理。",
                          ["投诉", "求助", "咨询"][i % 3], region, category, f"2024-03-{1 + i % 28:02d} 10:{i % 60:02d}:00",
                          str(i % 7)])  # fmt: skip
    return path


def _import(env: dict[str, str], file: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "massline.cli", "import", str(file), "--source", "fault", "--batch-size", "100",
           "--no-writer-thread", *[a for pair in MAP for a in ("--map", pair)]]  # fmt: skip
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _count(db: Path) -> int:
    with _read_only(db) as conn:
        return int(conn.execute("SELECT count(*) FROM messages WHERE source = 'fault'").fetchone()[0])


@contextmanager
def _read_only(db: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        yield conn
    finally:
        conn.close()


def _state(db: Path) -> list[tuple[object, ...]]:
    """What an import stored, without its own ids and times of the import: messages and their events."""
    with sqlite3.connect(db) as conn:
        messages = conn.execute(
            "SELECT m.external_id, m.title, m.body, m.kind, m.status, m.region_id, m.category_id, m.office_id,"
            " m.created_at, m.support_count, m.is_public, (SELECT group_concat(e.type, ',') FROM message_events e"
            " WHERE e.message_id = m.id) FROM messages m WHERE m.source = 'fault' ORDER BY m.external_id"
        ).fetchall()
    return messages


def test_import_killed_midway_then_rerun_equals_an_uninterrupted_import(tmp_path: Path) -> None:
    file = _csv(tmp_path / "rows.csv")
    killed, whole = _deployed_db(tmp_path, "killed.db"), _deployed_db(tmp_path, "whole.db")
    proc = _import(_env(tmp_path, killed), file)
    deadline = time.monotonic() + 60
    while _count(killed) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    at_kill = _count(killed)
    assert 0 < at_kill < ROWS, f"not killed mid-way: {at_kill} of {ROWS} rows stored"
    _check_file(killed)

    for db in (killed, whole):
        rerun = _import(_env(tmp_path, db), file)
        out, _ = rerun.communicate(timeout=120)
        assert rerun.returncode == 0, out.decode()[-2000:]
    assert _count(killed) == _count(whole) == ROWS
    _check_file(killed)
    assert _state(killed) == _state(whole)
