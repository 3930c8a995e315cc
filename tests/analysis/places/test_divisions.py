"""China's administrative divisions: the shipped table, how it is built, and what the place language makes of it."""

from __future__ import annotations

import csv
import importlib.util
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from massline.analysis.places import Language, area_of, regions_of
from massline.analysis.places.divisions import DIVISIONS_FILE, divisions, short_name, unit_levels
from massline.analysis.places.spans import PlaceSpan

ROOT = Path(__file__).resolve().parents[3]


def _build_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_divisions", ROOT / "scripts" / "build_divisions.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_table_is_a_consistent_hierarchy() -> None:
    units = divisions()
    by_code = {u.adcode: u for u in units}
    assert len(by_code) == len(units) == 3219
    assert Counter(u.level for u in units) == {"province": 34, "prefecture": 334, "county": 2851}
    for unit in units:
        assert len(unit.adcode) == 6 and unit.adcode.isdigit() and unit.name
        if unit.level == "province":
            assert unit.parent == "" and unit.adcode.endswith("0000")
            continue
        parent = by_code[unit.parent]  # every parent is in the table
        assert unit.adcode.startswith(parent.adcode[:2])
        if unit.level == "prefecture":
            assert parent.level == "province" and unit.adcode.endswith("00")
        else:
            assert parent.level in ("prefecture", "province")
            assert parent.level == "province" or unit.adcode[:4] == parent.adcode[:4]
    siblings = Counter((u.parent, u.name) for u in units)
    assert max(siblings.values()) == 1  # no name twice under one parent
    assert not {"市辖区", "县", "省直辖县级行政区划"} & {u.name for u in units}  # placeholders left out
    assert by_code["430381"].name == "湘乡市" and by_code["430381"].parent == "430300"
    assert by_code["110105"].parent == "110000"  # a district of 北京市 belongs to the municipality


def test_the_table_says_its_source() -> None:
    readme = (DIVISIONS_FILE.parent / "README.md").read_text(encoding="utf-8")
    assert "cpca" in readme and "0.5.5" in readme and "MIT" in readme
    with DIVISIONS_FILE.open(encoding="utf-8") as handle:
        assert handle.readline().strip() == "adcode,name,level,parent"


def test_the_script_builds_the_table_from_the_wheel(tmp_path: Path) -> None:
    rows = [
        ("430000000000", "湖南省"), ("430100000000", "长沙市"), ("430101000000", "市辖区"),
        ("430102000000", "芙蓉区"), ("429000000000", "省直辖县级行政区划"), ("420000000000", "湖北省"),
        ("429004000000", "仙桃市"),
    ]  # fmt: skip
    wheel = tmp_path / "cpca-0.5.5-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        text = "adcode,name,longitude,latitude\n" + "".join(f"{c},{n},1.0,2.0\n" for c, n in rows)
        archive.writestr("cpca/resources/adcodes.csv", text)
    out = tmp_path / "china.csv"
    assert _build_script().main(wheel, out) == 5
    with out.open(encoding="utf-8") as handle:
        got = [tuple(r.values()) for r in csv.DictReader(handle)]
    assert got == [
        ("420000", "湖北省", "province", ""),
        ("429004", "仙桃市", "county", "420000"),  # under a placeholder: its province
        ("430000", "湖南省", "province", ""),
        ("430100", "长沙市", "prefecture", "430000"),
        ("430102", "芙蓉区", "county", "430100"),
    ]
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("cpca/resources/adcodes.csv", text + "4301020000,短码,1,2\n")
    with pytest.raises(ValueError, match="unexpected adcode"):
        _build_script().main(wheel, out)


def test_short_names_of_autonomous_counties() -> None:
    assert short_name("城步苗族自治县") == "城步县"
    assert short_name("靖州苗族侗族自治县") == "靖州县"
    assert short_name("龙胜各族自治县") == "龙胜县"
    assert short_name("长沙县") is None
    levels = unit_levels()
    assert levels["湖南省"] == 0 and levels["长沙市"] == 1 and levels["湘乡市"] == 2 and levels["城步县"] == 2
    assert "城区" not in levels and "新城区" not in levels  # words for a part of any town
    assert "河南县" not in levels  # 河南蒙古族自治县's short name reads as the province and 县


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        ("请求提高湘乡市啤酒厂内退人员的待遇", ["湘乡市"]),
        ("湖南省南县有70多万人", ["湖南省", "南县"]),  # a name of two characters
        ("投诉城步县儒林镇的中学乱收费", ["城步县"]),  # an autonomous county by its short name
        ("望城区月亮岛路高压线", ["望城区"]),  # the segmenter reads 望/城区
        ("我们湖南县城的房价", []),  # 南县 of 湖南 + 县城 is no county
        ("长沙市与星沙县只有一墙之隔", ["长沙市", "星沙县"]),  # not 沙县 of 福建
        ("但随着一批沿海城市发展", []),  # not 海城市 of 辽宁
        ("按照省市要求办理", []),  # words glued to a unit, no known unit
        ("D6县是农县大县", []),
        ("这片居民区的路灯坏了", []),  # a common noun
        ("雨花经开区的企业", ["经开区"]),  # a development zone is a unit whatever its words
        ("临川区人民医院", ["临川区"]),  # an unknown name (江西's, not in this table's Hunan) is still read
    ],
)
def test_known_divisions_found_and_glued_words_refused(text: str, regions: list[str]) -> None:
    assert regions_of(text) == regions


def test_without_divisions_the_suffix_rules_alone() -> None:
    plain = Language(divisions=False)
    assert regions_of("按照省市要求办理", plain) == ["按照省市"]
    assert regions_of("长沙市与星沙县只有一墙之隔", plain) == ["长沙市", "星沙县"]


def test_the_deployments_names_come_first() -> None:
    text = "东风安置区的路灯坏了"
    assert regions_of(text) == []  # 安置区 is a common word
    assert regions_of(text, Language(region_names=("东风安置区",))) == ["东风安置区"]
    text = "问一下城区电动车上牌"
    assert regions_of(text, Language(region_names=("下城区",))) == ["下城区"]  # taken as the deployment writes it


def _span(text: str, name: str) -> PlaceSpan:
    start = text.index(name)
    return PlaceSpan(name, "village_town", start, start + len(name), 0.9, False)


def test_area_keeps_towns_and_reads_units_better() -> None:
    text = "攸县皇图岭镇界联村请求整改道路\n我是攸县皇图岭镇界联村的一位学子"
    assert area_of(text, title_len=15, spans=[_span(text, "攸县皇图岭镇")]).name == "皇图岭镇"  # a town, no prefix
    text = "请求提高湘乡市啤酒厂内退人员的待遇\n职工的内退待遇一直在500元左右"
    assert area_of(text, title_len=17, spans=[_span(text, "提高湘乡")]).name == "湘乡市"  # no town: 湘乡 + 市
    text = "长沙市浏阳市永安镇的路灯不亮\n路灯坏了很久"
    assert area_of(text, title_len=14).name == "永安镇"  # a town beats any unit
    text = "长沙市浏阳市的路灯不亮\n路灯坏了很久"
    assert area_of(text, title_len=11).name == "浏阳市"  # a county-level city is more specific than its city
