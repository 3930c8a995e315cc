"""The place-span extractor (a CRF over characters): training, the place a message is about, its
administrative area, and the glue fixes of ``regions_of`` — in general Chinese with real names."""

from __future__ import annotations

import pytest

from massline.analysis.places import GENERAL, PlaceSpan, PlaceTagger, area_of, regions_of, train_tagger
from massline.analysis.places.spans import bio_tags, choose_place, trim_edges, with_tail
from massline.services.pipeline import PLACE_MODEL

# (title, body, place, type): a small training set of real-looking messages
EXAMPLES = [
    ("潇楚佳苑小区停车乱收费", "长乐县潇楚佳苑小区物业乱收停车费，请查处。", "潇楚佳苑小区", "compound"),
    ("锦福家园噪音扰民", "我们小区名叫锦福家园，楼下烧烤店每晚吵到凌晨。", "锦福家园", "compound"),
    ("芙蓉中路积水严重", "岳麓区芙蓉中路每逢下雨就积水，行人无法通过。", "芙蓉中路", "road"),
    ("黄花镇垃圾无人清运", "长沙县黄花镇集市垃圾堆积一个月无人清运。", "黄花镇", "village_town"),
    ("明德中学门口交通拥堵", "开福区明德中学门口上下学时段拥堵，孩子过马路很危险。", "明德中学", "school"),
    ("湘雅医院挂号难", "湘雅医院挂号排队三小时，希望增加窗口。", "湘雅医院", "hospital"),
    ("恒达电子有限公司拖欠工资", "天心区恒达电子有限公司拖欠我们三个月工资。", "恒达电子有限公司", "company"),
    ("关于公交线路的建议", "建议增开一条公交线路，方便市民出行。", "", "none"),
] * 6


@pytest.fixture(scope="module")
def small_model(tmp_path_factory: pytest.TempPathFactory) -> PlaceTagger:
    path = train_tagger(EXAMPLES, tmp_path_factory.mktemp("places") / "tiny.crfsuite", GENERAL, max_iterations=40)
    return PlaceTagger(path, GENERAL)


def test_bio_tags_mark_every_occurrence_with_the_type() -> None:
    tags = bio_tags("锦福家园\n名叫锦福家园", "锦福家园", "compound")
    assert tags[:4] == ["B-compound", "I-compound", "I-compound", "I-compound"]
    assert tags[7:11] == ["B-compound", "I-compound", "I-compound", "I-compound"]
    assert tags[4:7] == ["O"] * 3
    assert set(bio_tags("没有地点", "", "none")) == {"O"}


def test_a_trained_model_finds_a_new_place_without_glue(small_model: PlaceTagger) -> None:
    place = small_model.place("紫荆园小区停车难", "我住在长乐县紫荆园小区，小区停车位严重不足。")
    assert place is not None and place.text == "紫荆园小区" and place.type == "compound"
    assert place.in_title and "在标题中" in place.reasons
    assert small_model.place("", "") is None


def test_the_shipped_model_finds_real_names() -> None:
    tagger = PlaceTagger(PLACE_MODEL, GENERAL)
    title, body = "潇楚佳苑小区停车位问题", "我住在长乐县城关镇紫荆路88号潇楚佳苑小区，物业乱收停车费。"
    place = tagger.place(title, body)
    assert place is not None and place.text == "潇楚佳苑小区" and place.type == "compound"
    evidence = place.as_evidence()
    start, end = evidence["span"]  # type: ignore[misc]  # one of the place's occurrences, title or body
    assert evidence["text"] == f"{title}\n{body}"[start:end] == "潇楚佳苑小区" and evidence["reasons"]


def test_a_place_after_a_comparison_word_loses() -> None:
    text = "\n隔壁幸福小区都有电梯，我们阳光小区为什么没有"
    compared = PlaceSpan("幸福小区", "compound", 3, 7, 0.9, False)
    ours = PlaceSpan("阳光小区", "compound", 14, 18, 0.6, False)
    chosen = choose_place([compared, ours], text)
    assert chosen is not None and chosen.text == "阳光小区"
    assert choose_place([PlaceSpan("阳光小区", "compound", 14, 18, 0.05, False)], text) is None  # not confident


def test_regions_of_does_not_glue_the_end_of_a_line_or_road() -> None:
    assert regions_of("地铁3号线长乐县段何时开工") == ["长乐县"]
    assert regions_of("沿着307国道长乐县段") == ["长乐县"]


def test_area_is_the_most_specific_unit_not_one_named_for_comparison() -> None:
    title = "长乐县为什么没有地铁"
    text = f"{title}\n隔壁平江县都有地铁了，为什么我们长乐县没有？"
    area = area_of(text, None, GENERAL, title_len=len(title))
    assert area is not None and area.name == "长乐县" and area.source == "text"
    text = "黄花镇垃圾无人清运\n长沙市长沙县黄花镇集市垃圾堆积"
    town = area_of(text, None, GENERAL, title_len=9)
    assert town is not None and town.name == "黄花镇"
    assert area_of("没有地名的留言", None, GENERAL) is None


def test_the_place_itself_and_scenic_towns_are_no_area() -> None:
    text = "云溪古镇景区秩序混乱\n国庆带家人去云溪古镇，人山人海"
    place = PlaceSpan("云溪古镇", "site", 0, 4, 0.9, True)
    glued = PlaceSpan("国庆带家人去云溪古镇", "village_town", 11, 21, 0.3, False)
    assert area_of(text, place, GENERAL, title_len=10, spans=[place, glued]) is None


def test_edges_are_trimmed_as_the_guide_writes_them() -> None:
    text = "投诉K6县渠港新苑物业\nG4县二中门口拥堵"
    glued = PlaceSpan("县渠港新苑", "compound", 4, 9, 0.8, True)
    assert text[4:9] == "县渠港新苑"
    assert trim_edges(glued, text).text == "渠港新苑"
    bare = PlaceSpan("二中", "school", text.index("二中"), text.index("二中") + 2, 0.8, False)
    trimmed = trim_edges(bare, text)
    assert trimmed.text == "G4县二中" and text[trimmed.start : trimmed.end] == "G4县二中"
    market = PlaceSpan("市场路", "road", 0, 3, 0.8, True)  # a name that starts with 市 keeps it
    assert trim_edges(market, "市场路积水").text == "市场路"
    assert choose_place([glued], text).text == "渠港新苑"


def test_the_chosen_place_takes_the_phase_or_xiaoqu_written_after_it() -> None:
    text = "金地自在城七期交房在即\n岳麓区昇明壹城小区消防通道被堵，梅溪青秀二期小区也一样，万科城期间施工"

    def tail(name: str, nth: int = 0) -> str:
        start = [k for k in range(len(text)) if text.startswith(name, k)][nth]
        return with_tail(PlaceSpan(name, "compound", start, start + len(name), 0.8, start < 11), text).text

    assert tail("金地自在城") == "金地自在城七期"  # a phase
    assert tail("昇明壹城") == "昇明壹城小区"  # the compound's generic suffix
    assert tail("梅溪青秀") == "梅溪青秀二期小区"  # both
    assert tail("梅溪青秀二期") == "梅溪青秀二期"  # a name holding a phase is kept
    assert tail("万科城") == "万科城"  # 期间 is no phase
    assert tail("交房在即") == "交房在即"  # never across the line's end
    span = with_tail(PlaceSpan("昇明壹城", "compound", 15, 19, 0.8, False), text)
    assert text[span.start : span.end] == span.text and span.end == 21


def test_without_a_confident_span_the_titles_named_place_stands(
    small_model: PlaceTagger, monkeypatch: pytest.MonkeyPatch
) -> None:
    from massline.analysis.places import spans as spans_module

    monkeypatch.setattr(spans_module, "choose_place", lambda spans, text: None)
    place, _ = small_model.read("投诉幸福花园小区噪音扰民", "晚上施工，吵得无法入睡。")
    assert place is not None and place.text == "幸福花园小区" and place.in_title
    assert place.reasons == ("标题中的地名（后缀规则）",)
    assert small_model.read("噪音扰民", "晚上施工，吵得无法入睡。")[0] is None


def test_the_features_crfsuite_reads_are_the_training_features_in_utf8() -> None:
    from massline.analysis.places.crf_features import char_features, char_features_utf8

    for title, body, *_ in EXAMPLES[:8]:
        text = f"{title}\n{body}"
        assert char_features_utf8(text, len(title)) == [
            [feature.encode() for feature in row] for row in char_features(text, len(title))
        ]

