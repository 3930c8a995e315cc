"""Draw a labelling sample of issue 13 from the shared contest files (reproducible: fixed seed).

    python scripts/labels/sample.py ../shared/data/tipdm2020c tests/data/labels/sample.jsonl
    python scripts/labels/sample.py ../shared/data/tipdm2020c tests/data/labels/sample2.jsonl \
        --seed 20261207 --exclude tests/data/labels/sample.jsonl tests/data/labels/sample_targeted.jsonl

Writes one JSON object per message: ``id`` (``<file>:<留言编号>``, the numbers overlap between files),
``title``, ``body`` (whitespace folded). Identical bodies are drawn once. 400 messages from the
labelled file (every category), 350 each from the replied and the hot files. The second draw
(``sample2.jsonl``, a second random sample) uses another seed and leaves out every message, and every
body, already in the files given after ``--exclude``. ``sample4.jsonl`` is two draws (seeds 20261210 and
20261211, the second leaving out the first); ``sample5.jsonl`` every message left (``--seed 20261212
--per-file 100000``, leaving out all earlier draws).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from pathlib import Path

DRAW = {"messages_labeled": 400, "replied_messages": 350, "hot_messages": 350}
SEED = 20261206


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _excluded(paths: list[Path]) -> tuple[set[str], set[str]]:
    ids: set[str] = set()
    bodies: set[str] = set()
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                ids.add(row["id"])
                bodies.add(row["body"])
    return ids, bodies


def main(folder: Path, out: Path, seed: int, exclude: list[Path], per_file: int | None = None) -> None:
    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
    skip_ids, seen = _excluded(exclude)
    picked: list[dict[str, str]] = []
    for name, count in DRAW.items():
        count = count if per_file is None else per_file
        rows = _rows(folder, name)
        rng.shuffle(rows)
        taken = 0
        for row in rows:
            body = _fold(row["留言详情"])
            key = f"{name}:{row['留言编号']}"
            if taken == count or not body or body in seen or key in skip_ids:
                continue
            seen.add(body)
            picked.append({"id": key, "title": _fold(row["留言主题"]), "body": body})
            taken += 1
    rng.shuffle(picked)
    with out.open("w", encoding="utf-8") as handle:
        for item in picked:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"{len(picked)} messages -> {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--exclude", type=Path, nargs="*", default=[])
    parser.add_argument("--per-file", type=int, default=None,
                        help="messages drawn from each file instead of 400/350/350 (a large number: all left)")
    args = parser.parse_args()
    main(args.folder, args.out, args.seed, args.exclude, args.per_file)
