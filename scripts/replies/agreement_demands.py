"""Agreement of two demand labellings of the same messages (or of gold labels and a splitter).

Usage: python scripts/replies/agreement_demands.py FIRST SECOND

Both files have the shape of tests/data/replies/demands.jsonl. Only messages present in
both are compared. For every message the spans are matched one to one, greedily by
overlap; the figures are precision and recall of SECOND against FIRST (F1 is symmetric):

- exact:      both boundaries identical;
- boundaries: start and end boundaries counted separately (a boundary agrees when the
              other labelling has a span starting, or ending, at the same offset);
- overlap:    spans overlapping by at least half of their union (character Jaccard >= 0.5);
- kind:       of the overlap matches, the share with the same kind.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

Span = tuple[int, int, str]


@dataclass
class Tally:
    """Counts of one comparison: spans on each side and matches of each sort."""

    first: int = 0
    second: int = 0
    exact: int = 0
    starts: int = 0
    ends: int = 0
    overlap: int = 0
    same_kind: int = 0
    messages: int = 0
    same_count: int = 0


def spans_of(row: dict) -> list[Span]:
    """The (start, end, kind) spans of one labelled message, in text order."""
    return sorted((d["start"], d["end"], d["kind"]) for d in row["demands"])


def jaccard(a: Span, b: Span) -> float:
    """Characters shared by two spans over the characters they cover together."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return max(shared, 0) / (max(a[1], b[1]) - min(a[0], b[0]))


def overlap_pairs(first: list[Span], second: list[Span], least: float = 0.5) -> list[tuple[Span, Span]]:
    """One-to-one pairs of spans overlapping by at least `least`, best overlaps first."""
    candidates = sorted(
        ((jaccard(a, b), i, j) for i, a in enumerate(first) for j, b in enumerate(second)), reverse=True
    )
    used_first: set[int] = set()
    used_second: set[int] = set()
    pairs = []
    for score, i, j in candidates:
        if score >= least and i not in used_first and j not in used_second:
            used_first.add(i)
            used_second.add(j)
            pairs.append((first[i], second[j]))
    return pairs


def add_message(tally: Tally, first: list[Span], second: list[Span]) -> None:
    """Count one message's spans and matches into the tally."""
    tally.messages += 1
    tally.same_count += len(first) == len(second)
    tally.first += len(first)
    tally.second += len(second)
    tally.exact += len({(a, b) for a, b, _ in first} & {(a, b) for a, b, _ in second})
    tally.starts += len({a for a, _, _ in first} & {a for a, _, _ in second})
    tally.ends += len({b for _, b, _ in first} & {b for _, b, _ in second})
    pairs = overlap_pairs(first, second)
    tally.overlap += len(pairs)
    tally.same_kind += sum(a[2] == b[2] for a, b in pairs)


def compare(first_rows: list[dict], second_rows: list[dict]) -> Tally:
    """The tally of two labellings over the messages they share."""
    seconds = {(row["id"], row["file"]): row for row in second_rows}
    tally = Tally()
    for row in first_rows:
        other = seconds.get((row["id"], row["file"]))
        if other is not None:
            add_message(tally, spans_of(row), spans_of(other))
    return tally


def figures(tally: Tally) -> dict[str, float]:
    """Precision, recall and F1 of each sort of match, and the kind agreement."""
    out: dict[str, float] = {}
    for name, hits in (("exact", tally.exact), ("overlap", tally.overlap)):
        precision, recall = hits / max(tally.second, 1), hits / max(tally.first, 1)
        out[f"{name} precision"], out[f"{name} recall"] = precision, recall
        out[f"{name} F1"] = 2 * hits / max(tally.first + tally.second, 1)
    out["boundary F1"] = (tally.starts + tally.ends) / max(tally.first + tally.second, 1)
    out["kind agreement"] = tally.same_kind / max(tally.overlap, 1)
    out["same number of demands"] = tally.same_count / max(tally.messages, 1)
    return out


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    """Print the figures of two labelling files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    args = parser.parse_args()
    tally = compare(_read(args.first), _read(args.second))
    print(f"messages {tally.messages}, spans {tally.first} / {tally.second}")
    for name, value in figures(tally).items():
        print(f"{name}: {value:.2f}")


if __name__ == "__main__":
    main()
