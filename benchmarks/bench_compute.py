"""CPU per message of the pipeline's pure steps (``compute_batch``: the second process's work), one checkout
against another.

    python benchmarks/bench_compute.py [--against DIR] [--instance DIR | --workdir DIR [--train 3000]]
                                       [--messages 2000] [--one 400] [--rounds 2]

Setup (not measured): ``--instance``, an instance with a category model (``bench_pipeline.py``'s
``<workdir>/instance``), or else a fresh one in ``--workdir`` with the demo deployment and a category
model trained on ``--train`` labelled texts, as ``bench_pipeline.py`` sets it up.

Measured: for this checkout and, alternately, the checkout ``--against`` (each in a process of its own
with that checkout first on ``PYTHONPATH``), the steps and context a worker builds
(``bench_pipeline.Probe``), one batch computed first (the models load), then ``compute_batch`` over the
first ``--messages`` messages of the contest's ``hot_messages.csv`` in batches of 100 and over the next
``--one`` one at a time: CPU time (``time.process_time``) per message, the load average, and a digest of
every step's result, which must be the same for both checkouts (exit status 1 when not).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import bench_pipeline
import common

HOT = common.SHARED_DATA / "hot_messages.csv"


def child(instance: Path, first: int, n: int, size: int) -> dict[str, object]:
    """In the measured process: CPU per message of ``compute_batch`` over ``n`` messages from ``first``."""
    from massline.services.pipeline import Batch, Item, compute_batch, pipeline_version

    with HOT.open(encoding="utf-8", newline="") as handle:
        rows = [r for _, r in zip(range(first + n), csv.DictReader(handle), strict=False)][first:]
    now = datetime(2026, 1, 1, tzinfo=UTC)
    items = [Item(first + i + 1, r["留言主题"], r["留言详情"], now) for i, r in enumerate(rows)]
    probe = bench_pipeline.Probe(instance)
    ctx = dataclasses.replace(probe.ctx, batch={}, state={})
    versions = {s.name: s.current_version(ctx) for s in probe.steps}
    current = pipeline_version(ctx, probe.steps)

    def run(chosen: list[Item]) -> dict[int, dict[str, object]]:
        out: dict[int, dict[str, object]] = {}
        for k in range(0, len(chosen), size):
            chunk = chosen[k : k + size]
            batch = Batch(ctx, probe.steps, versions, current, chunk, True, len(chunk),
                          todo={it.id: list(probe.steps) for it in chunk})  # fmt: skip
            compute_batch(batch)
            out.update(batch.computed)
        return out

    run(items[:100])  # the models load
    started = time.process_time()
    results = run(items)
    cpu = time.process_time() - started
    text = "\n".join(f"{k} {s} {r!r}" for k, v in sorted(results.items()) for s, r in sorted(v.items()))
    return {"ms": 1000 * cpu / max(len(items), 1), "load": os.getloadavg()[0],
            "digest": hashlib.sha256(text.encode()).hexdigest()[:16]}  # fmt: skip


def measure(checkout: Path, instance: Path, first: int, n: int, size: int) -> dict[str, object]:
    """:func:`child` in a process of its own with ``checkout``'s massline."""
    env = {**os.environ, "PYTHONPATH": f"{checkout}{os.pathsep}{Path(__file__).parent}"}
    args = ["--child", "--instance", str(instance), "--first", str(first), "--messages", str(n), "--size", str(size)]
    done = subprocess.run([sys.executable, __file__, *args], env=env, cwd=checkout, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{checkout}: {done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    """Parse the arguments, set up an instance when none is given, run the checkouts alternately."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--against", type=Path, help="another checkout (the baseline), measured alternately")
    parser.add_argument("--instance", type=Path, help="an instance with a category model")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/massline-bench-compute"))
    parser.add_argument("--train", type=int, default=3000, help="labelled texts for a new instance's model")
    parser.add_argument("--messages", type=int, default=2000, help="messages computed in batches of 100")
    parser.add_argument("--one", type=int, default=400, help="messages computed one at a time")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--first", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=100, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.instance, args.first, args.messages, args.size)))
        return
    if not HOT.exists():
        raise SystemExit(f"skipped: {HOT} is absent")
    instance = args.instance or args.workdir / "instance"
    if args.instance is None and not (instance / "models").exists():
        (instance / "models").mkdir(parents=True)
        env = bench_pipeline._env(instance)
        bench_pipeline._run(env, "config", "load", str(bench_pipeline.DEPLOYMENT))
        print(f"category model trained in {bench_pipeline.train_model(args.workdir, env, instance, args.train):.0f} s")
    print(common.machine())
    checkouts = [common.ROOT] if args.against is None else [args.against.resolve(), common.ROOT]
    digests: dict[str, set[object]] = {"100": set(), "1": set()}
    for _ in range(args.rounds):
        for checkout in checkouts:
            for size, first, n in ((100, 0, args.messages), (1, args.messages, args.one)):
                got = measure(checkout, instance, first, n, size)
                digests[str(size)].add(got["digest"])
                print(f"{checkout}: batches of {size:>3}, {n} messages: {got['ms']:.2f} ms CPU a message "
                      f"(load {got['load']:.1f}, results {got['digest']}, {time.strftime('%H:%M:%S')})")  # fmt: skip
    same = all(len(d) == 1 for d in digests.values())
    print("the same results" if same else "RESULTS DIFFER between the checkouts")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
