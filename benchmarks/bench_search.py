"""Public board search at 100,000 messages: latency with several concurrent clients, two index states.

Builds a SQLite database (or, with ``--database-url``, a PostgreSQL one) with the demo configuration
and N messages of real length (``texts.py``: real board messages with sentences mixed within a category,
demo places, numbers and dates varied), then serves it with ``massline serve`` and times public-board
searches (``GET /api/v1/messages?q=…`` for frequent two-character words and word pairs, a quarter with a
region filter, some with a kind filter or a later page) from ``--clients`` threads at once, each with its
own httpx client over real HTTP. Warm-up queries use other words than the measured ones, and no measured
query repeats. Each state is compared with a baseline measured by the same clients on the same server just
after it: ``GET /api/v1/messages/{id}`` of public messages. Each also gets the server processes' CPU time
per request (user + system, from ``/proc``; not the analysis worker's): on a shared machine it moves less
than latency; and the time the server's processes waited for a CPU while ready to run, per search
(``/proc/PID/schedstat``): what the analysis worker (or any other program) costs the searches on a busy
machine.

States, one server each, one after the other:

1. **backlog, worker off**: the newest ``--pending`` share of the messages (default 10 %) are still
   ``search_pending`` (stored, not yet in the search index), as right after a burst of submissions or an
   import without ``--index-now``; a search then also matches them by substring (``services/search/query.py``).
   The worker is off here because it would index them within seconds: this is a server's state until it has.
2. **indexed, worker on** (``massline serve`` as users run it): the server's worker (a process of its own)
   first indexes the backlog (the benchmark waits for it), then runs beside the searches: every 2 s it polls
   for messages to index or analyse and runs its periodic alert scan. The built messages are marked as
   analysed by the current pipeline (analysis rows without results), as on a server in steady state.
3. **indexed, worker off**: the same database, for the worker's cost.
4. **indexed, worker analysing** (after an import): the newest ``--analysing`` messages (default 5,000)
   lose their analysis rows, so the worker runs the whole pipeline on them, in its two processes, while
   the searches run (it does not finish them meanwhile); the benchmark waits until it has stored a first batch.
   This is where the worker's lower scheduling priority (``worker_nice``) counts.

    python benchmarks/bench_search.py [--messages 100000] [--queries 300] [--clients 4] [--pending 0.1]
        [--cache DIR] [--root CHECKOUT] [--database-url URL]
    scripts/with-postgres.sh sh -c 'python benchmarks/bench_search.py --database-url "$MASSLINE_TEST_DATABASE_URL"'

``--cache DIR`` keeps the built instance (before the backlog is made) in ``DIR`` and reuses it for the same
``--messages``: alternating runs (``--root`` another checkout, served on the same data) skip the ~70 s build.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import texts
from common import ROOT, bench_env, machine, massline, server
from sqlalchemy import create_engine, delete, func, insert, select, update
from sqlalchemy.orm import Session

from massline.analysis.text import index_terms
from massline.config import Settings
from massline.db import refresh_statistics
from massline.models import Message, MessageAnalysis, MessageSearch, Region
from massline.platform import Platform
from massline.services.intake import new_secret, new_tracking_code
from massline.services.pipeline import PlacesCache, analysis_context, pipeline_version
from massline.services.search import search_text

DEMO = ROOT / "massline" / "data" / "demo"
TARGET_P95_MS = 100


def build(url: str, n: int, rng: random.Random, seed: int = 7) -> list[str]:
    """Store ``n`` indexed messages (texts.py) with bulk Core inserts; returns frequent two-character title words."""
    engine = create_engine(url)
    with engine.begin() as conn:
        region_ids = dict(conn.execute(select(Region.code, Region.id)).all())
    start = datetime(2026, 1, 1, tzinfo=UTC)
    batch: list[dict] = []
    search: list[dict] = []
    counts: Counter[str] = Counter()
    with engine.begin() as conn:
        for i, m in enumerate(texts.messages(n, seed=seed), start=1):
            now = start + timedelta(minutes=i)
            batch.append(
                {
                    "id": i,
                    "tracking_code": new_tracking_code(),
                    "secret_hash": new_secret(),
                    "title": m.title,
                    "body": m.body,
                    "kind": m.kind,
                    "region_id": region_ids.get(m.region),
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
            search.append({"message_id": i, "terms": search_text(m.title, m.body)})
            if i <= 5000:
                counts.update(t for t in index_terms(m.title) if len(t) == 2)
            if len(batch) == 5000:
                conn.execute(insert(Message.__table__), batch)
                conn.execute(insert(MessageSearch.__table__), search)
                batch, search = [], []
        if batch:
            conn.execute(insert(Message.__table__), batch)
            conn.execute(insert(MessageSearch.__table__), search)
    engine.dispose()
    return [w for w, _ in counts.most_common(400)]


def make_pending(url: str, n: int, share: float) -> int:
    """The newest ``share`` of the messages out of the search index again, then refreshed as an import does."""
    first = n - int(n * share) + 1
    engine = create_engine(url)
    with Session(engine) as session:
        with session.begin():
            session.execute(delete(MessageSearch).where(MessageSearch.message_id >= first))
            session.execute(update(Message).where(Message.id >= first).values(search_pending=True))
            pending = session.scalar(select(func.count()).select_from(Message).where(Message.search_pending)) or 0
        refresh_statistics(session, Message.__table__)  # type: ignore[arg-type]  (once committed)
    engine.dispose()
    return int(pending)


def mark_analysed(instance: Path, url: str) -> str:
    """Analysis rows with the current pipeline's versions (no results) for every message: no analysis backlog."""
    settings = Settings(instance_dir=instance, database_url=url)
    platform = Platform(settings)
    with platform.write() as session:
        ctx = analysis_context(session, model_path=settings.classifier_model_path,
                               threshold=settings.classifier_threshold, places=PlacesCache())  # fmt: skip
        steps = platform.plugins.steps()
        current = pipeline_version(ctx, steps)
        versions = {s.name: s.current_version(ctx) for s in steps}
        ids = list(session.scalars(select(Message.id)))
        now = datetime.now(UTC)
        for k in range(0, len(ids), 5000):
            rows = [{"message_id": i, "pipeline_version": current, "versions": versions, "evidence": {},
                     "analysed_at": now} for i in ids[k : k + 5000]]  # fmt: skip
            session.execute(insert(MessageAnalysis.__table__), rows)
        session.execute(update(Message).values(analysis_pending=False))
    platform.dispose()
    return current


def make_unanalysed(url: str, n: int, count: int) -> None:
    """Delete the analysis rows of the newest ``count`` messages: the worker's backlog after an import."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(delete(MessageAnalysis).where(MessageAnalysis.message_id > n - count))
        conn.execute(update(Message).where(Message.id > n - count).values(analysis_pending=True))
    engine.dispose()


def analysed_count(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        done = conn.scalar(select(func.count()).select_from(MessageAnalysis)) or 0
    engine.dispose()
    return int(done)


def pending_count(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        pending = conn.scalar(select(func.count()).select_from(Message).where(Message.search_pending)) or 0
    engine.dispose()
    return int(pending)


def prepared(instance: Path, url: str, env: dict[str, str], args: argparse.Namespace) -> list[str]:
    """Build the instance (or copy it from ``args.cache`` when built there before); the frequent title words."""
    cache = Path(args.cache) / f"search-{args.messages}" if args.cache else None
    if cache is not None and (cache / "words.txt").exists():
        shutil.copytree(cache, instance, dirs_exist_ok=True, ignore=shutil.ignore_patterns("words.txt"))
        return (cache / "words.txt").read_text(encoding="utf-8").split()
    massline("config", "load", str(DEMO / "deployment.yaml"), env=env)
    words = build(url, args.messages, random.Random(7))
    mark_analysed(instance, url)
    if cache is not None:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.copytree(instance, cache)
        (cache / "words.txt").write_text(" ".join(words), encoding="utf-8")
    return words


def queries_for(words: list[str], count: int, regions: list[str], rng: random.Random) -> list[dict[str, str]]:
    """``count`` distinct query parameter sets from ``words``."""
    seen: set[tuple[tuple[str, str], ...]] = set()
    out: list[dict[str, str]] = []
    for i in range(count * 50):
        q = rng.choice(words) if i % 3 else rng.choice(words) + rng.choice(words)[0]
        params = {"q": q}
        if i % 4 == 1:
            params["region"] = rng.choice(regions)
        if i % 5 == 2:
            params["kind"] = "投诉"
        if i % 7 == 3:
            params["page"] = "3"
        key = tuple(sorted(params.items()))
        if key not in seen:
            seen.add(key)
            out.append(params)
        if len(out) == count:
            break
    return out


def concurrent(url: str, requests: list[tuple[str, dict[str, str]]], clients: int) -> dict[str, object]:
    """Send ``requests`` (path, params) from ``clients`` threads (one httpx client each); latencies and totals."""
    lock = threading.Lock()
    pending = list(reversed(requests))
    latencies: list[float] = []
    totals: list[int] = []
    bad = more = 0

    def run() -> None:
        nonlocal bad, more
        with httpx.Client(base_url=url, timeout=60) as client:
            while True:
                with lock:
                    if not pending:
                        return
                    path, params = pending.pop()
                t = time.perf_counter()
                r = client.get(path, params=params)
                ms = (time.perf_counter() - t) * 1000
                with lock:
                    latencies.append(ms)
                    if r.status_code != 200:
                        bad += 1
                    elif "total" in (body := r.json()):
                        totals.append(int(body["total"]))
                        more += not body.get("total_exact", True)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return {"ms": latencies, "totals": totals, "more": more, "bad": bad, "rate": len(latencies) / wall}


def server_cpu(url: str) -> tuple[float, float]:
    """CPU seconds (user + system) used so far by the server listening on ``url``'s port: its process and
    its uvicorn worker processes (``--workers``), not the analysis worker it starts; and the seconds they
    waited for a CPU while ready to run (``/proc/PID/schedstat``: what the worker or other programs cost)."""
    port = url.rsplit(":", 1)[1]
    procs: dict[int, tuple[int, float, float, list[bytes]]] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            waited = int((proc / "schedstat").read_text().split()[1]) / 1e9
        except (OSError, IndexError):
            continue
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        procs[int(proc.name)] = (int(fields[1]), cpu, waited, args)
    main = [pid for pid, (_, _, _, args) in procs.items() if b"serve" in args and port.encode() in args]
    if not main:
        return float("nan"), float("nan")
    total = wait = 0.0
    todo = [main[0]]
    while todo:
        pid = todo.pop()
        total += procs[pid][1]
        wait += procs[pid][2]
        todo += [c for c, (ppid, _, _, args) in procs.items() if ppid == pid and b"worker" not in args]
    return total, wait


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def line(name: str, r: dict[str, object]) -> str:
    ms: list[float] = r["ms"]  # type: ignore[assignment]
    return (
        f"  {name:36s} p50 {percentile(ms, 50):6.1f}  p95 {percentile(ms, 95):6.1f}  p99 {percentile(ms, 99):6.1f}  "
        f"max {max(ms):6.1f} ms  {r['rate']:6.1f} req/s  non-200 {r['bad']}"
    )


def measure_state(
    url: str, args: argparse.Namespace, warm: list[dict[str, str]], measured: list[dict[str, str]],
    public_ids: list[int], rng: random.Random,
) -> list[str]:  # fmt: skip
    """Warm up, then the searches and the baseline from ``args.clients`` clients; the report lines."""
    concurrent(url, [("/api/v1/messages", p) for p in warm], args.clients)
    cpu, wait = server_cpu(url)
    search = concurrent(url, [("/api/v1/messages", p) for p in measured], args.clients)
    after, waited = server_cpu(url)
    search_cpu, search_wait = (after - cpu) / len(measured) * 1000, (waited - wait) / len(measured) * 1000
    ids = rng.sample(public_ids, min(len(public_ids), len(measured)))
    cpu, _ = server_cpu(url)
    base = concurrent(url, [(f"/api/v1/messages/{i}", {}) for i in ids], args.clients)
    base_cpu = (server_cpu(url)[0] - cpu) / len(ids) * 1000
    totals: list[int] = search["totals"]  # type: ignore[assignment]
    ms: list[float] = search["ms"]  # type: ignore[assignment]
    base_ms: list[float] = base["ms"]  # type: ignore[assignment]
    p95 = percentile(ms, 95)
    return [
        line("search GET /api/v1/messages?q=…", search),
        line("baseline GET /api/v1/messages/{id}", base),
        f"  matches per query (as counted): median {statistics.median(totals or [0]):,.0f}, max {max(totals or [0]):,}"
        f", sum {sum(totals):,}"
        f" ({search['more']} of {len(totals)} queries: more than counted); "
        f"p95 ratio search / baseline {p95 / percentile(base_ms, 95):.1f}; server CPU per request: search "
        f"{search_cpu:.1f} ms, baseline {base_cpu:.1f} ms (ratio {search_cpu / base_cpu:.1f}); "
        f"server waiting for a CPU per search {search_wait:.1f} ms; "
        f"target p95 < {TARGET_P95_MS} ms: {'met' if p95 < TARGET_P95_MS else 'NOT met'}; "
        f"load {os.getloadavg()[0]:.1f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300, help="measured searches per state")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (threads)")
    parser.add_argument("--pending", type=float, default=0.1, help="share of messages not yet indexed (state 1)")
    parser.add_argument("--cache", help="directory keeping the built instance between runs")
    parser.add_argument("--root", help="the checkout whose server is measured (default: this one)")
    parser.add_argument("--database-url", help="an empty PostgreSQL database to build in (default: SQLite)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes of massline serve")
    parser.add_argument("--analysing", type=int, default=5000,
                        help="messages left to analyse in state 4 (0: no state 4)")  # fmt: skip
    args = parser.parse_args()
    if args.database_url and args.cache:
        parser.error("--cache keeps a SQLite instance: not with --database-url")
    rng = random.Random(7)
    print(f"machine: {machine()}; load before: {os.getloadavg()[0]:.1f}")
    print(f"texts: {texts.source()}")
    root = Path(args.root).resolve() if args.root else ROOT
    print(f"served by: {root}, massline serve --workers {args.workers}")
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        db = instance / "massline.db"
        db_url = args.database_url or f"sqlite:///{db}"
        env = bench_env(instance, MASSLINE_DATABASE_URL=db_url)
        t0 = time.perf_counter()
        words = prepared(instance, db_url, env, args)
        pending = make_pending(db_url, args.messages, args.pending)
        print(f"database: {args.messages:,} messages ready in {time.perf_counter() - t0:.1f} s")
        engine = create_engine(db_url)
        with engine.connect() as conn:
            public_ids = list(conn.scalars(select(Message.id).where(Message.is_public)))
            regions = list(conn.scalars(select(Region.code).where(Region.level.in_(["city", "district", "county"]))))
        engine.dispose()
        warm_words, measured_words = words[::8], [w for i, w in enumerate(words) if i % 8]
        print(f"{args.clients} concurrent clients; {args.queries} distinct measured searches per state "
              f"(warm-up: {len(warm_words)} other words)")  # fmt: skip
        states = [
            (f"1. backlog ({pending:,} messages search_pending), worker off", False),
            ("2. indexed, worker on (as users run it)", True),
            ("3. indexed, worker off", False),
        ]
        if args.analysing:
            states.append((f"4. indexed, worker analysing {args.analysing:,} messages", True))
        warm = queries_for(warm_words, 30, regions, rng)
        measured = queries_for(measured_words, args.queries, regions, rng)  # the same in every state
        for name, worker in states:
            if name.startswith("4."):
                make_unanalysed(db_url, args.messages, args.analysing)
            before = analysed_count(db_url)
            with server(env, args.workers, worker=worker, root=root) as url:
                if name.startswith("4."):
                    t0 = time.perf_counter()
                    while analysed_count(db_url) == before and time.perf_counter() - t0 < 120:
                        time.sleep(0.5)
                    name += f" (the first batch stored {time.perf_counter() - t0:.1f} s after start-up)"
                elif worker:
                    t0 = time.perf_counter()
                    while (left := pending_count(db_url)) and time.perf_counter() - t0 < 600:
                        time.sleep(0.5)
                    name += f"; backlog indexed by the worker (waited {time.perf_counter() - t0:.1f} s after start-up)"
                    if left:
                        name += f" ({left:,} still pending)"
                print(name, flush=True)
                before = analysed_count(db_url)
                print("\n".join(measure_state(url, args, warm, measured, public_ids, rng)), flush=True)
                if name.startswith("4."):
                    print(f"  the worker analysed {analysed_count(db_url) - before:,} messages meanwhile")


if __name__ == "__main__":
    main()
