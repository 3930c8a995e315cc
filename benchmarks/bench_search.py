"""Public board search at 100,000 messages: latency percentiles.

Builds a SQLite database with the demo configuration and N messages (texts
from the demo messages and, when present, ../shared/data/tipdm2020c, with
varied places and numbers), then times public-board searches for common
two- to four-character words, with and without filters, over real HTTP
(uvicorn + httpx), against GET /api/v1/messages/{id} of the same server in
the same run as a baseline.

    python benchmarks/bench_search.py [--messages 100000] [--queries 300]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from common import ROOT, SHARED_DATA, bench_env, machine, massline, server
from sqlalchemy import create_engine, insert, select

from massline.analysis.text import index_terms
from massline.models import Message, MessageSearch, Region
from massline.services.intake import new_secret, new_tracking_code
from massline.services.search import search_text

DEMO = ROOT / "massline" / "data" / "demo"


def corpus() -> list[tuple[str, str]]:
    rows = [json.loads(x) for x in (DEMO / "messages.jsonl").read_text(encoding="utf-8").splitlines()]
    texts = [(r["title"], r["body"]) for r in rows]
    path = SHARED_DATA / "hot_messages.csv"
    if path.exists():
        with path.open(encoding="utf-8", newline="") as f:
            texts += [(r["留言主题"], " ".join(r["留言详情"].split())) for r in csv.DictReader(f)]
    return texts


def build(db: Path, n: int, rng: random.Random) -> list[str]:
    engine = create_engine(f"sqlite:///{db}")
    texts = corpus()
    with engine.begin() as conn:
        regions = conn.execute(select(Region.id)).scalars().all()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    batch: list[dict] = []
    search: list[dict] = []
    with engine.begin() as conn:
        next_id = 1
        for i in range(n):
            title, body = texts[i % len(texts)]
            body = f"{body} 编号{rng.randint(1, 99999)}。"
            now = start + timedelta(minutes=i)
            batch.append(
                {
                    "id": next_id,
                    "tracking_code": new_tracking_code(),
                    "secret_hash": new_secret(),
                    "title": title[:60],
                    "body": body,
                    "kind": rng.choice(["投诉", "求助", "咨询", "建言"]),
                    "region_id": rng.choice(regions),
                    "status": rng.choice(["assigned", "accepted", "replied", "closed"]),
                    "is_public": rng.random() < 0.9,
                    "author_name": "网友",
                    "source": "bench",
                    "support_count": 0,
                    "reopen_count": 0,
                    "escalated": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            search.append({"message_id": next_id, "terms": search_text(title, body)})
            next_id += 1
            if len(batch) == 5000:
                conn.execute(insert(Message.__table__), batch)
                conn.execute(insert(MessageSearch.__table__), search)
                batch, search = [], []
        if batch:
            conn.execute(insert(Message.__table__), batch)
            conn.execute(insert(MessageSearch.__table__), search)
    # query words: frequent bigrams/trigrams of the corpus, not stop-like
    counts: Counter[str] = Counter()
    for title, _ in texts[:3000]:
        counts.update(t for t in index_terms(title) if len(t) == 2)
    return [w for w, _ in counts.most_common(150)]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        env = bench_env(instance)
        massline("config", "load", str(DEMO / "deployment.yaml"), env=env)
        t0 = time.perf_counter()
        words = build(instance / "massline.db", args.messages, rng)
        built = time.perf_counter() - t0
        with server(env) as url, httpx.Client(base_url=url, timeout=30) as client:
            regions = [r["code"] for r in client.get("/api/v1/meta").json()["regions"] if r["depth"] <= 1]
            queries = []
            for i in range(args.queries):
                q = rng.choice(words) if i % 3 else rng.choice(words) + rng.choice(words)[0]
                params = {"q": q}
                if i % 4 == 1:
                    params["region"] = rng.choice(regions)
                if i % 5 == 2:
                    params["kind"] = "投诉"
                if i % 7 == 3:
                    params["page"] = "3"
                queries.append(params)
            for params in queries[:20]:  # warm-up
                client.get("/api/v1/messages", params=params)
            search_ms, totals = [], []
            for params in queries:
                t = time.perf_counter()
                r = client.get("/api/v1/messages", params=params)
                search_ms.append((time.perf_counter() - t) * 1000)
                totals.append(r.json()["total"])
            base_ms = []
            for _ in range(args.queries):
                t = time.perf_counter()
                client.get(f"/api/v1/messages/{rng.randint(1, args.messages)}")
                base_ms.append((time.perf_counter() - t) * 1000)
    print(f"machine: {machine()}")
    print(f"database: {args.messages:,} messages built in {built:.1f} s")
    print(f"queries: {len(search_ms)} (median matches {statistics.median(totals):,.0f}, max {max(totals):,})")
    for name, values in (
        ("search GET /api/v1/messages?q=…", search_ms),
        ("baseline GET /api/v1/messages/{id}", base_ms),
    ):
        print(
            f"{name:38s} p50 {percentile(values, 50):6.1f} ms  p95 {percentile(values, 95):6.1f} ms  "
            f"max {max(values):6.1f} ms"
        )
    print(
        f"ratio p95 search / baseline: {percentile(search_ms, 95) / percentile(base_ms, 95):.1f}  (target p95 < 100 ms)"
    )


if __name__ == "__main__":
    main()
