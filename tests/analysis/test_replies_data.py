"""The hand-written data of the reply desk (issue 14) stays valid: the labelled demands
(tests/data/replies/), the 网言网语 glossary and the reply skeletons (massline/data/replies/)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
import yaml

from massline.analysis.replies import DEMAND_KINDS

ROOT = Path(__file__).parents[2]
REPLIES = ROOT / "tests" / "data" / "replies"
DATA = ROOT / "massline" / "data" / "replies"


def _script(name: str):  # scripts/ is not a package: load the checker by path
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "replies" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _lines(name: str) -> list[str]:
    return (REPLIES / name).read_text(encoding="utf-8").splitlines()


def test_the_labelled_demands_are_valid_and_enough() -> None:
    check = _script("check_demands")
    assert set(check.KINDS) == set(DEMAND_KINDS)  # the labels use the splitter's kinds
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


GLOSSARY_FIELDS = ("term", "variants", "meaning", "note", "example", "suits_reply")


def test_the_glossary_has_300_unique_complete_terms() -> None:
    entries = yaml.safe_load((DATA / "glossary.yaml").read_text(encoding="utf-8"))
    assert isinstance(entries, list) and len(entries) >= 300
    names: list[str] = []
    for entry in entries:
        assert set(GLOSSARY_FIELDS) <= set(entry) <= {*GLOSSARY_FIELDS, "reply_hint"}, entry
        for field in ("term", "meaning", "note", "example", "reply_hint"):
            assert field not in entry or (isinstance(entry[field], str) and entry[field].strip()), (
                entry["term"],
                field,
            )
        assert isinstance(entry["suits_reply"], bool), entry["term"]
        assert isinstance(entry["variants"], list) and all(isinstance(v, str) and v.strip() for v in entry["variants"])
        spellings = [entry["term"], *entry["variants"]]
        assert any(name.lower() in entry["example"].lower() for name in spellings), entry["term"]
        names += [name.lower() for name in spellings]
    assert len(names) == len(set(names)), sorted({name for name in names if names.count(name) > 1})


def test_the_glossary_marks_playful_and_hostile_terms_unfit_for_replies() -> None:
    entries = {e["term"]: e for e in yaml.safe_load((DATA / "glossary.yaml").read_text(encoding="utf-8"))}
    assert all(entries[term]["suits_reply"] for term in ("点赞", "接地气", "打工人", "暖心"))
    assert not any(
        entries[term]["suits_reply"] for term in ("yyds", "绝绝子", "钉子户", "键盘侠", "高度重视", "打官腔")
    )


OFFICIALESE = ("高度重视", "积极协调", "进一步加强", "妥善处理", "相关部门", "有关部门", "予以关注")


def test_the_reply_skeletons_cover_every_kind_in_plain_words() -> None:
    skeletons = yaml.safe_load((DATA / "skeletons.yaml").read_text(encoding="utf-8"))
    kinds = [s["kind"] for s in skeletons]
    assert all(kinds.count(kind) >= 2 for kind in ("投诉", "求助", "咨询", "建言"))
    assert {"表扬", "举报"} <= set(kinds)
    for skeleton in skeletons:
        assert {"kind", "title", "use_when", "refusal", "text"} == set(skeleton)
        text = skeleton["text"]
        assert "【联系电话】" in text and "【回复日期】" in text, skeleton["title"]
        assert text.count("【") == text.count("】") and re.search(r"【[^【】]+】", text)
        assert not [phrase for phrase in OFFICIALESE if phrase in text], skeleton["title"]
        if skeleton["refusal"]:
            assert "《【依据名称】》" in text and "【理由】" in text, skeleton["title"]


def test_the_double_labels_are_valid_and_agree_with_the_first() -> None:
    check = _script("check_demands")
    agreement = _script("agreement_demands")
    double = _lines("double_demands.jsonl")
    assert check.problems(double, minimum=30) == []
    first = [json.loads(line) for line in _lines("demands.jsonl")]
    second = [json.loads(line) for line in double]
    assert {(r["id"], r["file"]) for r in second} <= {(r["id"], r["file"]) for r in first}
    tally = agreement.compare(first, second)
    assert tally.messages == 30
    assert agreement.figures(tally)["overlap F1"] > 0.8
    same = agreement.figures(agreement.compare(first, first))
    assert same["exact F1"] == same["boundary F1"] == same["kind agreement"] == 1.0


def test_agreement_counts_partial_and_kind_mismatches() -> None:
    agreement = _script("agreement_demands")
    gold = [{"id": "1", "file": "f", "demands": [{"kind": "question", "start": 0, "end": 10}]}]
    shifted = [{"id": "1", "file": "f", "demands": [{"kind": "action", "start": 2, "end": 10}]}]
    result = agreement.figures(agreement.compare(gold, shifted))
    assert result["exact F1"] == 0 and result["boundary F1"] == 0.5 and result["overlap F1"] == 1
    assert result["kind agreement"] == 0


def test_the_labelled_messages_are_the_seeded_sample_in_order() -> None:
    """The first batch is the first 202 messages of the seeded draw, the second the next
    messages likely to hold several demands, in draw order (no message chosen by hand)."""
    sample = _script("sample_demands")
    if not sample.DEFAULT_DATA.is_dir():
        pytest.skip("the contest files (../shared/data/tipdm2020c) are not on this machine")
    drawn = sample.draw(sample.DEFAULT_DATA, 300)
    labelled = [(row["id"], row["file"]) for row in map(json.loads, _lines("demands.jsonl"))]
    assert labelled[:202] == [(row["id"], row["file"]) for row in drawn[:202]]
    several = [(row["id"], row["file"]) for row in drawn[202:] if sample.likely_several(row["body"])]
    assert len(labelled) > 202 and labelled[202:] == several[: len(labelled) - 202]
