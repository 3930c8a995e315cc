"""The library reads real place names as well as the contest's codes.

The sample (``data/hot_sample.csv``: 80 messages of the 2020 TipDM hot
messages, bodies cut to 600 characters, ten hot issues and 24 others) is
read twice: as written, with the ``tipdm2020c`` profile, and with its codes
replaced by real names (``real_names.to_real_names``: A市 → 长沙市, A5区 →
岳麓区...) with the general language that knows those names as its regions.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from massline.analysis.issues import IssueClusterer, IssueDoc
from massline.analysis.places import Language, extract_places, regions_of
from massline.analysis.places.divisions import divisions, short_name
from massline.io.profiles import load_profile
from tests.analysis.real_names import ALL_NAMES, EVAL_NAMES, REAL_NAMES, to_real_names

SAMPLE = Path(__file__).parent / "data" / "hot_sample.csv"
BEIJING = timezone(timedelta(hours=8))
CONTEST = load_profile("tipdm2020c").language
#: a real deployment: its regions' names from its gazetteer, and the fraud platforms its board sees
REAL = Language(
    region_names=tuple(REAL_NAMES.values()),
    case_suffixes=CONTEST.case_suffixes,
    coded_case_suffixes=CONTEST.coded_case_suffixes,
)
#: ... and one that has not configured the platforms
REAL_PLAIN = Language(region_names=tuple(REAL_NAMES.values()))


def _rows() -> list[dict[str, str]]:
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _time(text: str) -> datetime:
    day, _, clock = text.replace("/", "-").partition(" ")
    y, m, d = (int(x) for x in day.split("-"))
    hh, mm, ss = (int(x) for x in (clock or "0:0:0").split(":"))
    return datetime(y, m, d, hh, mm, ss, tzinfo=BEIJING)


def _docs(convert: Callable[[str], str]) -> list[IssueDoc]:
    return [
        IssueDoc(
            i,
            convert(r["留言主题"]),
            convert(r["留言详情"]),
            _time(r["留言时间"]),
            r["留言用户"],
            int(r["点赞数"] or 0),
        )
        for i, r in enumerate(_rows())
    ]


def _pairs(labels: list[int]) -> set[tuple[int, int]]:
    return {(i, j) for i in range(len(labels)) for j in range(i + 1, len(labels)) if labels[i] == labels[j]}


@pytest.fixture(scope="module")
def coded() -> IssueClusterer:
    return IssueClusterer(language=CONTEST).fit(_docs(lambda s: s))


def test_converter_replaces_the_codes() -> None:
    assert to_real_names("西地省A市A5区麓谷街道") == "湖南省长沙市岳麓区麓谷街道"
    assert to_real_names("反映K9县城区和五矿万境K9区") == "反映宁乡县城区和五矿万境K9区"  # a section stays
    converted = "".join(to_real_names(r["留言主题"] + r["留言详情"]) for r in _rows())
    assert "A市" not in converted and "西地省" not in converted and "A3区" not in converted


def test_the_evaluations_table_names_the_other_codes() -> None:
    hunan = {short_name(d.name) or d.name for d in divisions() if d.adcode.startswith("43")}
    assert len(set(EVAL_NAMES.values())) == len(EVAL_NAMES) == 67  # one to one
    assert not set(EVAL_NAMES) & set(REAL_NAMES) and not set(EVAL_NAMES.values()) & set(REAL_NAMES.values())
    assert set(EVAL_NAMES.values()) <= hunan
    assert all(code[-1] == name[-1] for code, name in EVAL_NAMES.items())  # a 区 code is a district ...
    text = "".join(r["留言主题"] + r["留言详情"] for r in _rows())
    assert re.search(r"(?<![A-Za-z0-9])[A-Z]\d+[市区县]", to_real_names(text, ALL_NAMES)) is None
    assert to_real_names("F4县和K2区", ALL_NAMES) == "南县和冷水滩区" and to_real_names("F4县") == "F4县"


def test_regions_and_keys_of_real_names() -> None:
    text = to_real_names("A市A2区丽发新城小区附近搅拌站噪音扰民")
    assert text == "长沙市天心区丽发新城小区附近搅拌站噪音扰民"
    assert regions_of(text, REAL) == ["长沙市", "天心区"]
    assert [m.key for m in extract_places(text, sections=True, language=REAL)] == ["丽发新城"]


def test_same_place_keys_on_real_names(coded: IssueClusterer) -> None:
    real = IssueClusterer(language=REAL).fit(_docs(to_real_names))
    keys = [f.place.key if f.place else "" for f in coded.features_]
    assert keys == [f.place.key if f.place else "" for f in real.features_]
    assert sum(1 for k in keys if k) >= 60


def test_same_issues_on_real_names(coded: IssueClusterer) -> None:
    real = IssueClusterer(language=REAL).fit(_docs(to_real_names))
    assert _pairs(real.labels_.tolist()) == _pairs(coded.labels_.tolist())
    assert len(_pairs(coded.labels_.tolist())) >= 80  # the ten hot issues hold together


def test_without_the_platform_suffixes_nearly_the_same_issues(coded: IssueClusterer) -> None:
    real = IssueClusterer(language=REAL_PLAIN).fit(_docs(to_real_names))
    same, found = _pairs(coded.labels_.tolist()), _pairs(real.labels_.tolist())
    assert found <= same and len(found) >= 0.9 * len(same)  # nothing wrongly joined, little lost
