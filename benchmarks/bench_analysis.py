"""Throughput of the pure analysis components, with a trivial baseline.

Run: ``python benchmarks/bench_analysis.py [--limit N]``

Reads the real messages of /work/shared/data/tipdm2020c (or $MASSLINE_BENCH_DATA)
when present, otherwise synthesises texts.  For each component prints
messages/s, thousand chars/s and the slowdown against ``str.lower`` over the
same texts measured in the same run.  With real data it also prints the
distribution of urgency and sentiment levels and the kind-guess agreement on
messages whose title names their kind (body only is given to the guesser).
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from massline.analysis.classify import assess_urgency, guess_kind, sentiment_intensity  # noqa: E402
from massline.analysis.places import Gazetteer, RegionEntry  # noqa: E402
from massline.analysis.text import Segmenter, index_terms, near_duplicate_groups, redact  # noqa: E402

DATA = Path(os.environ.get("MASSLINE_BENCH_DATA", "/work/shared/data/tipdm2020c"))
GAZETTEER = ROOT / "tests" / "analysis" / "data" / "places_gazetteer.json"
FILES = ("hot_messages.csv", "replied_messages.csv", "messages_labeled.csv")


def load_real() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for name in FILES:
        path = DATA / name
        if path.exists():
            with path.open(encoding="utf-8", newline="") as fh:
                rows.extend(csv.DictReader(fh))
    return rows


def synthesise(n: int) -> list[dict[str, str]]:
    rng = random.Random(0)
    parts = [
        "东城区和平街道阳光花园", "小区门口", "夜间施工噪音扰民", "多次投诉无人管",
        "请问社保怎么办理", "电话13812345678", "楼道里有煤气味", "拖欠农民工工资",
        "建议增设公交线路", "路灯坏了三个月", "，", "。", "！",
    ]  # fmt: skip
    return [{"留言主题": "反映问题", "留言详情": "".join(rng.choice(parts) for _ in range(40))} for _ in range(n)]


def timed(texts: list[str], fn: Callable[[str], object], repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        for text in texts:
            fn(text)
    return (time.perf_counter() - start) / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=3000, help="messages to time")
    args = parser.parse_args()

    rows = load_real()
    source = f"real ({DATA})" if rows else "synthetic"
    if not rows:
        rows = synthesise(args.limit)
    sample = random.Random(1).sample(rows, min(args.limit, len(rows)))
    texts = [r["留言主题"] + "\n" + r["留言详情"] for r in sample]
    chars = sum(map(len, texts))
    print(f"data: {source}; {len(texts)} messages, {chars} chars")

    raw = json.loads(GAZETTEER.read_text(encoding="utf-8"))
    gazetteer = Gazetteer(RegionEntry(**{**e, "aliases": tuple(e["aliases"])}) for e in raw)
    segmenter = Segmenter([e["name"] for e in raw])

    baseline = timed(texts, str.lower, repeat=20)
    components: list[tuple[str, Callable[[str], object]]] = [
        ("segmentation (Segmenter.cut)", segmenter.cut),
        ("search terms (index_terms)", index_terms),
        ("pii (redact)", redact),
        ("urgency (assess_urgency)", assess_urgency),
        ("sentiment (sentiment_intensity)", sentiment_intensity),
        ("kind (guess_kind)", guess_kind),
        ("places (Gazetteer.locate)", gazetteer.locate),
    ]
    print(f"{'component':34} {'msg/s':>9} {'kchar/s':>9} {'x str.lower':>12}")
    print(f"{'baseline str.lower':34} {len(texts) / baseline:9.0f} {chars / baseline / 1e3:9.0f}")
    for name, fn in components:
        seconds = timed(texts, fn)
        row = f"{name:34} {len(texts) / seconds:9.0f} {chars / seconds / 1e3:9.0f}"
        print(f"{row} {seconds / baseline:12.0f}")
    start = time.perf_counter()
    groups = near_duplicate_groups(enumerate(texts), threshold=0.8)
    seconds = time.perf_counter() - start
    row = f"{'dedup (near_duplicate_groups)':34} {len(texts) / seconds:9.0f}"
    print(f"{row} {chars / seconds / 1e3:9.0f} {seconds / baseline:12.0f}")
    print(f"  near-duplicate groups at 0.8: {len(groups)}, messages in them:", end=" ")
    print(sum(map(len, groups)))

    if source == "synthetic":
        return
    all_texts = [r["留言主题"] + "。" + r["留言详情"] for r in rows]
    urgency = collections.Counter(assess_urgency(t).level for t in all_texts)
    sentiment = collections.Counter(sentiment_intensity(t).level for t in all_texts)
    print(f"urgency levels over {len(all_texts)} messages: {dict(urgency)}")
    print(f"sentiment levels: {dict(sentiment)}")

    prefixes = {"咨询": "咨询", "请问": "咨询", "投诉": "投诉", "举报": "举报", "建议": "建言"}
    gold = []
    for r in rows:
        title = r["留言主题"].strip()
        for prefix, kind in prefixes.items():
            if title.startswith(prefix):
                gold.append((kind, r["留言详情"]))
                break
    hits = collections.Counter(kind for kind, body in gold if guess_kind(body).kind == kind)
    totals = collections.Counter(kind for kind, _ in gold)
    agree = sum(hits.values()) / max(1, len(gold))
    per_kind = {k: f"{hits[k]}/{totals[k]}" for k in totals}
    print(f"kind from body vs kind named in title: {agree:.3f} over {len(gold)} {per_kind}")


if __name__ == "__main__":
    main()
