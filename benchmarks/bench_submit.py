"""Message submissions per second through the JSON API under uvicorn on SQLite.

Measures POST /api/v1/messages (validate, store, index, route, event rows;
concurrent submissions share one transaction through the submission writer)
against GET /api/v1/health of the same server in the same run, with wrk
(Debian package ``wrk``) as the load generator on loopback. With ``--runs``
the pair is measured several times (the machine is noisy) and the median
ratio is reported, with the load average before each run and the server's
CPU time per request (event-loop thread, other threads: the submission
writer), read from ``/proc`` — steadier than the rates on a shared machine.

    python benchmarks/bench_submit.py [--seconds 10] [--connections 8] [--runs 3]
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

from common import ROOT, bench_env, machine, massline, server

DEMO = ROOT / "massline" / "data" / "demo"


def lua_script(path: Path) -> None:
    rows = [json.loads(line) for line in (DEMO / "messages.jsonl").read_text(encoding="utf-8").splitlines()]
    bodies = []
    for i, row in enumerate(rows[:100]):
        bodies.append(
            json.dumps(
                {
                    "title": row["title"],
                    "body": row["body"] + f" （第{i}条）",
                    "kind": row["kind"],
                    "region": row["region"],
                    "category": row["category"],
                    "is_public": True,
                },
                ensure_ascii=False,
            )
        )
    lua = ["wrk.method = 'POST'", "wrk.headers['Content-Type'] = 'application/json'", "local bodies = {"]
    lua += ["  [==[" + b + "]==]," for b in bodies]
    lua += [
        "}",
        "local n = 0",
        "request = function()",
        "  n = n + 1",
        "  return wrk.format(nil, '/api/v1/messages', nil, bodies[(n % #bodies) + 1])",
        "end",
    ]
    path.write_text("\n".join(lua), encoding="utf-8")


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> tuple[float, int]:
    cmd = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, int(bad.group(1)) if bad else 0


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
    """Processes started by the server processes (the submission writer process)."""
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


def cpu_by_thread(pids: list[int]) -> dict[str, float]:
    """CPU seconds so far of the server: "loop" (each process's main thread), "other" (its other
    threads: the submission writer thread), "child" (processes it started: the writer process)."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = {"loop": 0.0, "other": 0.0, "child": 0.0}
    for pid in pids + child_pids(pids):
        kind = "child" if pid not in pids else None
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                stat = (task / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            seconds = (int(fields[11]) + int(fields[12])) / tick
            out[kind or ("loop" if task.name == str(pid) else "other")] += seconds
    return out


def busy_cores() -> float:
    """Busy CPU seconds of the whole machine so far (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / os.sysconf("SC_CLK_TCK")


def measured(
    url: str, seconds: int, connections: int, pids: list[int], script: Path | None = None
) -> tuple[float, int, dict[str, float]]:
    """wrk's rate and non-2xx count, and the server's CPU milliseconds per request by thread kind."""
    before, machine_before = cpu_by_thread(pids), busy_cores()
    rate, bad = wrk(url, seconds, connections, script)
    after, machine_after = cpu_by_thread(pids), busy_cores()
    requests = max(rate * seconds, 1.0)
    out = {k: (after[k] - before[k]) / requests * 1000 for k in after}
    out["cores_busy"] = (machine_after - machine_before) / seconds
    return rate, bad, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="server processes (massline serve --workers)")
    parser.add_argument("--runs", type=int, default=1, help="measure health, then submissions, this many times")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("needs wrk: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        env = bench_env(instance)
        massline("config", "load", str(DEMO / "deployment.yaml"), env=env)
        script = instance / "submit.lua"
        lua_script(script)
        runs: list[tuple[float, float, int]] = []
        notes: list[str] = []
        with server(env, workers=args.workers) as url:
            pids = server_pids(int(url.rsplit(":", 1)[1]))
            wrk(url + "/api/v1/health", 2, args.connections)  # warm-up
            wrk(url + "/api/v1/messages", 1, 1, script)  # starts the writer process: its start-up is not measured
            for i in range(1, args.runs + 1):
                load = os.getloadavg()[0]
                base, _, base_cpu = measured(url + "/api/v1/health", args.seconds, args.connections, pids)
                rate, bad, cpu = measured(url + "/api/v1/messages", args.seconds, args.connections, pids, script)
                runs.append((base, rate, bad))
                notes.append(
                    f"run {i}: load {load:.1f}; server CPU ms/request (event loop + other threads + "
                    f"writer process): trivial {base_cpu['loop']:.3f} + {base_cpu['other']:.3f}, "
                    f"submission {cpu['loop']:.3f} + {cpu['other']:.3f} + {cpu['child']:.3f}; "
                    f"busy cores (whole machine): trivial {base_cpu['cores_busy']:.2f}, "
                    f"submission {cpu['cores_busy']:.2f}"
                )
        stored = sqlite3.connect(instance / "massline.db").execute("select count(*) from messages").fetchone()[0]
    print(f"machine: {machine()}")
    for i, (base, rate, bad) in enumerate(runs, 1):
        print(f"run {i}: trivial endpoint (GET /api/v1/health): {base:,.0f} req/s")
        print(f"run {i}: submissions (POST /api/v1/messages):   {rate:,.0f} req/s, {bad} non-2xx")
        print(f"run {i}: ratio submissions / trivial: {rate / base:.2f}")
        print(notes[i - 1])
    ratios = sorted(rate / base for base, rate, _ in runs)
    rates = sorted(rate for _, rate, _ in runs)
    expected = sum(r for _, r, _ in runs) * args.seconds
    print(f"messages stored: {stored:,} (measured runs about {expected:,.0f}, plus a one-second warm-up)")
    print(
        f"median: {statistics.median(rates):,.0f} submissions/s, ratio {statistics.median(ratios):.2f}"
        "  (target >= 0.5 and >= 500/s)"
    )

if __name__ == "__main__":
    main()
