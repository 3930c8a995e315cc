"""Run every benchmark in turn and print their figures (``make bench``).

    python benchmarks/run_all.py [--only submit search ...] [--quick]

``--quick`` runs every benchmark at smaller sizes for a smoke check (QUICK
lists the same benchmarks as FULL); the figures in docs/benchmarks.md come
from the full sizes. Some benchmarks need Debian's
``wrk`` (bench_submit) or read ../shared/data when present.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FULL: dict[str, list[str]] = {
    "submit": ["bench_submit.py", "--seconds", "8", "--connections", "8", "--runs", "3", "--worker", "both"],
    "search": ["bench_search.py", "--messages", "100000", "--queries", "300", "--clients", "4"],
    "poll": ["bench_poll.py", "--messages", "100000"],
    "import": ["bench_import.py"],
    "analysis": ["bench_analysis.py"],
    "classify": ["bench_classify.py"],
    "analyse": ["bench_analyse.py"],
    "concentrate": ["bench_concentrate.py", "--size", "100000"],
    "issues": ["bench_issues.py", "--sizes", "100000", "1000000", "--samples", "200"],
    "rebuild": ["bench_rebuild.py", "--messages", "100000"],
    "pipeline": ["bench_pipeline.py", "--messages", "100000"],
    "supervision": ["bench_supervision.py"],
    "reply_desk": ["bench_reply_desk.py", "--rated", "500", "--cases", "50"],
    "publishing": ["bench_publishing.py", "--messages", "100,1000,5000"],
}
QUICK: dict[str, list[str]] = {  # the same benchmarks and scripts as FULL, smaller
    "submit": ["bench_submit.py", "--seconds", "3", "--connections", "8", "--runs", "1", "--worker", "both"],
    "search": ["bench_search.py", "--messages", "5000", "--queries", "50", "--clients", "4"],
    "poll": ["bench_poll.py", "--messages", "5000", "--polls", "10"],
    "import": ["bench_import.py", "--rows", "10000"],
    "analyse": ["bench_analyse.py", "--runs", "1"],
    "analysis": ["bench_analysis.py", "--limit", "500"],
    "classify": ["bench_classify.py", "--quick"],
    "concentrate": ["bench_concentrate.py", "--size", "5000", "--incremental", "100"],
    "issues": ["bench_issues.py", "--sizes", "10000", "--samples", "50"],
    "rebuild": ["bench_rebuild.py", "--messages", "5000"],
    "pipeline": ["bench_pipeline.py", "--messages", "5000"],
    "supervision": ["bench_supervision.py", "--reports", "10", "--audit", "100", "--chain", "2000"],
    "reply_desk": ["bench_reply_desk.py", "--rated", "100", "--cases", "10", "--runs", "1"],
    "publishing": ["bench_publishing.py", "--messages", "100,1000"],
}
assert FULL.keys() == QUICK.keys() and all(FULL[k][0] == QUICK[k][0] for k in FULL), "FULL and QUICK differ"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", choices=sorted(FULL), help="run only these")
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke check)")
    args = parser.parse_args()
    failed = []
    for name in args.only or list(FULL):
        cmd = QUICK[name] if args.quick else FULL[name]
        print(f"\n=== {name}: python benchmarks/{' '.join(cmd)}", flush=True)
        start = time.perf_counter()
        result = subprocess.run([sys.executable, str(HERE / cmd[0]), *cmd[1:]], check=False)
        print(f"=== {name}: exit {result.returncode} after {time.perf_counter() - start:.0f} s", flush=True)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
