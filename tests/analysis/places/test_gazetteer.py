import json
from pathlib import Path

import pytest

from massline.analysis.places.gazetteer import Gazetteer, RegionEntry

DATA = Path(__file__).parents[1] / "data"
CITY = "9901"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    raw = json.loads((DATA / "places_gazetteer.json").read_text(encoding="utf-8"))
    return Gazetteer(RegionEntry(**{**e, "aliases": tuple(e["aliases"])}) for e in raw)


def test_labelled_set_precision_and_recall(gazetteer: Gazetteer) -> None:
    lines = (DATA / "places_labeled.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) >= 200
    tp = fp = fn = 0
    for row in rows:
        match = gazetteer.locate(row["text"])
        got = match.code if match else None
        if got is not None and got == row["expected"]:
            tp += 1
            continue
        fp += got is not None
        fn += row["expected"] is not None
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    # Measured: precision 0.995, recall 0.979 (187 tp, 1 fp, 4 fn).
    assert precision >= 0.98
    assert recall >= 0.95


def test_full_district_name_and_derived_alias(gazetteer: Gazetteer) -> None:
    match = gazetteer.locate("东城区人民医院门口的红绿灯坏了")
    assert match is not None
    assert (match.code, match.level, match.span) == ("990101", "district", (0, 3))
    alias = gazetteer.locate("东城那边的菜市场很脏")
    assert alias is not None and alias.code == "990101"


def test_ambiguous_street_resolved_by_co_mentioned_district(gazetteer: Gazetteer) -> None:
    east = gazetteer.locate("东城区和平街道有商户占道经营")
    west = gazetteer.locate("西城区和平街道有商户占道经营")
    assert east is not None and west is not None
    assert east.code == "990101001"
    assert west.code == "990102001"
    assert west.evidence == ("和平街道", "西城区")


def test_ambiguous_name_alone_falls_back_to_common_ancestor(gazetteer: Gazetteer) -> None:
    match = gazetteer.locate("阳光社区的广场舞音响太大声")
    assert match is not None
    assert (match.code, match.level) == (CITY, "city")


def test_ambiguous_community_resolved_by_street(gazetteer: Gazetteer) -> None:
    match = gazetteer.locate("西关街道阳光社区的路面塌陷了")
    assert match is not None and match.code == "990102003002"


def test_most_specific_consistent_region_wins(gazetteer: Gazetteer) -> None:
    match = gazetteer.locate("我从东城区搬到西城区白沙社区，户口迁移要什么手续？")
    assert match is not None and match.code == "990102004001"


def test_compound_alias_and_road(gazetteer: Gazetteer) -> None:
    compound = gazetteer.locate("江景豪庭小区的地下车库漏水严重")
    assert compound is not None
    assert (compound.code, compound.level) == ("990103002002901", "compound")
    road = gazetteer.locate("西城区中山路的行道树被砍了")
    assert road is not None and road.code == "990102801"


@pytest.mark.parametrize(
    "text",
    [
        "今天阳光很好，但是垃圾没人收",  # 阳光 is a weak alias of 阳光社区
        "和平年代也要注意安全生产",
        "我在北京市朝阳区工作，社保能否转回老家？",
        "新华书店附近的书报亭被拆了",
        "南湖那边的路灯不亮",  # 南湖 is ambiguous between 区/街道/社区: not derived
    ],
)
def test_no_place(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.locate(text) is None


def test_weak_alias_counts_with_ancestor(gazetteer: Gazetteer) -> None:
    assert gazetteer.locate("红星这一片路面坑洼") is None
    match = gazetteer.locate("东城区红星这一片路面坑洼")
    assert match is not None and match.code == "990101002002"


def test_locate_all_lists_each_region_once_in_order(gazetteer: Gazetteer) -> None:
    found = gazetteer.locate_all("西关新村和光明小区之间的道路积水，光明小区尤其严重")
    assert [m.code for m in found] == ["990102003001901", "990102002002901"]


def test_unlisted_places(gazetteer: Gazetteer) -> None:
    match = gazetteer.locate("我住在东城区翠竹苑小区，五一大道和芙蓉中路路口常堵")
    assert match is not None and match.code == "990101"
    assert match.unlisted_places == ("翠竹苑小区", "五一大道", "芙蓉中路")
    assert gazetteer.unlisted_places("座落在A市A3区联丰路米兰春天G2栋") == ["联丰路"]
    assert gazetteer.unlisted_places("道路上有坑，该小区物业不管，我们小区旁边的马路") == []


def test_unknown_level_rejected() -> None:
    with pytest.raises(ValueError, match="unknown level"):
        Gazetteer([RegionEntry("1", "某地", "planet")])


def _mentions_by_every_length(gazetteer: Gazetteer, text: str) -> list[tuple[int, int, str]]:
    """Leftmost-longest by trying every length at every position (what ``mentions`` must equal)."""
    longest = max(len(s) for s in gazetteer._surfaces)
    out, i = [], 0
    while i < len(text):
        for length in range(min(longest, len(text) - i), 1, -1):
            if text[i : i + length] in gazetteer._surfaces:
                out.append((i, i + length, text[i : i + length]))
                i += length
                break
        else:
            i += 1
    return out


def test_mentions_are_leftmost_longest_at_every_length(gazetteer: Gazetteer) -> None:
    lines = (DATA / "places_labeled.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines]
    # a long name cut by the end of the text must not match a shorter name by its first characters
    texts += ["西城区和平街道", "西城区和平街", "东城", "东城区", "东", ""]
    found = 0
    for text in texts:
        expected = _mentions_by_every_length(gazetteer, text)
        assert [(m.start, m.end, m.surface) for m in gazetteer.mentions(text)] == expected
        found += len(expected)
    assert found >= 200


def test_locate_answers_the_same_text_again_and_another_anew(gazetteer: Gazetteer) -> None:
    first = gazetteer.locate("西城区和平街道的路灯不亮")
    assert gazetteer.locate("西城区和平街道的路灯不亮") == first
    assert gazetteer.locate("东城区人民医院门口的红绿灯坏了") != first
    assert gazetteer.locate("今天天气很好") is None
    assert gazetteer.locate("西城区和平街道的路灯不亮") == first


def test_unlisted_places_are_those_of_the_whole_texts_tokens(gazetteer: Gazetteer) -> None:
    """Only the segment_runs with a suffix are segmented; the names are those of the whole text's tokens."""
    texts = ["我住在翠竹苑小区，门口的五一大道和芙蓉中路堵车。沿楚江北路去", "座落在A市A3区联丰路米兰春天G2栋",
             "道路上有坑，该小区物业不管，我们小区旁边的马路", "（金星北路）“阳光花园”、幸福里巷！枫林三路…", ""]  # fmt: skip
    for text in texts:
        found: dict[str, None] = {}
        gazetteer._unlisted_in(gazetteer.segmenter.cut(text), found)
        names = list(found)
        assert gazetteer.unlisted_places(text) == [n for n in names if not any(n != o and n in o for o in names)]
