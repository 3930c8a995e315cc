"""The place grammar is the deployment's: a Language passed in, validated, with real names by default."""

from __future__ import annotations

import pytest

from massline.analysis.places import GENERAL, Gazetteer, Language, RegionEntry, extract_places, regions_of


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("长沙市岳麓区麓谷街道阳光花园小区停车难", ["麓谷街道", "阳光花园"]),
        ("投诉湖南省长沙市天心区丽发新城附近搅拌站", ["丽发新城"]),
        ("株洲市荷塘区红旗路的路灯不亮", ["红旗路"]),
        ("西湖村村民反映修路补偿款未发放", ["西湖村"]),
        ("感谢开福区第一人民医院的护士", ["开福区第一人民医院"]),
        ("五矿万境K9区房屋质量问题", ["五矿万境"]),  # a section of a compound
    ],
)
def test_general_language_reads_real_names(text: str, keys: list[str]) -> None:
    assert [m.key for m in extract_places(text, sections=True)] == keys


def test_codes_and_cases_only_with_a_language_that_has_them() -> None:
    coded = Language(region_code=r"[A-Za-z]\d*(?:省|市|区|县)", case_suffixes=("车贷",), coded_case_suffixes=("车贷",))
    assert regions_of("A市A5区麓谷街道") == []
    assert regions_of("A市A5区麓谷街道", coded) == ["A市", "A5区"]
    assert [m.key for m in extract_places("A市58车贷老板跑路")] == []
    assert [m.key for m in extract_places("A市58车贷老板跑路", language=coded)] == ["58车贷"]


def test_suffixes_are_the_languages() -> None:
    text = "翠湖名邸业主反映电梯故障"
    assert extract_places(text) == []
    villas = Language(compound_suffixes=(*GENERAL.compound_suffixes, "名邸"))
    assert [m.key for m in extract_places(text, language=villas)] == ["翠湖名邸"]


def test_region_names_are_units_whatever_the_segmenter_says() -> None:
    text = "望城区月亮岛路高压线"  # the segmenter reads 望/城区
    assert regions_of(text, Language(divisions=False)) == []
    assert regions_of(text, Language(divisions=False, region_names=("望城区",))) == ["望城区"]
    assert regions_of(text) == ["望城区"]  # one of China's divisions, which the general language knows


def test_from_mapping_validates() -> None:
    language = Language.from_mapping({"name": "x", "compound_suffixes": "小区 苑", "problem_stopwords": ["您好"]})
    assert language.compound_suffixes == ("小区", "苑") and language.road_suffixes == GENERAL.road_suffixes
    with pytest.raises(ValueError, match="unknown field"):
        Language.from_mapping({"compound": "小区"})
    with pytest.raises(ValueError, match="region_code"):
        Language.from_mapping({"region_code": "[A-"})
    with pytest.raises(ValueError, match="at least one suffix"):
        Language.from_mapping({"road_suffixes": []})
    with pytest.raises(ValueError, match="coded_case_suffixes"):
        Language(coded_case_suffixes=("车贷",))
    assert Language.from_mapping({"divisions": False}).divisions is False
    with pytest.raises(ValueError, match="language.divisions: expected true or false"):
        Language.from_mapping({"divisions": "no"})


def test_a_gazetteer_lends_its_units_to_the_language() -> None:
    gazetteer = Gazetteer(
        [
            RegionEntry("hn", "湖南省", "province"),
            RegionEntry("cs", "长沙市", "city", "hn"),
            RegionEntry("ylq", "岳麓区", "district", "cs"),
            RegionEntry("lgjd", "麓谷街道", "street", "ylq"),
        ]
    )
    assert gazetteer.language.region_names == ("湖南省", "长沙市", "岳麓区")
    assert gazetteer.language.compound_suffixes == GENERAL.compound_suffixes
