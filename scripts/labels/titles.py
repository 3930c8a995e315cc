"""Draw the titles of ``titles_labeled.csv`` that no full message has, for place labels (issue 13).

    python scripts/labels/titles.py ../shared/data/tipdm2020c tests/data/labels/sample_titles.jsonl

The contest's ``titles_labeled.csv`` holds 8,236 titles without their bodies; most are of messages the
other files do not have. Their places (a compound, a school, a company named in the title) teach the
place tagger names it has not seen. Writes one JSON object per distinct title that is not the title of
a message of the three full files: ``id`` (``titles_labeled:<row>``, the row's number in the file
counting from 1) and ``title`` (whitespace folded), in a reproducible shuffled order.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from pathlib import Path

FULL = ("messages_labeled", "replied_messages", "hot_messages")
SEED = 20261208


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def main(folder: Path, out: Path) -> int:
    """Write the titles to label; return how many."""
    known = {_fold(row["留言主题"]) for name in FULL for row in _rows(folder / f"{name}.csv")}
    seen: set[str] = set()
    picked: list[dict[str, str]] = []
    for number, row in enumerate(_rows(folder / "titles_labeled.csv"), start=1):
        title = _fold(row["留言主题"])
        if title and title not in known and title not in seen:
            seen.add(title)
            picked.append({"id": f"titles_labeled:{number}", "title": title})
    random.Random(SEED).shuffle(picked)  # noqa: S311 - a reproducible order, not a secret
    with out.open("w", encoding="utf-8") as handle:
        for row in picked:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(picked)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    print(main(args.folder, args.out), "titles")
