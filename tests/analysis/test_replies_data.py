"""The hand-written data of the reply desk (issue 14) stays valid: the labelled demands
(tests/data/replies/), the 网言网语 glossary and the reply skeletons (massline/data/replies/)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).parents[2]
REPLIES = ROOT / "tests" / "data" / "replies"
DATA = ROOT / "massline" / "data" / "replies"


def _script(name: str):  # scripts/ is not a package: load the checker by path
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "replies" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _lines(name: str) -> list[str]:
    return (REPLIES / name).read_text(encoding="utf-8").splitlines()


def test_the_labelled_demands_are_valid_and_enough() -> None:
    check = _script("check_demands")
    lines = _lines("demands.jsonl")
    assert check.problems(lines) == []
    tally = check.counts(lines)
    assert tally["messages"] >= 150
    assert all(tally[kind] >= 30 for kind in check.KINDS)


def test_the_checker_finds_broken_labels() -> None:
    check = _script("check_demands")
    good = json.loads(_lines("demands.jsonl")[0])
    text_length = len(good["title"].strip()) + 1 + len(good["body"].strip())
    broken = [
        dict(good, demands=[{"kind": "wish", "start": 0, "end": 1}]),
        dict(good, id="x1", demands=[{"kind": "question", "start": 0, "end": text_length + 1}]),
        dict(
            good, id="x2", demands=[{"kind": "action", "start": 0, "end": 4}, {"kind": "action", "start": 3, "end": 6}]
        ),
    ]
    found = check.problems([json.dumps(row, ensure_ascii=False) for row in broken], minimum=3)
    assert len(found) == 3 and "unknown kind" in found[0] and "outside" in found[1] and "overlaps" in found[2]
    assert "at least 150" in check.problems([json.dumps(good, ensure_ascii=False)])[0]


def test_the_labels_come_from_the_sample_and_the_source_file() -> None:
    """Every labelled message is one the seeded sample drew, and the jsonl is what the
    label source gives (nobody edited offsets by hand)."""
    sample = _script("sample_demands")
    label = _script("label_demands")
    rows = [json.loads(line) for line in _lines("demands.jsonl")]
    source = (REPLIES / "demands.src.txt").read_text(encoding="utf-8")
    messages = {(row["id"], row["file"]): {"留言主题": row["title"], "留言详情": row["body"]} for row in rows}
    assert label.parse(source, messages) == rows
    for row in rows:
        assert sample.text_of(row["title"], row["body"]).startswith(row["title"].strip())
    assert len({(row["id"], row["file"]) for row in rows}) == len(rows)
    assert {row["file"] for row in rows} == set(sample.FILES)
