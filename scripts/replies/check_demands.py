"""Check the hand-labelled demands file and print its counts per kind.

Usage: python scripts/replies/check_demands.py [FILE] [--min N]

Checks: every line is a JSON object with id, file, title, body and demands; each demand
has a kind among question/action/complaint and 0 <= start < end <= len(text), where
text = title.strip() + "\\n" + body.strip(); spans of a message do not overlap; no
message appears twice; at least --min messages (150 by default). Exit status 1 on errors.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

KINDS = ("question", "action", "complaint")
DEFAULT = Path(__file__).resolve().parents[2] / "tests" / "data" / "replies" / "demands.jsonl"


def problems(lines: list[str], minimum: int = 150) -> list[str]:
    """Every problem of a demands file given as its lines; empty when the file is valid."""
    found: list[str] = []
    seen: set[tuple[str, str]] = set()
    rows = [line for line in lines if line.strip()]
    for number, line in enumerate(rows, 1):
        try:
            row = json.loads(line)
            key = (row["id"], row["file"])
            text = row["title"].strip() + "\n" + row["body"].strip()
            demands = row["demands"]
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            found.append(f"line {number}: not a demands row ({error})")
            continue
        if key in seen:
            found.append(f"line {number}: message {key} labelled twice")
        seen.add(key)
        end_before = 0
        for demand in sorted(demands, key=lambda d: d.get("start", -1)):
            start, end = demand.get("start"), demand.get("end")
            if demand.get("kind") not in KINDS:
                found.append(f"line {number}: unknown kind {demand.get('kind')!r}")
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
                found.append(f"line {number}: span {start}-{end} outside the text ({len(text)} characters)")
                continue
            if start < end_before:
                found.append(f"line {number}: span {start}-{end} overlaps the previous one")
            end_before = max(end_before, end)
    if len(seen) < minimum:
        found.append(f"only {len(seen)} messages labelled, at least {minimum} needed")
    return found


def counts(lines: list[str]) -> Counter:
    """Demands per kind, plus messages and messages with no demand."""
    tally: Counter = Counter()
    for line in filter(str.strip, lines):
        row = json.loads(line)
        tally["messages"] += 1
        tally["without demand"] += not row["demands"]
        tally["with several"] += len(row["demands"]) > 1
        tally.update(demand["kind"] for demand in row["demands"])
    return tally


def main() -> int:
    """Check the file, print the problems or the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, nargs="?", default=DEFAULT)
    parser.add_argument("--min", type=int, default=150)
    args = parser.parse_args()
    lines = args.file.read_text(encoding="utf-8").splitlines()
    found = problems(lines, args.min)
    for problem in found:
        print(problem)
    if found:
        return 1
    for key, value in counts(lines).items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
