"""Merge the label files of several labellers into one, in the order of the sample, one line per id.

    python scripts/labels/merge.py tests/data/labels/sample2.jsonl tests/data/labels/labels2.jsonl PART.jsonl [...]

A label whose id is not in the sample is left out (and counted); an id labelled twice keeps its last line
(a labeller's correction comes after the first answer). Prints how many of the sample are labelled.
Validate the result with ``scripts/labels/check.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def merge(sample: Path, parts: list[Path]) -> tuple[list[str], int, int]:
    """The merged lines (JSON, sample order), the number of sampled messages and of unknown ids."""
    order = [json.loads(line)["id"] for line in sample.read_text(encoding="utf-8").splitlines() if line.strip()]
    known = set(order)
    labels: dict[str, str] = {}
    unknown = 0
    for part in parts:
        for line in part.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:  # a line being written while we read
                continue
            if row.get("id") not in known:
                unknown += 1
                continue
            labels[row["id"]] = json.dumps(row, ensure_ascii=False)
    return [labels[key] for key in order if key in labels], len(order), unknown


def main(sample: Path, out: Path, parts: list[Path]) -> int:
    """Write the merged file; report the counts."""
    lines, total, unknown = merge(sample, parts)
    out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    print(
        f"{len(lines)} of {total} messages labelled ({total - len(lines)} not), {unknown} lines of unknown ids left out"
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 4:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]), [Path(p) for p in sys.argv[3:]]))
