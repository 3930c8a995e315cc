"""Message submissions per second through the JSON API, served as ``massline serve`` serves it.

Starts ``massline serve`` on a fresh SQLite instance with the demo deployment
and drives POST /api/v1/messages (validate, route, store the message and its
events; one write transaction per request) with wrk (Debian package ``wrk``)
on loopback, with the analysis worker on (the default of ``massline serve``,
as users run it: meanwhile it indexes the new messages for search and runs
the analysis pipeline on them, in the same process) and off; both by default
(``--worker both``), on first. The bodies are 2,000 different real-length
messages (``texts.py``: mean ≈ 400 characters) posted in turn. Each run
reports the rate, its non-2xx answers and socket errors (wrk gives up on a
request after 2 s) and the 99th-percentile latency. With ``--runs`` each is measured
several times, back to back (sustained load; the machine is noisy), and the
median is reported, with the load average before each run, the machine's busy
cores and the server's CPU time per request (all its processes and threads,
the worker's included). GET /api/v1/health of the same server is measured
once before, as a yardstick of the machine's speed at that moment.

``--checkout PATH`` (repeatable) measures other checkouts of Massline in the
same run — e.g. a ``git worktree`` of an older commit — one after the other.
``--keys`` sends a fresh ``Idempotency-Key`` with every submission.

    python benchmarks/bench_submit.py [--seconds 10] [--connections 8] [--runs 3]
        [--worker on|off|both] [--checkout PATH ...] [--keys]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import texts
from common import ROOT, bench_env, machine, massline, server

DEMO = ROOT / "massline" / "data" / "demo"
TARGET = 500  # submissions per second


def lua_script(path: Path, keys: bool, count: int = 2000) -> None:
    """A wrk script posting ``count`` different real-length messages (texts.py) in turn."""
    bodies = []
    for m in texts.messages(count, seed=11):
        fields = {"title": m.title, "body": m.body, "kind": m.kind, "region": m.region, "category": m.category}
        bodies.append(json.dumps({**fields, "is_public": True}, ensure_ascii=False))
    lua = ["wrk.method = 'POST'", "wrk.headers['Content-Type'] = 'application/json'", "local bodies = {"]
    lua += ["  [==[" + b + "]==]," for b in bodies]
    lua += ["}", "local n = 0", "local prefix = tostring(os.time()) .. '-' .. tostring(math.random(1000000))"]
    lua += ["request = function()", "  n = n + 1"]
    if keys:
        lua += ["  local h = {['Content-Type'] = 'application/json', ['Idempotency-Key'] = prefix .. '-' .. n}"]
        lua += ["  return wrk.format(nil, '/api/v1/messages', h, bodies[(n % #bodies) + 1])"]
    else:
        lua += ["  return wrk.format(nil, '/api/v1/messages', nil, bodies[(n % #bodies) + 1])"]
    lua += ["end"]
    path.write_text("\n".join(lua), encoding="utf-8")


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> tuple[float, int, str]:
    """wrk's requests per second, failed requests (non-2xx answers, and socket errors: wrk gives up on a
    request after 2 s) and 99th-percentile latency."""
    cmd = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    p99 = re.search(r"99%\s+(\S+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = (int(bad.group(1)) if bad else 0) + (sum(int(g) for g in errors.groups()) if errors else 0)
    return rate, failed, p99.group(1) if p99 else "?"


def server_pids(port: int) -> list[int]:
    """The ``massline serve`` processes listening on ``port`` (several with ``--workers``)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in args and str(port).encode() in args:
            pids.append(int(entry.name))
    return pids


def child_pids(pids: list[int]) -> list[int]:
    """Processes started by the server processes (e.g. an older version's submission writer process)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat[stat.rindex(")") + 2 :].split()[1]) in pids:
            out.append(int(entry.name))
    return out


def cpu_seconds(pids: list[int]) -> float:
    """CPU seconds so far of the server processes (all threads) and the processes they started."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids + child_pids(pids):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        values = fields[fields.rindex(")") + 2 :].split()
        total += (int(values[11]) + int(values[12])) / tick
    return total


def busy_cores() -> float:
    """Busy CPU seconds of the whole machine so far (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / os.sysconf("SC_CLK_TCK")


def measured(
    url: str, seconds: int, connections: int, pids: list[int], script: Path | None = None
) -> dict[str, object]:
    """One wrk run with the server's CPU ms per request and the machine's busy cores."""
    load = os.getloadavg()[0]
    cpu, machine_before = cpu_seconds(pids), busy_cores()
    rate, bad, p99 = wrk(url, seconds, connections, script)
    cpu_ms = (cpu_seconds(pids) - cpu) / max(rate * seconds, 1.0) * 1000
    cores = (busy_cores() - machine_before) / seconds
    return {"rate": rate, "bad": bad, "p99": p99, "cpu_ms": cpu_ms, "cores": cores, "load": load}


def label(root: Path) -> str:
    """The checkout's commit (short hash), for the report."""
    out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    git_status = ["git", "-C", str(root), "status", "--porcelain", "massline"]
    dirty = subprocess.run(git_status, capture_output=True, text=True)
    return (out.stdout.strip() or str(root)) + ("+changes" if dirty.stdout.strip() else "")


def measure(root: Path, worker: bool, args: argparse.Namespace) -> list[str]:
    """Serve ``root``'s Massline on a fresh instance and measure; returns the report lines."""
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        env = bench_env(instance)
        massline("config", "load", str(DEMO / "deployment.yaml"), env=env, root=root)
        script = instance / "submit.lua"
        lua_script(script, args.keys)
        with server(env, workers=args.workers, worker=worker, root=root) as url:
            pids = server_pids(int(url.rsplit(":", 1)[1]))
            wrk(url + "/api/v1/health", 2, args.connections)  # warm-up
            base = measured(url + "/api/v1/health", args.seconds, args.connections, pids)
            wrk(url + "/api/v1/messages", 2, args.connections, script)
            rates = []
            for i in range(1, args.runs + 1):  # back to back: sustained
                sub = measured(url + "/api/v1/messages", args.seconds, args.connections, pids, script)
                rates.append(float(sub["rate"]))  # type: ignore[arg-type]
                lines.append(
                    f"  run {i}: load {sub['load']:.1f}; submissions {sub['rate']:,.0f}/s "
                    f"({sub['bad']} non-2xx or socket errors, "
                    f"p99 {sub['p99']}, server CPU {sub['cpu_ms']:.2f} ms/request, busy cores {sub['cores']:.2f})"
                )
            lines.append(f"  GET /api/v1/health of the same server before the runs: {base['rate']:,.0f}/s")
        db = sqlite3.connect(instance / "massline.db")
        stored, pending = db.execute("select count(*), sum(search_pending) from messages").fetchone()
        db.close()
    median = statistics.median(rates)
    verdict = "met" if median >= TARGET else "NOT met"
    head = f"{label(root)}, worker {'on' if worker else 'off'}: median {median:,.0f} submissions/s ({verdict})"
    return [head, *lines, f"  stored {stored:,} messages, {pending or 0:,} still waiting for the search index"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="server processes (massline serve --workers)")
    parser.add_argument("--runs", type=int, default=1, help="measurements per checkout and worker setting")
    parser.add_argument("--worker", choices=["on", "off", "both"], default="both", help="the analysis worker")
    parser.add_argument("--checkout", type=Path, action="append", help="Massline checkout(s) to measure")
    parser.add_argument("--keys", action="store_true", help="send an Idempotency-Key with every submission")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("needs wrk: apt-get install wrk")
    roots = [p.resolve() for p in args.checkout or [ROOT]]
    modes = {"on": [True], "off": [False], "both": [True, False]}[args.worker]
    print(f"machine: {machine()}; load before: {os.getloadavg()[0]:.1f}")
    print(f"POST /api/v1/messages, {args.connections} connections, {args.seconds} s per run (target >= {TARGET}/s)")
    print(f"bodies: 2,000 messages from {texts.source()}")
    for root in roots:
        for worker in modes:
            print("\n".join(measure(root, worker, args)), flush=True)


if __name__ == "__main__":
    main()
