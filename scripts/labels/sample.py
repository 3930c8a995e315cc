"""Draw the labelling sample of issue 13 from the shared contest files (reproducible: fixed seed).

    python scripts/labels/sample.py ../shared/data/tipdm2020c tests/data/labels/sample.jsonl

Writes one JSON object per message: ``id`` (``<file>:<留言编号>``, the numbers overlap between files),
``title``, ``body`` (whitespace folded). Identical bodies are drawn once. 400 messages from the
labelled file (every category), 350 each from the replied and the hot files.
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
from pathlib import Path

DRAW = {"messages_labeled": 400, "replied_messages": 350, "hot_messages": 350}
SEED = 20261206


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def main(folder: Path, out: Path) -> None:
    rng = random.Random(SEED)  # noqa: S311 - a reproducible sample, not a secret
    seen: set[str] = set()
    picked: list[dict[str, str]] = []
    for name, count in DRAW.items():
        rows = _rows(folder, name)
        rng.shuffle(rows)
        taken = 0
        for row in rows:
            body = _fold(row["留言详情"])
            if taken == count or not body or body in seen:
                continue
            seen.add(body)
            picked.append({"id": f"{name}:{row['留言编号']}", "title": _fold(row["留言主题"]), "body": body})
            taken += 1
    rng.shuffle(picked)
    with out.open("w", encoding="utf-8") as handle:
        for item in picked:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"{len(picked)} messages -> {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
