"""`massline issues rebuild` over N stored messages: wall time, CPU time and peak memory.

Builds a SQLite database with the demo configuration and N messages (the same
builder as bench_search.py: varied real-length messages from ``texts.py``, real
board sentences mixed within a category with the demo city's places, numbers and
dates, all indexed for search), then runs the real command in a subprocess under /usr/bin/time.
Baselines in the same run: the time to build the database (plain Core inserts of the same rows)
and, with ``--baseline-root`` (a checkout of another commit, e.g. a worktree of the starting
commit), that checkout's rebuild on a copy of the same database, alternating with this one
``--rounds`` times. Every run prints the load average; ``PYTHONHASHSEED`` is fixed so that two
checkouts clustering alike make the same issues. ``--jobs N`` is passed to this checkout's command
(default: the command's own, one process per core; a baseline checkout older than the option gets none).
/usr/bin/time's CPU time includes the forked processes'. After every run, what the rebuild wrote (issues, their
members and descriptions, the clustering state and index rows; not the time-dependent heat) is hashed per table,
and the runs are said to agree or not (``digest``).

    python benchmarks/bench_rebuild.py [--messages 100000] [--baseline-root ../wt-base] [--rounds 2] [--jobs N]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import bench_search
import texts
from common import ROOT, bench_env, machine, massline


@dataclass
class Run:
    """One rebuild: the command's last line, what /usr/bin/time measured and what it wrote (:func:`digest`)."""

    root: Path
    output: str
    wall: float
    cpu: float
    rss_mib: int
    load: str
    digest: dict[str, str] = field(default_factory=dict)


#: what a rebuild writes, compared between runs (the columns that depend on the time of the run left out)
_WRITTEN = ("issues", "issue_clusters", "issue_postings", "issue_place_keys", "issue_place_pieces",
            "issue_term_df", "issue_vocabulary", "issue_place_aliases", "issue_events")  # fmt: skip
_TIMED = {"created_at", "updated_at", "heat_at", "heat", "heat_components"}


def digest(db: Path) -> dict[str, str]:
    """Per table, the number of rows and a hash of them (sorted): the issues, their descriptions and
    figures, every message's issue, the clustering state and the index rows."""
    out = {}
    with sqlite3.connect(db) as conn:
        for table, columns in [*((t, None) for t in _WRITTEN), ("messages", ["id", "issue_id"])]:
            names = columns or [r[1] for r in conn.execute(f"pragma table_info({table})") if r[1] not in _TIMED]
            rows = sorted(map(repr, conn.execute(f"select {', '.join(names)} from {table}")))  # noqa: S608
            out[table] = f"{len(rows)} {hashlib.sha256(chr(10).join(rows).encode()).hexdigest()[:16]}"
    return out


def rebuild(root: Path, env: dict[str, str], extra: tuple[str, ...] = ()) -> Run:
    """The rebuild command of the checkout ``root`` (with the options ``extra``) in a subprocess under
    /usr/bin/time."""
    load = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    start = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-m", "massline.cli", "issues", "rebuild", *extra],
        env={**env, "PYTHONPATH": str(root), "PYTHONHASHSEED": "0"}, cwd=root, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    wall = time.perf_counter() - start

    def field(name: str) -> float:
        found = re.search(name + r": ([\d.]+)", result.stderr)
        return float(found.group(1)) if found else 0.0

    cpu = field(r"User time \(seconds\)") + field(r"System time \(seconds\)")
    rss = int(field(r"Maximum resident set size \(kbytes\)")) // 1024
    return Run(root, result.stdout.strip().splitlines()[-1], wall, cpu, rss, load)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--baseline-root", type=Path, default=None, help="a checkout to compare with (alternating)")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each checkout (alternating)")
    parser.add_argument("--jobs", type=int, default=None, help="this checkout's --jobs (default: the command's)")
    args = parser.parse_args()
    roots = [ROOT] if args.baseline_root is None else [args.baseline_root.resolve(), ROOT]
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        env = bench_env(instance)
        massline("config", "load", str(ROOT / "massline" / "data" / "demo" / "deployment.yaml"), env=env)
        start = time.perf_counter()
        bench_search.build(f"sqlite:///{instance / 'massline.db'}", args.messages, random.Random(7))
        built = time.perf_counter() - start
        db = instance / "massline.db"
        with sqlite3.connect(db) as src, sqlite3.connect(instance / "built.db") as dst:
            src.backup(dst)  # what is in the write-ahead log too
        for _ in range(args.rounds):
            for root in roots:
                for leftover in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
                    leftover.unlink(missing_ok=True)
                shutil.copyfile(instance / "built.db", db)  # every run starts from the same database
                extra = ("--jobs", str(args.jobs)) if args.jobs and root == ROOT else ()
                runs.append(rebuild(root, env, extra))
                runs[-1].digest = digest(db)
    print(f"machine: {machine()}")
    print(f"texts: {texts.source()}")
    print(f"baseline: building {args.messages:,} messages took {built:.1f} s")
    for run in runs:
        print(f"{run.root.name}: {run.output}")
        print(f"  issues rebuild: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU, max RSS {run.rss_mib:,} MiB, "
              f"load before {run.load} (wall / build {run.wall / built:.2f}; target < 120 s at 100,000)")  # fmt: skip
    same = all(r.digest == runs[0].digest for r in runs)
    print(f"issues, members, descriptions and index rows of every run identical: {'yes' if same else 'NO'}")
    if not same:
        for table in runs[0].digest:
            print(f"  {table}: " + " / ".join(f"{r.root.name} {r.digest[table]}" for r in runs))
    if args.baseline_root is not None:
        base = [r for r in runs if r.root == roots[0]]
        ours = [r for r in runs if r.root == ROOT]
        print(f"ratio baseline / this checkout, best of {args.rounds}: wall "
              f"{min(r.wall for r in base) / min(r.wall for r in ours):.2f}, CPU "
              f"{min(r.cpu for r in base) / min(r.cpu for r in ours):.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
