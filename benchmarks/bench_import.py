"""Benchmark of ``massline import``: 100,000 realistic messages into a fresh SQLite DB.

    python benchmarks/bench_import.py [--rows 100000] [--workdir DIR] [--no-index] [--import-arg=ARG ...]

The massline it runs is the one on ``PYTHONPATH`` (this checkout by default), so
the same script measures another checkout with ``PYTHONPATH=/path/to/it``.

Makes a CSV of varied real-length messages (``texts.py``: real board
messages with sentences mixed within a category, the demo city's places,
numbers and dates varied; built-in templates when ../shared/data/tipdm2020c
is absent), with kinds, phones, dates and replies;
loads the demo deployment (江州市) into a fresh database; then times

1. a plain ``csv`` read of the file (the baseline: the floor of any importer),
2. ``massline import FILE --mapping <bench mapping> --index-now`` as a subprocess:
   the import itself (wall time including the command's start-up, up to the
   point where every row is stored, routed and searchable by substring), then
   the search indexing it was asked to do before returning (otherwise the
   worker's job, see ``services/search_backlog``),

and prints rows/s, seconds and the ratio import / plain read.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform as pyplatform
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import texts

DATA = texts.DATA  # ../shared/data/tipdm2020c, or $MASSLINE_BENCH_DATA/tipdm2020c
ROOT = Path(__file__).resolve().parent.parent
DEPLOYMENT = ROOT / "massline" / "data" / "demo" / "deployment.yaml"
HEADER = [
    "编号",
    "标题",
    "内容",
    "类型",
    "区域",
    "领域",
    "留言人",
    "联系电话",
    "留言时间",
    "点赞数",
    "答复意见",
    "答复时间",
]
MAPPING = """\
name: bench
source: bench
fields:
  external_id: 编号
  title: 标题
  body: 内容
  kind: 类型
  region: 区域
  category: 领域
  author_name: 留言人
  contact_phone: 联系电话
  created_at: 留言时间
  supports: 点赞数
  reply: 答复意见
  replied_at: 答复时间
"""


def _replies() -> list[str]:
    """Reply texts to resample (the real board's replies when present)."""
    path = DATA / "replied_messages.csv"
    if not path.is_file():
        return ["您好，您反映的问题已收悉，经核实，我局已责成相关单位限期整改，感谢您的监督。"]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        texts_ = (r["答复意见"].strip() for r in csv.DictReader(handle))
        return [t for t in texts_ if 10 <= len(t) <= 4000]


def _vary(text: str, rng: random.Random, place: str) -> str:
    text = re.sub(r"[A-Z]\d*[市区县]", place, text)
    return re.sub(r"\d+", lambda m: str(rng.randint(1, 99)) if len(m.group()) < 4 else m.group(), text)


def _shorten(body: str, limit: int) -> str:
    """The body cut after the last sentence that ends within ``limit`` characters."""
    if limit <= 0 or len(body) <= limit:
        return body
    cut = max(body.rfind(mark, 0, limit) for mark in "。！？")
    return body[: cut + 1] if cut >= 10 else body[:limit]


def make_csv(path: Path, rows: int, seed: int = 7, max_body: int = 0) -> None:
    """Write ``rows`` varied messages (texts.py) to ``path`` (bodies cut to ``max_body`` characters when > 0)."""
    rng = random.Random(seed)
    replies = _replies()
    print(f"texts: {texts.source()}; {len(replies)} replies")
    start = datetime(2019, 1, 1)  # noqa: DTZ001 - local wall-clock times, as in a hotline export
    formats = ["%Y/%-m/%-d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i, m in enumerate(texts.messages(rows, seed=seed)):
            created = start + timedelta(seconds=rng.randint(0, 365 * 24 * 3600))
            reply = replied = ""
            if rng.random() < 0.3:
                reply = _vary(rng.choice(replies), rng, m.region_name)
                replied = (created + timedelta(days=rng.randint(1, 20))).strftime(rng.choice(formats[:2]))
            writer.writerow(
                [
                    f"B{i:07d}",
                    m.title,
                    _shorten(m.body, max_body),
                    m.kind,
                    m.region_name if rng.random() < 0.8 else m.region,  # by name or by code
                    m.category,
                    f"网友{rng.randint(1, 99999)}",
                    f"13{rng.randint(100000000, 999999999)}" if rng.random() < 0.1 else "",
                    created.strftime(rng.choice(formats)),
                    rng.randint(0, 50) if rng.random() < 0.2 else 0,
                    reply,
                    replied,
                ]
            )


def plain_read(path: Path) -> tuple[int, float]:
    """Rows and seconds of a plain csv read of ``path``."""
    started = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as handle:
        count = sum(1 for _ in csv.DictReader(handle))
    return count, time.perf_counter() - started


def machine() -> str:
    """CPU model and core count."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}, Python {pyplatform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/massline-bench-import"))
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument(
        "--max-body",
        type=int,
        default=0,
        help="cut bodies to this many characters (hotline-length records); 0 keeps them whole",
    )
    parser.add_argument(
        "--import-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="extra argument for `massline import` (repeatable), e.g. --import-arg=--no-writer-thread",
    )
    parser.add_argument(
        "--no-index", action="store_true", help="leave the search indexing to the worker (no --index-now)"
    )
    args = parser.parse_args()
    work: Path = args.workdir
    shutil.rmtree(work, ignore_errors=True)
    (work / "instance").mkdir(parents=True)
    data = work / "messages.csv"
    mapping = work / "bench-mapping.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    started = time.perf_counter()
    make_csv(data, args.rows, max_body=args.max_body)
    with data.open(encoding="utf-8", newline="") as handle:
        lengths = [len(r["内容"]) for r in csv.DictReader(handle)]
    print(
        f"wrote {args.rows:,} rows ({data.stat().st_size / 1e6:.1f} MB, body {sum(lengths) / len(lengths):.0f} "
        f"characters on average) in {time.perf_counter() - started:.1f} s"
    )
    env = dict(os.environ, MASSLINE_INSTANCE_DIR=str(work / "instance"), MASSLINE_DATABASE_URL="")
    cli = [sys.executable, "-c", "from massline.cli import run; run()"]
    subprocess.run([*cli, "config", "load", str(DEPLOYMENT)], env=env, check=True, capture_output=True)
    rows, read_s = plain_read(data)
    started = time.perf_counter()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [*cli, "import", str(data), "--mapping", str(mapping), "--batch-size", str(args.batch_size), *args.import_arg]
        + ([] if args.no_index else ["--index-now"]),
        env=env,
        capture_output=True,
        text=True,
    )
    total_s = time.perf_counter() - started
    indexed = re.search(r"indexed (\d+) messages for search in ([0-9.]+) s", done.stdout)
    index_s = float(indexed.group(2)) if indexed else 0.0
    import_s = total_s - index_s  # the command's wall time without the search indexing it was asked to do
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    print(done.stdout.strip())
    if done.returncode != 0:
        print(done.stderr[-3000:])
        raise SystemExit(done.returncode)
    print(f"machine: {machine()}; {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"plain csv read: {rows:,} rows in {read_s:.2f} s ({rows / read_s:,.0f} rows/s)")
    print(
        f"massline import: {rows:,} rows stored, routed and searchable (by substring) in {import_s:.1f} s wall "
        f"({rows / import_s:,.0f} rows/s), {import_s / read_s:.0f}x the plain read; "
        f"target < 30 s: {'met' if import_s < 30 else 'NOT met'}"
    )
    print(
        f"search indexing of the imported rows (--index-now; else the worker's job): {index_s:.1f} s; "
        f"all done {total_s:.1f} s after the start; CPU {cpu_s:.1f} s (all processes)"
    )
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (other processes slow the figures down)")


if __name__ == "__main__":
    main()
