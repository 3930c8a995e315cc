"""Turn hand-written demand labels (spans written by their quoted text) into demands.jsonl.

Usage: python scripts/replies/label_demands.py SOURCE OUT [--data DIR]

SOURCE is a text file of blocks, one per message, labelled by a person:

    @ <留言编号> <csv name>
    c <first words of the span> || <last words of the span>   # optional note
    q <the whole span>
    -                                                           (a message with no demand)

The letter is the kind (q question, a action, c complaint). A span starts at the first
occurrence of its first words in the message's text and ends after the first occurrence
of its last words at or after that start; "[2]first words" takes their second occurrence
(when the title repeats the body's first words). This script only computes offsets; every span
is chosen by the labeller. Lines starting with '#' are comments.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sample_demands import DEFAULT_DATA, FILES, text_of  # noqa: E402

KINDS = {"q": "question", "a": "action", "c": "complaint"}


def _messages(data: Path) -> dict[tuple[str, str], dict]:
    import csv

    found: dict[tuple[str, str], dict] = {}
    for name in FILES:
        with open(data / name, encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                found.setdefault((row["留言编号"], name), row)
    return found


def _span(text: str, quote: str) -> tuple[int, int]:
    first, _, last = (part.strip() for part in quote.partition("||"))
    occurrence = 1
    if first.startswith("[") and "]" in first:
        number, first = first[1:].split("]", 1)
        occurrence = int(number)
    start = -1
    for _ in range(occurrence):
        start = text.find(first, start + 1)
    if start < 0:
        raise ValueError(f"not found: {first!r}")
    if not last:
        return start, start + len(first)
    end = text.find(last, start)
    if end < 0:
        raise ValueError(f"not found after {first!r}: {last!r}")
    return start, end + len(last)


def parse(source: str, messages: dict[tuple[str, str], dict]) -> list[dict]:
    """The labelled messages of a source text, in its order, with computed offsets."""
    out: list[dict] = []
    for number, raw in enumerate(source.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            if line.startswith("@"):
                ident, name = line[1:].split()
                row = messages[(ident, name)]
                title, body = row["留言主题"], row["留言详情"]
                out.append({"id": ident, "file": name, "title": title, "body": body, "demands": []})
                continue
            if line == "-":
                continue
            kind, quote = line[0], line[1:]
            quote, _, note = quote.partition(" # ")
            start, end = _span(text_of(out[-1]["title"], out[-1]["body"]), quote)
            demand: dict = {"kind": KINDS[kind], "start": start, "end": end}
            if note.strip():
                demand["note"] = note.strip()
            out[-1]["demands"].append(demand)
        except (ValueError, KeyError, IndexError) as error:
            raise SystemExit(f"line {number}: {error}: {raw}") from error
    for row in out:
        row["demands"].sort(key=lambda d: d["start"])
    return out


def main() -> None:
    """Read the source, write the JSON lines file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    rows = parse(args.source.read_text(encoding="utf-8"), _messages(args.data))
    with open(args.out, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} messages, {sum(len(r['demands']) for r in rows)} demands written to {args.out}")


if __name__ == "__main__":
    main()
