"""`massline issues rebuild` over N stored messages: wall time and peak memory.

Builds a SQLite database with the demo configuration and N messages (the same
builder as bench_search.py: varied real-length messages from ``texts.py``, real
board sentences mixed within a category with the demo city's places, numbers and
dates, all indexed for search), then runs the real command in a subprocess under /usr/bin/time. Baseline in the
same run: the time to build the database (plain Core inserts of the same rows).

    python benchmarks/bench_rebuild.py [--messages 100000]
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_search
import texts
from common import ROOT, bench_env, machine, massline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        env = bench_env(instance)
        massline("config", "load", str(ROOT / "massline" / "data" / "demo" / "deployment.yaml"), env=env)
        start = time.perf_counter()
        bench_search.build(instance / "massline.db", args.messages, random.Random(7))
        built = time.perf_counter() - start
        start = time.perf_counter()
        result = subprocess.run(
            ["/usr/bin/time", "-v", sys.executable, "-m", "massline.cli", "issues", "rebuild"],
            env=env, cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        wall = time.perf_counter() - start
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    print(f"machine: {machine()}")
    print(f"texts: {texts.source()}")
    print(result.stdout.strip().splitlines()[-1])
    print(f"baseline: building {args.messages:,} messages took {built:.1f} s")
    print(f"issues rebuild: {wall:.1f} s wall, max RSS {int(rss.group(1)) // 1024 if rss else '?'} MiB "
          f"(ratio to build {wall / built:.1f}; target < 120 s at 100,000)")  # fmt: skip


if __name__ == "__main__":
    main()
