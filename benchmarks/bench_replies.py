"""Benchmark of the reply review and of ``massline replies review`` on the 2,816 answered contest messages.

Run ``python benchmarks/bench_replies.py [--runs 3]``.

* **In process**: :func:`massline.analysis.replies.review_reply` over every row of
  ``replied_messages.csv`` (after one warm-up review: the phrase book read and compiled), wall and
  CPU time, best of ``--runs``; the baseline measured in the same run is reading and parsing the
  CSV and its two times per row (what any tool does before reviewing).
* **The demand splitter** (``split_demands``, run once per review) on every message: CPU time
  per message of the learned splitter and, as the baseline in the same run, of the rules alone.
* **The command** as a user runs it (``python -m massline.cli replies review``, a fresh process):
  the whole file and a file of one row (start-up: interpreter, imports, settings, the phrase book);
  replies per second after start-up = (rows - 1) / (whole - one row), best of ``--runs``.

The contract: the whole file in under 30 s including start-up; target ≥ 200 replies/s after start-up.
Exits 0 with a "skipped" line when the contest data folder is absent.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

from common import ROOT, SHARED_DATA, machine

sys.path.insert(0, str(ROOT))

from massline.analysis.replies import CaseText, review_reply, rule_demands, split_demands  # noqa: E402
from massline.io.importers import parse_datetime  # noqa: E402

DATA = Path(os.environ.get("MASSLINE_BENCH_DATA", str(SHARED_DATA.parent))) / "tipdm2020c" / "replied_messages.csv"


def _read() -> list[tuple[CaseText, str, object]]:
    with DATA.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    for r in rows:
        submitted = parse_datetime(r["留言时间"], UTC)
        replied = parse_datetime(r["答复时间"], UTC)
        out.append((CaseText(r["留言主题"], r["留言详情"], submitted, 15.0), r["答复意见"], replied))
    return out


def in_process(runs: int) -> None:
    """Print the baseline (reading the CSV) and the review's rate."""
    best_read = min(_timed(_read)[0] for _ in range(runs))
    rows = _read()
    review_reply(rows[0][0], rows[0][1])  # warm-up: the phrase book
    best_wall = best_cpu = float("inf")
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        for case, reply, replied in rows:
            review_reply(case, reply, replied_at=replied)  # type: ignore[arg-type]
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    n = len(rows)
    print(f"baseline: reading and parsing the CSV: {best_read:.2f} s ({n / best_read:,.0f} rows/s)")
    print(f"review in process: {n} replies in {best_wall:.2f} s wall, {best_cpu:.2f} s CPU: "
          f"{n / best_wall:,.0f} replies/s wall, {n / best_cpu:,.0f}/s CPU (best of {runs})")  # fmt: skip


def splitter(runs: int) -> None:
    """Print the demand splitter's CPU time per message: the learned one against the rules."""
    texts = [f"{case.title.strip()}\n{case.body.strip()}" for case, _reply, _replied in _read()]
    split_demands(texts[0])  # warm-up: the model file loaded
    for name, split in (("learned splitter", split_demands), ("rules (baseline)", rule_demands)):
        best = float("inf")
        for _ in range(runs):
            cpu = time.process_time()
            for text in texts:
                split(text)
            best = min(best, time.process_time() - cpu)
        print(f"split_demands, {name}: {len(texts)} messages in {best:.2f} s CPU, "
              f"{1000 * best / len(texts):.2f} ms per message (best of {runs})")  # fmt: skip


def _timed(function):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def _run(data: Path, out: Path) -> float:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    start = time.perf_counter()
    command = [sys.executable, "-m", "massline.cli", "replies", "review", "--data", str(data), "--out", str(out)]
    subprocess.run(command, check=True, env=env, capture_output=True)  # noqa: S603 - our own interpreter
    return time.perf_counter() - start


def command(runs: int) -> None:
    """Print the command's start-up, wall time on the whole file and rate after start-up."""
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.csv"
        lines = DATA.read_text(encoding="utf-8-sig")
        with DATA.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header, first = next(reader), next(reader)
        with one.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows([header, first])
        n = sum(1 for _ in csv.DictReader(lines.splitlines(keepends=True)))
        out = Path(tmp) / "out.csv"
        start_up = min(_run(one, out) for _ in range(runs))
        whole = min(_run(DATA, out) for _ in range(runs))
    print(f"command: start-up (one row) {start_up:.2f} s; all {n} rows {whole:.2f} s (contract: < 30 s); "
          f"{(n - 1) / (whole - start_up):,.0f} replies/s after start-up (best of {runs})")  # fmt: skip


def main() -> int:
    """Run both parts; print the machine first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    if not DATA.is_file():
        print(f"skipped ({DATA} is absent)")
        return 0
    splitter(args.runs)
    in_process(args.runs)
    command(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
