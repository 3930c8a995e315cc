"""Benchmark of the whole path a user sees: import → searchable → fully analysed → in an issue.

    python benchmarks/bench_pipeline.py [--messages 100000] [[--cli] [--against DIR [--rounds N]] | --both]
                                        [--workdir DIR] [--train 3000] [--timeout 10800]

The massline it runs is the one on ``PYTHONPATH`` (this checkout by default).

Setup (not measured): a fresh instance in ``--workdir`` with the demo deployment
(``massline config load``) and a category model trained by ``massline classify
train`` on ``--train`` labelled messages of ``texts.py`` (written where the
settings expect it, ``instance/models/category.joblib``, so the classify step
really runs; its time is printed apart), and a CSV of ``--messages`` varied
real-length messages (``texts.py`` with another seed; the CSV and mapping of
``bench_import.py``).

Measured, from the start of ``massline import FILE --mapping ...`` (without
``--index-now``): the import's own wall time, then the moment every imported
message is (a) searchable (``search_pending`` false), (b) analysed by every
registered step at its current version (``analysis_progress`` with the steps and
context a worker builds: pending == 0) and (c) in an issue (``issue_id`` set),
found by polling the database read-only every ``--poll`` seconds (so each time is
±1 poll); a progress line every ~10 s; messages/s for each; ``--timeout``
stops with the partial figures. Two ways to run it:

* default: ``massline serve`` with its analysis worker (the default of serve) runs
  during the import and does the indexing and analysis — how users run it;
* ``--cli``: ``massline pipeline run`` after the import — the administrator's bulk
  path after importing a history;
* ``--both``: one import, then each way on its own copy of the imported instance
  (times still count from the import's start: the import's time + the stage's);
* ``[--cli] --against DIR``: one import, then ``massline serve`` with its worker (with ``--cli``:
  ``massline pipeline run``) of the checkout ``DIR`` (the baseline, e.g. a worktree of an earlier
  commit) and of this one, alternately (``--rounds``), each on its own copy; prints this one's
  ratios to the baseline.

Each command's CPU time (user + system, its second process included) is printed beside its wall
time: on a machine others share, CPU seconds move less than wall seconds. For ``massline serve``
it is the CPU time of the server and of every process it started (its worker and the worker's
second process), read from ``/proc`` at each poll until the last state is reached.

Baselines of the same run, printed as ratios: a plain ``csv`` read of the file,
and the pure steps (``compute_batch``: classify, kind, urgency, sentiment, place,
the duplicates' and issues' prepare hooks) computed without a database on
``--pure`` of the texts. Prints the machine, date and load average before and after.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import os
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import bench_import
import common
import texts
from process_cpu import TreeCPU, children_cpu

ROOT = common.ROOT
DEPLOYMENT = ROOT / "massline" / "data" / "demo" / "deployment.yaml"
STATES = ("searchable", "analysed", "in an issue")


def _cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "massline.cli", *args]


def _env(instance: Path) -> dict[str, str]:
    env = common.bench_env(instance, MASSLINE_DATABASE_URL="", MASSLINE_CLASSIFIER_MODEL="")
    env["PYTHONPATH"] = str(ROOT)
    return env


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(_cmd(*args), env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"massline {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def train_model(work: Path, env: dict[str, str], instance: Path, n: int) -> float:
    """Train the category model on ``n`` labelled texts (seed 101) into the instance; returns seconds."""
    data = work / "train.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["标题", "内容", "领域"])
        for m in texts.messages(n, seed=101):
            writer.writerow([m.title, m.body, m.category])
    started = time.perf_counter()
    _run(env, "classify", "train", "--data", str(data), "--model", str(instance / "models" / "category.joblib"))
    return time.perf_counter() - started


class Probe:
    """Read-only counts of one instance, with the steps and context a worker builds."""

    def __init__(self, instance: Path) -> None:
        from massline.config import Settings
        from massline.platform import Platform
        from massline.services.alerts import AlertParams
        from massline.services.pipeline import analysis_context

        s = Settings(instance_dir=instance, database_url="", classifier_model=None)
        self.platform = Platform(s)
        self.steps = self.platform.plugins.steps()
        with self.platform.read() as session:
            self.ctx = analysis_context(session, model_path=s.classifier_model_path, threshold=s.classifier_threshold,
                                        alert_params=AlertParams.from_settings(s))  # fmt: skip
        if self.ctx.classifier is None:
            raise SystemExit(f"no category model: {self.ctx.classifier_problem}")

    def counts(self) -> tuple[int, int, int, int]:
        """Messages, analysed with every step's current version, waiting for search, in no issue."""
        from sqlalchemy import func, select

        from massline.models import Message
        from massline.services.pipeline import analysis_progress

        with self.platform.read() as session:
            p = analysis_progress(session, self.ctx, self.steps)
            loose = session.scalar(select(func.count()).select_from(Message).where(Message.issue_id.is_(None))) or 0
        return p.messages, p.analysed, p.search_pending, int(loose)

    def close(self) -> None:
        self.platform.dispose()


@dataclass
class Timeline:
    """Seconds from the import's start at which each state was reached."""

    label: str
    import_s: float = 0.0
    stage_s: dict[str, float] = field(default_factory=dict)  # each command's own wall time
    stage_cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds of each command and its children
    reached: dict[str, float] = field(default_factory=dict)
    last: tuple[int, int, int, int] = (0, 0, 0, 0)
    problem: str = ""


def follow(tl: Timeline, probe: Probe, expected: int, commands: list[tuple[str, list[str]]], env: dict[str, str],
           offset: float, args: argparse.Namespace, *, wait: bool = True, cwd: Path = ROOT,
           served: TreeCPU | None = None) -> Timeline:  # fmt: skip
    """Run ``commands`` one after the other while polling ``probe`` until every state is reached
    (or, unless ``wait``, until the commands are done).

    Times count from ``offset`` seconds before now (the import's start); the commands run in ``cwd``
    (``python -m`` imports the massline of its working directory first). ``served``: the CPU time of
    a running ``massline serve`` and its processes, read at each poll (``stage_cpu["massline serve"]``)."""
    t0 = time.perf_counter() - offset
    queue = list(commands)
    proc: subprocess.Popen[str] | None = None
    name, started, next_poll, next_line, analysed_at, cpu = "", 0.0, 0.0, 10.0, None, 0.0
    stored = offset > 0  # every message is stored once the import is over
    while True:
        now = time.perf_counter() - t0
        if proc is None and queue:
            name, cmd = queue.pop(0)
            started, cpu = now, children_cpu()
            proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            tl.stage_s[name] = now - started
            tl.stage_cpu[name] = children_cpu() - cpu  # (the commands run one at a time)
            if name == "import":
                tl.import_s, stored = now, True
            for line in out.strip().splitlines():
                if line.strip() and not line.startswith("analysing"):  # not the progress bar
                    print(f"  [{tl.label}] {line}", flush=True)
            if proc.returncode != 0:
                tl.problem = f"{name} failed ({proc.returncode}): {err[-2000:]}"
                return tl
            proc = None
            if not wait and not queue:
                return tl
            continue
        if now >= next_poll:
            next_poll = now + args.poll
            tl.last = messages, analysed, search_pending, loose = probe.counts()
            if served is not None:
                served.sample()
                tl.stage_cpu["massline serve"] = served.total()
            if stored and messages >= expected:
                done = {"searchable": search_pending == 0, "analysed": analysed == messages, "in an issue": loose == 0}
                for state, ok in done.items():
                    if ok and state not in tl.reached:
                        tl.reached[state] = now
                if done["analysed"] and analysed_at is None:
                    analysed_at = now
            if len(tl.reached) == len(STATES) and proc is None and not queue:
                return tl
            if analysed_at is not None and now - analysed_at > 10 and proc is None and not queue:
                tl.problem = f"{loose:,} analysed messages in no issue 10 s after the analysis ended"
                return tl
            if now >= next_line:
                next_line = now + args.progress_every
                print(f"  [{tl.label}] {now:7.0f} s: stored {messages:,}/{expected:,}, analysed {analysed:,}, "
                      f"waiting for search {search_pending:,}, in no issue {loose:,}", flush=True)  # fmt: skip
        if now > args.timeout:
            tl.problem = f"timeout after {args.timeout:.0f} s"
            if proc is not None:
                proc.terminate()
                proc.wait()
            return tl
        time.sleep(0.1)


def report(tl: Timeline, n: int, read_per_row: float, pure_rate: float) -> None:
    print(f"\n{tl.label}:")
    print(f"  import (massline import, own wall time): {tl.import_s:.1f} s ({n / tl.import_s:,.0f} messages/s)")
    for name, seconds in tl.stage_s.items():
        if name != "import":
            cpu = tl.stage_cpu.get(name, 0.0)
            print(f"  {name} (own wall time): {seconds:.1f} s ({n / seconds:,.0f} messages/s); CPU {cpu:.1f} s in all "
                  f"its processes ({n / cpu if cpu else 0:,.0f} messages per CPU-second)")  # fmt: skip
    if "massline serve" in tl.stage_cpu:
        cpu = tl.stage_cpu["massline serve"]
        print(f"  massline serve: CPU {cpu:.1f} s in all its processes until the end ({n / cpu if cpu else 0:,.0f} "
              "messages per CPU-second)")  # fmt: skip
    for state in STATES:
        if state in tl.reached:
            t = tl.reached[state]
            print(f"  {state:<12} all {n:,} at {t:7.1f} s after the import's start ({n / t:,.0f} messages/s)")
        else:
            print(f"  {state:<12} NOT reached (last counts: {tl.last[0]:,} stored, {tl.last[1]:,} analysed, "
                  f"{tl.last[2]:,} waiting for search, {tl.last[3]:,} in no issue)")  # fmt: skip
    if len(tl.reached) == len(STATES):
        end = max(tl.reached.values())
        print(f"  end to end: {end:.1f} s, {n / end:,.0f} messages/s; {end / (read_per_row * n):,.0f}x the plain read "
              f"of the file; {pure_rate / (n / end):.1f}x slower than the pure steps alone")  # fmt: skip
    if tl.problem:
        print(f"  PROBLEM: {tl.problem}")


def pure_rate(probe: Probe, data: Path, n: int) -> float:
    """Messages/s of the pure steps (``compute_batch``, no database) on the first ``n`` texts of ``data``."""
    from massline.services.pipeline import Batch, Item, compute_batch, pipeline_version

    with data.open(encoding="utf-8", newline="") as handle:
        rows = [r for _, r in zip(range(n), csv.DictReader(handle), strict=False)]
    now = datetime.now(UTC)
    items = [Item(i + 1, r["标题"], r["内容"], now) for i, r in enumerate(rows)]
    ctx = dataclasses.replace(probe.ctx, batch={}, state={})
    versions = {s.name: s.current_version(ctx) for s in probe.steps}
    batch = Batch(ctx, probe.steps, versions, pipeline_version(ctx, probe.steps), items, True, len(items),
                  todo={item.id: list(probe.steps) for item in items})  # fmt: skip
    started = time.perf_counter()
    compute_batch(batch)
    return len(items) / (time.perf_counter() - started)


def against(args: argparse.Namespace, base: Path, probe: Probe, n: int, do_import: tuple[str, list[str]],
            env: dict[str, str]) -> list[Timeline]:  # fmt: skip
    """One import, then ``pipeline run`` (``--cli``; else ``massline serve`` with its worker) of the
    checkout ``--against`` and of this one, alternately (``--rounds`` pairs), each on its own copy of
    the imported instance."""
    tl = follow(Timeline("import (no worker)"), probe, n, [do_import], env, 0.0, args, wait=False)
    if tl.problem:
        raise SystemExit(tl.problem)
    probe.close()  # no connection open while the instance is copied
    out = []
    for round_ in range(args.rounds):
        for label, root in (("baseline", args.against.resolve()), ("this checkout", ROOT)):
            instance = base.parent / f"instance-{label.replace(' ', '-')}"
            shutil.rmtree(instance, ignore_errors=True)
            shutil.copytree(base, instance)
            stage_env, stage_probe = {**_env(instance), "PYTHONPATH": str(root)}, Probe(instance)
            way = "massline pipeline run" if args.cli else "massline serve with its worker"
            result = Timeline(f"{way} of the {label} ({root}), round {round_ + 1}", import_s=tl.import_s)
            result.stage_s["import"] = tl.import_s
            with ExitStack() as stack:
                commands = [("pipeline run", _cmd("pipeline", "run"))] if args.cli else []
                if not args.cli:
                    stack.enter_context(common.server(stage_env, worker=True, root=root))
                out.append(follow(result, stage_probe, n, commands, stage_env, tl.import_s, args, cwd=root,
                                  served=None if args.cli else TreeCPU()))  # fmt: skip
            stage_probe.close()
            shutil.rmtree(instance, ignore_errors=True)
    return out


def ratios(timelines: list[Timeline], n: int) -> None:
    """This checkout's ``pipeline run`` (or serve's worker: end to end) against the baseline's: wall time
    and CPU time, round by round."""
    print()
    for before, after in zip(timelines[::2], timelines[1::2], strict=False):
        if "pipeline run" in after.stage_s:
            wall = before.stage_s["pipeline run"] / after.stage_s["pipeline run"]
            cpu = before.stage_cpu["pipeline run"] / after.stage_cpu["pipeline run"]
        else:
            wall = max(before.reached.values(), default=0) / max(after.reached.values(), default=1)
            cpu = before.stage_cpu.get("massline serve", 0) / (after.stage_cpu.get("massline serve") or 1)
        print(f"{after.label}: {wall:.2f}x the baseline's messages/s (wall), {cpu:.2f}x its messages per CPU-second")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/massline-bench-pipeline"))
    way = parser.add_mutually_exclusive_group()
    way.add_argument("--cli", action="store_true", help="massline pipeline run after the import (no worker)")
    way.add_argument("--both", action="store_true", help="the worker and --cli, each on a copy of one import")
    parser.add_argument("--against", type=Path, help="with --cli: `pipeline run` of this other checkout (a baseline) "
                        "and of this one, alternately, on copies of one import; prints the ratios")
    parser.add_argument("--rounds", type=int, default=1, help="with --against: pairs of runs")
    parser.add_argument("--train", type=int, default=3000, help="labelled messages the category model learns from")
    parser.add_argument("--pure", type=int, default=1000, help="texts for the pure-steps baseline")
    parser.add_argument("--poll", type=float, default=1.0, help="seconds between database polls")
    parser.add_argument("--progress-every", type=float, default=10.0, help="seconds between progress lines")
    parser.add_argument("--timeout", type=float, default=3 * 3600.0, help="give up after this many seconds")
    args = parser.parse_args()
    n = args.messages
    print(f"machine: {common.machine()}; load average {os.getloadavg()[0]:.2f} before")
    work: Path = args.workdir
    shutil.rmtree(work, ignore_errors=True)
    base = work / "instance"
    (base / "models").mkdir(parents=True)
    env = _env(base)
    _run(env, "config", "load", str(DEPLOYMENT))
    print(f"category model trained on {args.train:,} messages in {train_model(work, env, base, args.train):.1f} s "
          "(setup, not measured)")  # fmt: skip
    data, mapping = work / "messages.csv", work / "bench-mapping.yaml"
    mapping.write_text(bench_import.MAPPING, encoding="utf-8")
    bench_import.make_csv(data, n, seed=29)
    rows, read_s = bench_import.plain_read(data)
    probe = Probe(base)
    rate = pure_rate(probe, data, min(args.pure, n))
    print(
        f"baseline: plain csv read {rows:,} rows in {read_s:.2f} s ({rows / read_s:,.0f} rows/s); "
        f"pure steps (compute_batch, no database) {rate:,.0f} messages/s on {min(args.pure, n):,} texts"
    )
    read_per_row = read_s / rows
    do_import = ("import", _cmd("import", str(data), "--mapping", str(mapping)))
    do_pipeline = ("pipeline run", _cmd("pipeline", "run"))
    timelines: list[Timeline] = []
    if args.both:
        tl = follow(Timeline("import (no worker)"), probe, n, [do_import], env, 0.0, args, wait=False)
        if tl.problem:
            raise SystemExit(tl.problem)
        probe.close()  # no connection open while the instance is copied
        for label in ("worker", "cli"):
            shutil.copytree(base, work / f"instance-{label}")
        for label in ("worker", "cli"):
            instance = work / f"instance-{label}"
            stage_env, stage_probe = _env(instance), Probe(instance)
            with ExitStack() as stack:
                commands = [do_pipeline] if label == "cli" else []
                if label == "worker":
                    started = time.perf_counter()
                    stack.enter_context(common.server(stage_env, worker=True))
                    print(f"  [worker] massline serve started in {time.perf_counter() - started:.1f} s (not counted)")
                title = "massline serve with its worker" if label == "worker" else "massline pipeline run"
                result = Timeline(f"{title}, on a copy after the import", import_s=tl.import_s)
                result.stage_s["import"] = tl.import_s
                timelines.append(follow(result, stage_probe, n, commands, stage_env, tl.import_s, args,
                                        served=TreeCPU() if label == "worker" else None))  # fmt: skip
            stage_probe.close()
    elif args.against:
        timelines += against(args, base, probe, n, do_import, env)
    elif args.cli:
        timelines.append(follow(Timeline("import, then massline pipeline run"), probe, n, [do_import, do_pipeline],
                                env, 0.0, args))  # fmt: skip
    else:
        with common.server(env, worker=True):
            timelines.append(follow(Timeline("import into massline serve (worker on)"), probe, n, [do_import],
                                    env, 0.0, args, served=TreeCPU()))  # fmt: skip
    for tl in timelines:
        report(tl, n, read_per_row, rate)
    if args.against:
        ratios(timelines, n)
    print(f"\nload average {os.getloadavg()[0]:.2f} after; {datetime.now(UTC):%Y-%m-%d %H:%M UTC} "
          "(other processes slow the figures down)")  # fmt: skip
    if any(tl.problem for tl in timelines):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
