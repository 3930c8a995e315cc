"""The labelled messages of issue 13 (tests/data/labels/) stay consistent with the guide and the sample."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
LABELS = ROOT / "tests" / "data" / "labels"


def _check_module():  # scripts/ is not a package: load the checker by path
    spec = importlib.util.spec_from_file_location("label_check", ROOT / "scripts" / "labels" / "check.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read(name: str) -> list[dict]:
    return [json.loads(line) for line in (LABELS / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_sampled_message_is_labelled_once_and_validly() -> None:
    check = _check_module()
    sample = {m["id"]: m for m in _read("sample.jsonl")}
    labels = _read("labels.jsonl")
    assert len(labels) >= 1000 and len({row["id"] for row in labels}) == len(labels)
    assert {row["id"] for row in labels} <= set(sample)
    for row in labels + _read("double.jsonl"):
        assert check.problems(row, sample.get(row["id"])) == [], row["id"]
    targeted = {m["id"]: m for m in _read("sample_targeted.jsonl")}
    assert not set(targeted) & set(sample)  # the biased set never mixes into the measured one
    for row in _read("labels_targeted.jsonl"):
        assert check.problems(row, targeted.get(row["id"])) == [], row["id"]


def test_the_second_draw_is_labelled_validly_in_its_order_by_other_labellers() -> None:
    check = _check_module()
    sample2 = _read("sample2.jsonl")
    by_id = {m["id"]: m for m in sample2}
    labels2 = _read("labels2.jsonl")
    assert len(labels2) >= 1000 and len({row["id"] for row in labels2}) == len(labels2)
    order = [m["id"] for m in sample2 if m["id"] in {row["id"] for row in labels2}]
    assert [row["id"] for row in labels2] == order  # one line per labelled id, in the sample's order
    for row in labels2:
        assert check.problems(row, by_id.get(row["id"])) == [], row["id"]
    first = {m["id"] for m in _read("sample.jsonl")} | {m["id"] for m in _read("sample_targeted.jsonl")}
    assert not first & set(by_id)  # another draw: none of the first sample's or the targeted set's messages
    first_labellers = {row["labeller"] for row in _read("labels.jsonl")}
    assert not first_labellers & {row["labeller"] for row in labels2}  # other readers: a held-out set


def test_the_double_set_was_labelled_by_another_labeller() -> None:
    first = {row["id"]: row for row in _read("labels.jsonl")}
    double = _read("double.jsonl")
    assert len(double) >= 100
    assert all(row["id"] in first and row["labeller"] != first[row["id"]]["labeller"] for row in double)


def test_the_checker_refuses_a_place_not_written_in_the_message() -> None:
    check = _check_module()
    message = {"title": "A3区幸福小区电梯坏了", "body": "电梯坏了一个月。"}
    good = {"kind": "投诉", "urgency": "较急", "feeling": "不满", "place": "幸福小区", "place_type": "compound",
            "area": "A3区", "evidence": "电梯坏了一个月"}
    assert check.problems(good, message) == []
    assert check.problems({**good, "place": "幸福花园"}, message) == ["place '幸福花园' is not written in the message"]
    assert check.problems({**good, "kind": "抱怨"}, message)[0].startswith("kind=")


def test_the_later_draws_and_the_recheck_are_labelled_validly() -> None:
    """sample3 (a third random draw, labellers L11–L16) is labelled whole; recheck.jsonl relabels 102
    messages of the first sample blind, by labellers of a later session (agreement in docs/analysis.md)."""
    check = _check_module()
    first = {m["id"]: m for m in _read("sample.jsonl")}
    third = {m["id"]: m for m in _read("sample3.jsonl")}
    labels = _read("labels3.jsonl")
    assert len(third) >= 1900 and {row["id"] for row in labels} == set(third) and len(labels) == len(third)
    assert not set(third) & set(first) and not set(third) & {m["id"] for m in _read("sample2.jsonl")}
    for row in labels:
        assert check.problems(row, third[row["id"]]) == [], row["id"]
    old = {row["id"]: row for row in _read("labels.jsonl")}
    recheck = _read("recheck.jsonl")
    assert len(recheck) >= 100
    for row in recheck:
        assert check.problems(row, first.get(row["id"])) == [], row["id"]
        assert row["labeller"] != old[row["id"]]["labeller"]


@pytest.mark.parametrize(("sample", "labels", "at_least"), [("sample4", "labels4", 1800), ("sample5", "labels5", 2600)])
def test_the_later_draws_are_labelled_whole_and_new(sample: str, labels: str, at_least: int) -> None:
    """sample4 (labellers L17–L21) and sample5 (every message left, L22–L29) are labelled whole, one line per
    message, validly, and share no message with the earlier draws; the readers of both models take them in."""
    from massline.analysis.classify import read_labelled
    from massline.cli.places_cmd import load_labelled

    check = _check_module()
    drawn = {m["id"]: m for m in _read(f"{sample}.jsonl")}
    rows = _read(f"{labels}.jsonl")
    assert len(drawn) >= at_least and {row["id"] for row in rows} == set(drawn) and len(rows) == len(drawn)
    earlier = ("sample.jsonl", "sample2.jsonl", "sample3.jsonl", "sample4.jsonl", "sample_targeted.jsonl")
    for name in earlier[: earlier.index(f"{sample}.jsonl")] if f"{sample}.jsonl" in earlier else earlier:
        assert not set(drawn) & {m["id"] for m in _read(name)}, name
    for row in rows:
        assert check.problems(row, drawn[row["id"]]) == [], row["id"]
    assert sum(m.draw == sample for m in read_labelled(LABELS)) == len(drawn)
    assert len(load_labelled(LABELS, (sample,))) == len(drawn)


def test_the_titles_without_a_body_are_labelled_for_their_place_validly() -> None:
    """labels_titles.jsonl: one line per title of sample_titles.jsonl at most, in its order, each valid for the
    place alone (copied from the title, allowed type); the titles are of no labelled message."""
    from massline.cli.places_cmd import load_titles

    check = _check_module()
    titles = _read("sample_titles.jsonl")
    by_id = {row["id"]: {"title": row["title"], "body": ""} for row in titles}
    rows = _read("labels_titles.jsonl")
    assert len(rows) >= 3000 and len({row["id"] for row in rows}) == len(rows)
    assert [row["id"] for row in rows] == [row["id"] for row in titles if row["id"] in {r["id"] for r in rows}]
    for row in rows:
        assert check.problems(row, by_id.get(row["id"]), place_only=True) == [], row["id"]
    assert check.problems({"place": "幸福小区", "place_type": "compound"}, {"title": "幸福花园漏水"}, place_only=True)
    drawn = {m["title"] for name in ("sample.jsonl", "sample2.jsonl", "sample3.jsonl", "sample4.jsonl", "sample5.jsonl")
             for m in _read(name)}  # fmt: skip
    assert not drawn & set(by_id[row["id"]]["title"] for row in rows)
    assert len(load_titles(LABELS)) == len(rows)


def test_the_place_review_is_what_the_label_files_hold() -> None:
    """place_review.jsonl records every place span changed by the review under the guide's rules for phases,
    `小区`, addresses, building numbers, junctions and village groups: each line's new span is the label's place
    now, written in the message, and the old span is one inside the other (the review moved edges only)."""
    samples = {"labels.jsonl": "sample.jsonl", "labels_targeted.jsonl": "sample_targeted.jsonl",
               "labels_titles.jsonl": "sample_titles.jsonl"}  # fmt: skip
    review = _read("place_review.jsonl")
    assert len(review) >= 100 and len({(row["labels"], row["id"]) for row in review}) == len(review)
    files: dict[str, tuple[dict[str, dict], dict[str, dict]]] = {}
    for row in review:
        name = row["labels"]
        if name not in files:
            sample = samples.get(name, name.replace("labels", "sample"))
            files[name] = ({r["id"]: r for r in _read(name)}, {m["id"]: m for m in _read(sample)})
        labels, messages = files[name]
        message = messages[row["id"]]
        text = f"{message.get('title') or ''}\n{message.get('body') or ''}"
        assert labels[row["id"]]["place"] == row["new"] != row["old"], row["id"]
        assert row["new"] in text and (row["old"] in row["new"] or row["new"] in row["old"]), row["id"]
        assert row["reason"] and row["reviewed_by"]
