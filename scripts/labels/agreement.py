"""Agreement between the first labels and the double-labelled subset (issue 13's labelling report).

    python scripts/labels/agreement.py tests/data/labels/labels.jsonl tests/data/labels/double.jsonl

Prints, per label, how many of the doubly labelled messages got the same answer twice and Cohen's
kappa (agreement beyond chance); for the place, exact and partial (one span inside the other) matches;
and the class counts and unsure share of the first labels.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def _read(path: Path) -> dict[str, dict[str, object]]:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {str(row["id"]): row for row in rows}


def kappa(pairs: list[tuple[object, object]]) -> float:
    """Cohen's kappa of two labellers' answers (1 = perfect, 0 = chance)."""
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[k] * second[k] for k in first) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def main(labels: Path, double: Path) -> None:
    first, second = _read(labels), _read(double)
    ids = [i for i in second if i in first]
    print(f"{len(first)} labelled messages, {len(ids)} labelled twice")
    for key in ("kind", "urgency", "feeling", "place_type"):
        pairs = [(first[i][key], second[i][key]) for i in ids]
        same = sum(a == b for a, b in pairs)
        print(f"{key:11} {same}/{len(ids)} agree ({same / len(ids):.0%}), kappa {kappa(pairs):.2f}")
    exact = sum(first[i]["place"] == second[i]["place"] for i in ids)
    partial = sum(
        first[i]["place"] == second[i]["place"]
        or bool(first[i]["place"] and second[i]["place"])
        and (str(first[i]["place"]) in str(second[i]["place"]) or str(second[i]["place"]) in str(first[i]["place"]))
        for i in ids
    )
    print(f"place       {exact}/{len(ids)} exact, {partial}/{len(ids)} exact or one inside the other")
    for key in ("kind", "urgency", "feeling", "place_type"):
        print(f"{key}: {dict(Counter(str(row[key]) for row in first.values()).most_common())}")
    unsure = sum(bool(row.get("unsure")) for row in first.values())
    print(f"unsure: {unsure} of {len(first)} ({unsure / len(first):.0%})")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
