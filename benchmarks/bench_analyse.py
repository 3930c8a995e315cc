"""Benchmark of ``massline analyse``: its speed on real messages, and its answers against the hand labels.

Run ``python benchmarks/bench_analyse.py [--runs 3] [--skip-speed] [--skip-labels]``.

* **Speed** (the contract asks for 500 messages/s after start-up): the command is run as a user runs it
  (``python -m massline.cli analyse``, a fresh process each time) on every message of the contest files
  (``messages_labeled.csv``, ``hot_messages.csv``, ``replied_messages.csv``: full-length titles and
  bodies, written into one CSV with the contract's columns), and on a file of one message. Start-up is
  the one-message run (interpreter, imports, the segmenter's dictionary, the profile); the rate is
  ``(messages - 1) / (full run - one-message run)``, the best of ``--runs``.
* **Labels**: the facade (:func:`massline.analysis.understand.understand`, what the command writes, with
  the tipdm2020c profile and the word rules only: the shipped models were trained on these labels, their
  cross-validated figures come from ``massline understand evaluate`` and ``massline places evaluate``) on the 1,100
  hand-labelled messages of ``tests/data/labels`` (read at run time: the labels are being revised):
  地点 exact (the same text, "" for no place included) and partial (one inside the other), 行政区, 类型,
  紧急程度 agreement and the share of the 较急 and 紧急 messages found (answered 较急 or 紧急), 情绪;
  with per-class precision and recall.

Exits 0 with a "skipped" line for the speed part when the contest data folder is absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from common import ROOT, SHARED_DATA, machine

sys.path.insert(0, str(ROOT))

from massline.analysis.understand import Reading, understand  # noqa: E402
from massline.io.profiles import load_profile  # noqa: E402

DATA = Path(os.environ.get("MASSLINE_BENCH_DATA", str(SHARED_DATA.parent))) / "tipdm2020c"
LABELS = ROOT / "tests" / "data" / "labels"
FILES = ("messages_labeled.csv", "hot_messages.csv", "replied_messages.csv")
COLUMNS = ("留言编号", "留言主题", "留言详情")


def _contest_rows() -> list[list[str]]:
    rows: list[list[str]] = []
    for name in FILES:
        with (DATA / name).open(encoding="utf-8-sig", newline="") as handle:
            for record in csv.DictReader(handle):
                rows.append([f"{Path(name).stem}:{record['留言编号']}", record["留言主题"], record["留言详情"]])
    return rows


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


def _run(data: Path, out: Path) -> float:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    start = time.perf_counter()
    command = [sys.executable, "-m", "massline.cli", "analyse", "--data", str(data), "--out", str(out)]
    subprocess.run(command, check=True, env=env, capture_output=True)  # noqa: S603 - our own interpreter
    return time.perf_counter() - start


def speed(runs: int) -> None:
    """Print the start-up time and the messages per second after it."""
    if not all((DATA / name).is_file() for name in FILES):
        print(f"speed: skipped ({DATA} has not the contest files)")
        return
    rows = _contest_rows()
    chars = sum(len(t) + len(b) for _, t, b in rows) / len(rows)
    with tempfile.TemporaryDirectory() as tmp:
        full, one, out = _write(Path(tmp) / "all.csv", rows), _write(Path(tmp) / "one.csv", rows[:1]), Path(tmp) / "o"
        startup = min(_run(one, out) for _ in range(runs))
        total = min(_run(full, out) for _ in range(runs))
    rate = (len(rows) - 1) / (total - startup)
    print(f"speed ({machine()}):")
    print(f"  {len(rows)} contest messages, {chars:.0f} characters on average (title + body)")
    print(f"  start-up (one message): {startup:.2f} s; all: {total:.2f} s; {rate:.0f} messages/s after start-up")


def _labelled() -> tuple[list[dict[str, str]], list[Reading]]:
    texts = {m["id"]: m for m in map(json.loads, (LABELS / "sample.jsonl").read_text(encoding="utf-8").splitlines())}
    labels = [json.loads(line) for line in (LABELS / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    labels = [label for label in labels if label["id"] in texts]
    # The shipped models were trained on these very labels: measured here they would mean nothing. The
    # labels measure the rules (the baseline); the models' figures are cross-validated by
    # `massline understand evaluate` and `massline places evaluate` (docs/analysis.md).
    readings = understand(
        [(texts[label["id"]]["title"], texts[label["id"]]["body"]) for label in labels],
        language=load_profile("tipdm2020c").language,
        message_model=None,
        place_model=None,
    )
    return labels, readings


def _share(hits: int, total: int) -> str:
    return f"{hits}/{total} = {100 * hits / total:.0f} %" if total else "—"


def _per_class(truth: list[str], guess: list[str]) -> str:
    parts = []
    for cls, n in Counter(truth).most_common():
        tp = sum(t == g == cls for t, g in zip(truth, guess, strict=True))
        predicted = guess.count(cls)
        precision = f"{100 * tp / predicted:.0f}" if predicted else "—"
        parts.append(f"{cls} (n={n}) P {precision} R {100 * tp / n:.0f}")
    return "; ".join(parts)


def labels() -> None:
    """Print the facade's agreement with the hand labels."""
    gold, readings = _labelled()
    n = len(gold)
    places = [(g["place"], r.place) for g, r in zip(gold, readings, strict=True)]
    exact = sum(t == p for t, p in places)
    partial = sum(t == p or (bool(t) and bool(p) and (t in p or p in t)) for t, p in places)
    named = [(t, p) for t, p in places if t]
    print(f"labels ({n} messages of {LABELS.relative_to(ROOT)}):")
    print(f"  地点 exact {_share(exact, n)}; exact or one inside the other {_share(partial, n)}")
    print(f"    of the {len(named)} naming a place: exact {_share(sum(t == p for t, p in named), len(named))}, "
          f"none answered {_share(sum(not p for _, p in named), len(named))}")  # fmt: skip
    print(f"  行政区 {_share(sum(g['area'] == r.area for g, r in zip(gold, readings, strict=True)), n)}")
    for name, key in (("类型", "kind"), ("紧急程度", "urgency"), ("情绪", "feeling")):
        truth = [g[key] for g in gold]
        guess = [getattr(r, key) for r in readings]
        agree = sum(t == p for t, p in zip(truth, guess, strict=True))
        print(f"  {name} {_share(agree, n)}: {_per_class(truth, guess)}")
    pressing = [(g["urgency"], r.urgency) for g, r in zip(gold, readings, strict=True) if g["urgency"] != "一般"]
    print(f"  较急+紧急 found (answered 较急 or 紧急): {_share(sum(p != '一般' for _, p in pressing), len(pressing))}")


def main() -> None:
    """Parse the options and run the parts asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each speed measurement (the best counts)")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-labels", action="store_true")
    args = parser.parse_args()
    if not args.skip_labels:
        labels()
    if not args.skip_speed:
        speed(args.runs)


if __name__ == "__main__":
    main()
