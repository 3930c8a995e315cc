"""Check label lines against the guide (tests/data/labels/GUIDE.md): allowed values, the place copied from the text.

    python scripts/labels/check.py tests/data/labels/sample.jsonl LABELS.jsonl [...]
    python scripts/labels/check.py --place-only tests/data/labels/sample_titles.jsonl labels_titles.jsonl

``--place-only``: labels of the place alone (``place``, ``place_type``, ``area``; no kind, urgency, feeling or
evidence), as for the titles without a body of ``sample_titles.jsonl``. Prints each problem with the message id
and exits 1 when there is one; prints the count of valid lines.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KINDS = {"投诉", "求助", "咨询", "建言", "表扬", "举报"}
URGENCIES = {"紧急", "较急", "一般"}
FEELINGS = {"平和", "不满", "愤怒"}
PLACE_TYPES = {"compound", "road", "village_town", "school", "hospital", "company", "site", "other", "none"}


def problems(label: dict[str, object], message: dict[str, str] | None, place_only: bool = False) -> list[str]:
    """What is wrong with one label line (empty when nothing); ``place_only``: a label of the place alone."""
    if message is None:
        return ["unknown id"]
    out = []
    checked = (("place_type", PLACE_TYPES),) if place_only else (
        ("kind", KINDS), ("urgency", URGENCIES), ("feeling", FEELINGS), ("place_type", PLACE_TYPES))  # fmt: skip
    for key, allowed in checked:
        if label.get(key) not in allowed:
            out.append(f"{key}={label.get(key)!r} not in {sorted(allowed)}")
    place, text = str(label.get("place", "")), message["title"] + " " + message.get("body", "")
    if (place == "") != (label.get("place_type") == "none"):
        out.append("place empty exactly when place_type is none")
    if place and place not in text:
        out.append(f"place {place!r} is not written in the message")
    area = str(label.get("area", ""))
    if area and area not in text:
        out.append(f"area {area!r} is not written in the message")
    if len(str(label.get("evidence", ""))) > 60:
        out.append("evidence longer than 60 characters")
    return out


def main(sample: Path, files: list[Path], place_only: bool = False) -> int:
    """Check every line of ``files`` against the messages of ``sample``; 1 when a line has a problem."""
    messages = {m["id"]: m for m in map(json.loads, sample.read_text(encoding="utf-8").splitlines())}
    bad = good = 0
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                label = json.loads(line)
            except json.JSONDecodeError as exc:
                print(f"{path}:{n}: not JSON ({exc})")
                bad += 1
                continue
            found = problems(label, messages.get(str(label.get("id"))), place_only)
            for problem in found:
                print(f"{path}:{n} {label.get('id')}: {problem}")
            bad += bool(found)
            good += not found
    print(f"{good} valid, {bad} with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    only = "--place-only" in args
    args = [a for a in args if a != "--place-only"]
    sys.exit(main(Path(args[0]), [Path(p) for p in args[1:]], only))
