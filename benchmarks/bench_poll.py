"""The analysis worker's idle poll at 100,000 messages: CPU time per poll when there is nothing to do.

Every ``interval`` (2 s) the worker of ``massline serve`` / ``massline worker`` sends due notifications,
indexes the search backlog and looks for messages to analyse (``Worker.run_once``). With everything
indexed and analysed, that poll should cost the same at any archive size. This copies an instance built
by ``bench_search.py --cache DIR`` (100,000 real-length messages, indexed, analysed by the current
pipeline), opens it with the checkout measured (``--root``: migrating it if that checkout's schema is
newer), and times in this process, after a few warm-up polls:

- ``plan_batch``: the pipeline's look-up for work alone;
- ``run_once``: the worker's poll (search backlog + the look-up);
- ``cycle``: ``notify`` + ``run_once``, what the worker thread does every interval;

as CPU time (``time.process_time``: this process only, so other programs on the machine do not count)
per poll, and as the share of one core at the 2 s interval.

    python benchmarks/bench_poll.py [--cache DIR] [--messages 100000] [--root CHECKOUT] [--polls 40]

Without ``--cache`` (or when DIR holds no instance of that size yet) the instance is built first, as
``bench_search.py`` builds it (~3 minutes at 100,000 on 2 cores), and kept in DIR when given.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import ROOT, machine

INTERVAL = 2.0


def timed(polls: int, poll: Callable[[], object]) -> tuple[float, float]:
    """Median CPU and wall milliseconds of ``poll`` over ``polls`` calls (after three warm-up calls)."""
    for _ in range(3):
        poll()
    cpu, wall = [], []
    for _ in range(polls):
        c, w = time.process_time(), time.perf_counter()
        poll()
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    return statistics.median(cpu), statistics.median(wall)


def measure(instance: Path, polls: int) -> None:
    """Open ``instance`` with the massline on ``sys.path`` and print the three figures."""
    from massline.config import Settings
    from massline.platform import Platform
    from massline.services.pipeline import PlacesCache, analysis_context, plan_batch
    from massline.worker import Worker

    platform = Platform(Settings(instance_dir=instance, database_url=f"sqlite:///{instance / 'massline.db'}"))
    platform.migrate()
    worker = Worker(platform)
    places = PlacesCache()

    def plan() -> object:
        with platform.read() as session:
            ctx = analysis_context(session, model_path=platform.settings.classifier_model_path,
                                   threshold=platform.settings.classifier_threshold, places=places)  # fmt: skip
            batch = plan_batch(session, ctx, platform.plugins.steps(), limit=worker.batch_size)
        assert not batch.items, f"not idle: {len(batch.items)} messages to analyse"
        return batch

    def run_once() -> object:
        report = worker.run_once()
        assert report.messages == 0 and report.indexed == 0, "not idle"
        return report

    def cycle() -> object:
        worker.notify()
        return run_once()

    for name, poll in (("plan_batch", plan), ("run_once", run_once), ("cycle", cycle)):
        cpu, wall = timed(polls, poll)
        print(f"  {name:<10} CPU {cpu:7.2f} ms per poll (wall {wall:7.2f} ms); "
              f"{100 * cpu / 1000 / INTERVAL:5.2f} % of a core at one poll per {INTERVAL:.0f} s")  # fmt: skip
    worker.close()
    platform.dispose()


def _build(instance: Path, cache: Path, messages: int) -> None:
    """Build the instance of ``bench_search.py`` (this checkout's code) and keep it in ``cache``."""
    sys.path.insert(0, str(ROOT))  # (here only: the measuring child imports the massline of --root)
    import bench_search
    from common import bench_env

    instance.mkdir()
    url = f"sqlite:///{instance / 'massline.db'}"
    t0 = time.perf_counter()
    bench_search.prepared(instance, url, bench_env(instance, MASSLINE_DATABASE_URL=url),
                          argparse.Namespace(cache=str(cache), messages=messages))  # fmt: skip
    print(f"instance of {messages:,} messages built in {time.perf_counter() - t0:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", help="the --cache DIR of bench_search.py (the instance built there if missing)")
    parser.add_argument("--messages", type=int, default=100_000, help="the instance of DIR to use")
    parser.add_argument("--root", help="the checkout measured (default: this one)")
    parser.add_argument("--polls", type=int, default=40, help="measured polls per figure")
    parser.add_argument("--instance", help=argparse.SUPPRESS)  # the copy, measured by the child process
    args = parser.parse_args()
    if args.instance:
        measure(Path(args.instance), args.polls)
        return
    root = Path(args.root).resolve() if args.root else ROOT
    print(f"machine: {machine()}; load before: {os.getloadavg()[0]:.1f}")
    print(f"idle worker poll at {args.messages:,} messages, checkout {root}")
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        cache = Path(args.cache) if args.cache else instance / "cache"
        source = cache / f"search-{args.messages}"
        if not (source / "words.txt").exists():
            _build(instance / "build", cache, args.messages)
        shutil.copytree(source, instance / "poll", ignore=shutil.ignore_patterns("words.txt"))
        env = {**os.environ, "PYTHONPATH": str(root), "MASSLINE_INSTANCE_DIR": str(instance / "poll")}
        cmd = [sys.executable, __file__, "--polls", str(args.polls), "--instance", str(instance / "poll")]
        subprocess.run(cmd, env=env, check=True, cwd=root)
    print(f"load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
