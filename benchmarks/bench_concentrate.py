"""Issue discovery at scale: batch clustering time/memory and incremental ``add`` latency.

Run: ``python benchmarks/bench_concentrate.py [--size 100000] [--incremental 500]``

Scales the real hot + replied messages of /work/shared/data/tipdm2020c (or
$MASSLINE_BENCH_DATA) up to ``--size`` messages: copy k renames every compound
(``丽发新城小区`` → ``丽发新城东小区``), shifts district numbers and digits, so
copies are different places, not 25 repeats of one text.  Prints, in the same
run: the baseline (normalise + segment every text), the batch clustering time,
peak traced memory and max RSS, then the p50/p95 latency of ``IssueIndex.add``
for new messages with the batch stored.  Skips when the data is absent.
``--profile`` (default ``tipdm2020c``): how the data names places.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from massline.analysis.issues import IssueClusterer, IssueDoc  # noqa: E402
from massline.analysis.text import Segmenter  # noqa: E402
from massline.io.profiles import load_profile  # noqa: E402

DATA = Path(os.environ.get("MASSLINE_BENCH_DATA", "/work/shared/data/tipdm2020c"))
FILES = ("hot_messages.csv", "replied_messages.csv")
MARKS = "东西南北中新老上下前后左右金银东方华美红绿蓝"
_COMPOUND = re.compile(r"(小区|花园|家园|新村|新城|苑)")
_DISTRICT = re.compile(r"A(\d)([区县])")
_DIGIT = re.compile(r"\d")


def load() -> list[tuple[str, str, str]]:
    """(author, title, body) of the real messages."""
    out = []
    for name in FILES:
        with (DATA / name).open(encoding="utf-8-sig", newline="") as f:
            out.extend((r["留言用户"], r["留言主题"], r["留言详情"]) for r in csv.DictReader(f))
    return out


def variant(text: str, k: int) -> str:
    """Copy ``k`` of a text: other compounds, districts and numbers."""
    if k == 0:
        return text
    mark = MARKS[(k - 1) % len(MARKS)] + ("" if k <= len(MARKS) else MARKS[(k // len(MARKS)) % len(MARKS)])
    text = _COMPOUND.sub(lambda m: mark + m.group(), text)
    text = _DISTRICT.sub(lambda m: f"A{(int(m.group(1)) + k) % 10}{m.group(2)}", text)
    return _DIGIT.sub(lambda m: str((int(m.group()) + k) % 10), text)


def scaled(base: list[tuple[str, str, str]], size: int, offset: int = 0) -> list[IssueDoc]:
    """``size`` messages built from ``base`` copies, starting at copy ``offset``."""
    from datetime import datetime, timedelta, timezone

    start = datetime(2019, 1, 1, tzinfo=timezone(timedelta(hours=8)))
    docs = []
    for n in range(offset * len(base), offset * len(base) + size):
        k, i = divmod(n, len(base))
        author, title, body = base[i]
        docs.append(
            IssueDoc(n, variant(title, k), variant(body, k), start + timedelta(minutes=7 * n), f"{author}-{k}", i % 7)
        )
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--incremental", type=int, default=500)
    parser.add_argument("--trace-memory", action="store_true", help="tracemalloc peak (slows the run ~4×)")
    parser.add_argument("--profile", default="tipdm2020c", help="language profile of the data (default: tipdm2020c)")
    args = parser.parse_args()
    language = load_profile(args.profile).language
    if not DATA.is_dir():
        print(f"skipped: benchmark data not found at {DATA}")
        return
    base = load()
    docs = scaled(base, args.size)
    chars = sum(len(d.title) + len(d.body) for d in docs)
    print(f"{len(docs):,} messages ({len(base):,} real × copies), {chars / 1e6:.1f} M chars")
    seg = Segmenter()
    t = time.perf_counter()
    for d in docs:
        seg.words(d.title)
        seg.words(d.body[:2000])
    base_s = time.perf_counter() - t
    print(f"baseline (normalise + segment title and body): {base_s:.1f} s")

    if args.trace_memory:
        tracemalloc.start()
    t = time.perf_counter()
    clusterer = IssueClusterer(segmenter=seg, language=language).fit(docs)
    fit_s = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] if args.trace_memory else 0
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n_clusters = len(set(clusterer.labels_.tolist()))
    multi = sum(1 for c in clusterer.index_.clusters.values() if len(c.members) > 1)
    print(
        f"batch clustering: {fit_s:.1f} s ({fit_s / base_s:.1f}× baseline), {n_clusters:,} clusters "
        f"({multi:,} with ≥2 messages); peak traced {peak / 2**20:.0f} MiB (0 = not traced), max RSS {rss:.0f} MiB"
    )

    index = clusterer.index_
    new = scaled(base, args.incremental, offset=len(docs) // len(base) + 1)
    lat = []
    for d in new:
        t = time.perf_counter()
        index.add(d)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    print(
        f"incremental add with {len(docs):,} stored: p50 {statistics.median(lat):.1f} ms, "
        f"p95 {lat[int(0.95 * len(lat)) - 1]:.1f} ms, max {lat[-1]:.1f} ms ({len(lat)} messages)"
    )


if __name__ == "__main__":
    main()
