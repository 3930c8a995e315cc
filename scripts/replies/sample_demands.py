"""Draw the messages to label for demands (issue 14) from the contest files, with a fixed seed.

Usage: python scripts/replies/sample_demands.py [--data DIR] [--per-file N] [--out FILE]

Without --out it lists the sample (order, file, id, length of text).

Batches: the first batch is the first 202 rows of the default draw; the second batch
(messages with several demands) is `--per-file 300 --skip 202 --several`, labelled in order.

Half of the sample comes from replied_messages.csv and half from messages_labeled.csv;
a message whose title and detail equal an earlier one's (in either file) is skipped.
The order is the labelling order: the first rows are the first batch, later rows the
second. Each row is {"id", "file", "title", "body", "text"} with the csv module's values
and text = title.strip() + "\\n" + body.strip() (the string demand spans index).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from pathlib import Path

SEED = 14
FILES = ("replied_messages.csv", "messages_labeled.csv")
DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "tipdm2020c"


def text_of(title: str, body: str) -> str:
    """The text demand spans index: the stripped title, a newline, the stripped detail."""
    return title.strip() + "\n" + body.strip()


# Signs that a message may hold several demands: question marks, request verbs, list numbers.
SEVERAL_SIGNS = re.compile(r"[？?]|希望|建议|请求|要求|恳请|[1-9一二三四五][、.．，]")


def likely_several(body: str) -> bool:
    """True when the detail shows at least three signs of separate demands (the second batch)."""
    return len(SEVERAL_SIGNS.findall(body)) >= 3


def draw(data: Path, per_file: int) -> list[dict]:
    """per_file messages of each file in a seeded random order, interleaved, duplicates skipped."""
    rng = random.Random(SEED)  # noqa: S311 - a reproducible sample, not a secret
    seen: set[str] = set()
    picked: dict[str, list[dict]] = {}
    for name in FILES:
        with open(data / name, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        rng.shuffle(rows)
        picked[name] = []
        for row in rows:
            text = text_of(row["留言主题"], row["留言详情"])
            if text in seen or not row["留言详情"].strip():
                continue
            seen.add(text)
            picked[name].append(
                {"id": row["留言编号"], "file": name, "title": row["留言主题"], "body": row["留言详情"], "text": text}
            )
            if len(picked[name]) == per_file:
                break
    return [row for pair in zip(*picked.values(), strict=False) for row in pair]


def main() -> None:
    """Write the sample, one JSON object per line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--per-file", type=int, default=160)
    parser.add_argument("--out", type=Path, help="write the rows as JSON lines here (default: list ids)")
    parser.add_argument("--skip", type=int, default=0, help="leave out the first N rows (an earlier batch)")
    parser.add_argument("--several", action="store_true", help="keep only messages likely to hold several demands")
    args = parser.parse_args()
    rows = draw(args.data, args.per_file)[args.skip :]
    if args.several:
        rows = [row for row in rows if likely_several(row["body"])]
    if args.out is None:
        for number, row in enumerate(rows, 1):
            print(number, row["file"], row["id"], len(row["text"]))
        return
    with open(args.out, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} messages written to {args.out}")


if __name__ == "__main__":
    main()
