"""The month's accountability figures over a large case history (issue 15).

    python benchmarks/bench_accountability.py [--cases 1000000] [--offices 200] [--keep FILE]

Writes a synthetic events CSV (scripts/accountability/synthetic.py, one month of cases with
planted gaming), then times, in this process:

* baseline: reading the CSV with the standard csv module (every row, nothing checked);
* reading it as events (``read_events``: every row parsed and checked);
* the figures (``analyse``: each case's facts, the rates and process figures per office,
  indirect standardisation, funnel limits, rank intervals, the six checks);

and prints each time and its ratio to the baseline; the target is the reading plus the
figures in under 60 s for 1,000,000 cases.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts" / "accountability"))

from synthetic import PLANTED, iter_events  # noqa: E402

from benchmarks.common import machine  # noqa: E402
from massline.analysis.accountability import Params, analyse, read_events, write_events  # noqa: E402

TARGET_S = 60.0


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--offices", type=int, default=200)
    parser.add_argument("--keep", type=Path, default=None, help="write the events file here and keep it")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "events.csv"
        started = time.perf_counter()
        rows = write_events(path, iter_events(args.cases, offices=args.offices, seed=7, plant=True))
        print(f"wrote {rows:,} events of {args.cases:,} cases, {args.offices} offices "
              f"({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")  # fmt: skip

        started = time.perf_counter()
        with path.open(encoding="utf-8-sig", newline="") as f:
            baseline_rows = sum(1 for _ in csv.reader(f)) - 1
        baseline = time.perf_counter() - started
        assert baseline_rows == rows

        started = time.perf_counter()
        events = read_events(path)
        reading = time.perf_counter() - started

        started = time.perf_counter()
        result = analyse(events, Params())
        figures = time.perf_counter() - started

    found = {(f.check, f.office) for f in result.flags}
    planted = set(PLANTED.items())
    print(f"baseline, csv module reading every row:   {baseline:6.1f} s")
    print(f"reading and checking the events:          {reading:6.1f} s  (x{reading / baseline:.1f} the baseline)")
    print(f"rates, funnels, ranks and checks:         {figures:6.1f} s  (x{figures / baseline:.1f} the baseline)")
    total = reading + figures
    verdict = "met" if total < TARGET_S else "NOT met"
    rate = args.cases / total
    print(f"total {total:.1f} s for {args.cases:,} cases ({rate:,.0f} cases/s); target < {TARGET_S:.0f} s: {verdict}")
    print(f"{len(result.tallies)} offices, {len(result.ranks)} ranked, {len(result.flags)} flags; "
          f"planted found {len(found & planted)}/{len(planted)}, other flags {len(found - planted)}")  # fmt: skip


if __name__ == "__main__":
    main()
