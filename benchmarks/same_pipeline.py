"""Does ``massline pipeline run`` of this checkout store the same results as another checkout's?

    python benchmarks/same_pipeline.py --against DIR [--messages 5000] [--batch 100] [--workdir DIR]
                                       [--instance DIR] [--keep]

Setup (as ``bench_pipeline.py``'s): a fresh instance with the demo deployment, a category model
trained by ``massline classify train`` on ``--train`` labelled texts, and ``--messages`` varied
real-length messages imported (``--instance``: an imported instance to start from instead, e.g.
``bench_pipeline.py``'s ``<workdir>/instance``). Then, each on its own copy of it, the analysis
worker of the checkout ``--against`` and of this one (the one on ``PYTHONPATH``) analyses every
message with the same steps as ``massline pipeline run`` — its second process included — but in
batches of exactly ``--batch`` messages (the command adapts the batch size to the write time, so
where batch boundaries fall, and with them a few borderline assignments, would depend on the
load). Finally every table of the two databases is compared row by row, leaving out the columns
that hold the time of the run (names ending in ``_at``, an issue's heat and its components, which
decay with it) and the issue index's generation token (a random value); prints the tables that
differ with a few of their differing rows, and each run's wall and CPU time (its two processes' sum,
and each one's from the model loading on). Exit status 1 when anything differs.

An issue's description (its title, place, problem, summary, keywords, representatives and described
count) is computed when the issue is refreshed, from its messages and the document frequencies of
that moment; a worker refreshes the issues a backlog touches when it ends (or every
``refresh_every`` seconds), so two checkouts that refresh at other moments store other descriptions
of the same issue. The descriptions are therefore compared apart: as stored (the number of issues
whose description differs is printed, not counted as a difference), then after every issue of both
databases is described again by this checkout from its final state, which must give the same.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import bench_import
import bench_pipeline
import common

#: a run of the worker of the checkout on PYTHONPATH over every pending message, in fixed batches
RUN = """
import resource, sys, time
from massline.platform import Platform
from massline.worker import Worker
platform = Platform()
platform.migrate()
worker = Worker(platform, batch_size=int(sys.argv[1]), write_budget=1e9, parallel=True)
started = time.process_time()
try:
    report = worker.run_once(max_messages=0)
finally:
    worker.close()
child = resource.getrusage(resource.RUSAGE_CHILDREN)
print(report.messages, "messages analysed (storing process %.1f CPU-s, second process %.1f CPU-s)"
      % (time.process_time() - started, child.ru_utime + child.ru_stime))
"""

#: every issue of the database on MASSLINE_INSTANCE_DIR described again from its final state
DESCRIBE = """
from sqlalchemy import select
from massline.models import Issue
from massline.platform import Platform
from massline.services.issues.index import StoredIssueIndex
from massline.services.issues.step import describe
platform = Platform()
with platform.write() as session:
    index = StoredIssueIndex(session)
    for issue in session.scalars(select(Issue).where(Issue.status != "merged", Issue.message_count > 0)):
        describe(session, issue, index=index)
"""

#: columns that hold the time of the run, not a result
TIMED = {"heat", "heat_components"}
#: an issue's columns that hold its description (compared apart: see the module's doc)
DESCRIBED = {"title", "place", "problem", "summary", "keywords", "representatives", "described_count"}
#: site settings that hold a random value, not a result
RANDOM_SETTINGS = {"issue_index_generation"}


def build(work: Path, n: int, train: int) -> Path:
    """A fresh instance in ``work``: demo deployment, a trained category model, ``n`` messages imported."""
    instance = work / "instance"
    (instance / "models").mkdir(parents=True)
    env = bench_pipeline._env(instance)
    bench_pipeline._run(env, "config", "load", str(bench_pipeline.DEPLOYMENT))
    bench_pipeline.train_model(work, env, instance, train)
    data, mapping = work / "messages.csv", work / "bench-mapping.yaml"
    mapping.write_text(bench_import.MAPPING, encoding="utf-8")
    bench_import.make_csv(data, n, seed=29)
    bench_pipeline._run(env, "import", str(data), "--mapping", str(mapping))
    return instance


def run(instance: Path, root: Path, batch: int) -> tuple[float, float]:
    """The worker of checkout ``root`` over ``instance``; returns its wall and CPU seconds (both processes)."""
    env = {**bench_pipeline._env(instance), "PYTHONPATH": str(root)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUN, str(batch)], env=env, cwd=root, capture_output=True, text=True,
                          check=False)  # fmt: skip
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the worker of {root} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(f"{root}: {done.stdout.strip()} in {wall:.1f} s wall, {cpu:.1f} CPU-s")
    return wall, cpu


def describe_again(instance: Path) -> None:
    """Describe every issue of ``instance`` again with this checkout, from its final state."""
    env = {**bench_pipeline._env(instance), "PYTHONPATH": str(common.ROOT)}
    done = subprocess.run([sys.executable, "-c", DESCRIBE], env=env, cwd=common.ROOT, capture_output=True, text=True,
                          check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"describing the issues of {instance} failed:\n{done.stderr[-3000:]}")


def dump(db: Path, descriptions: bool | None = False) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows (sorted), without the columns that hold the time of the run; the issues'
    description columns left out (``descriptions`` False), or only them (True), or kept (None)."""
    con = sqlite3.connect(db)
    out: dict[str, list[tuple[object, ...]]] = {}
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            columns = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
            kept = [c for c in columns if not c.endswith("_at") and c not in TIMED]
            if table == "issues" and descriptions is not None:
                kept = [c for c in kept if (c in DESCRIBED or c == "id") == descriptions]
            elif descriptions:
                continue
            if not kept:
                continue
            names = ", ".join(f'"{c}"' for c in kept)  # (names read from the schema itself)
            rows = con.execute(f'SELECT {names} FROM "{table}"')  # noqa: S608
            found = [tuple(r) for r in rows]
            if table == "site_settings":
                found = [r for r in found if r[kept.index("key")] not in RANDOM_SETTINGS]
            out[table] = sorted(found, key=repr)
    finally:
        con.close()
    return out


def compare(before: Path, after: Path, show: int = 3, descriptions: bool | None = False) -> int:
    """Tables whose rows differ between the two databases (printed); returns how many (``descriptions``:
    as :func:`dump`'s)."""
    a, b = dump(before, descriptions), dump(after, descriptions)
    differ = 0
    for table in sorted(a.keys() | b.keys()):
        rows_a, rows_b = a.get(table, []), b.get(table, [])
        if rows_a == rows_b:
            continue
        differ += 1
        only_a = sorted(set(rows_a) - set(rows_b), key=repr)
        only_b = sorted(set(rows_b) - set(rows_a), key=repr)
        print(f"{table}: {len(rows_a)} rows against {len(rows_b)}; {len(only_a)} only in the baseline's, "
              f"{len(only_b)} only in this one's")  # fmt: skip
        for row in only_a[:show]:
            print(f"  - {str(row)[:300]}")
        for row in only_b[:show]:
            print(f"  + {str(row)[:300]}")
    return differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, required=True, help="the other checkout (e.g. a git worktree)")
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--train", type=int, default=3000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/massline-same-pipeline"))
    parser.add_argument("--instance", type=Path, help="an imported instance to start from (copied, not changed)")
    parser.add_argument("--keep", action="store_true", help="keep the two analysed instances")
    args = parser.parse_args()
    work: Path = args.workdir
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    base = args.instance or build(work, args.messages, args.train)
    copies = []
    for label, root in (("baseline", args.against.resolve()), ("this", common.ROOT)):
        copy = work / f"instance-{label}"
        shutil.copytree(base, copy, ignore=shutil.ignore_patterns("*.writelock*"))
        run(copy, root, args.batch)
        copies.append(copy / "massline.db")
    differ = compare(*copies)
    print("the same results (the issues' descriptions apart)" if not differ else f"{differ} tables differ")
    stored = dump(copies[0], True).get("issues", []), dump(copies[1], True).get("issues", [])
    print(f"descriptions as stored: {len(set(stored[0]) - set(stored[1]))} of {len(stored[0])} issues differ "
          "(described at other moments); described again from the final state by this checkout:")  # fmt: skip
    for copy in copies:
        describe_again(copy.parent)
    described = compare(*copies, descriptions=True)
    print("the same descriptions" if not described else "the descriptions differ")
    differ += described
    if not args.keep:
        for copy in copies:
            shutil.rmtree(copy.parent, ignore_errors=True)
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
