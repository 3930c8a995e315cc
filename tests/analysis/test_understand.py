"""The facade of ``massline analyse``: the library's rules today, learned models when given."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from massline.analysis.places import GENERAL, Language
from massline.analysis.understand import (
    EVIDENCE_CHARS,
    Judgement,
    MessageModel,
    PlaceSpan,
    PlaceSpanModel,
    Reading,
    load_models,
    understand,
)


def _one(title: str, body: str = "") -> Reading:
    return understand([(title, body)])[0]


def test_a_county_after_a_metro_line_is_the_county() -> None:
    reading = _one("地铁3号线长乐县站何时开通", "请问地铁3号线长乐县段什么时候开通？")
    assert reading.area == "长乐县"
    assert reading.place != "线长乐县"


def test_a_compound_after_a_house_number_has_no_number() -> None:
    assert _one("芙蓉路12号潇楚佳苑小区物业乱收费").place == "潇楚佳苑小区"


@pytest.mark.parametrize(
    ("title", "body", "place"),
    [
        ("碧桂园延期交房", "我是碧桂园的业主，开发商延期交房一年。", ""),  # a brand alone: which project?
        ("长乐县碧桂园延期交房", "长乐县碧桂园的业主反映延期交房。", "长乐县碧桂园"),  # the project, with its county
        ("投诉碧桂园集团拖欠工程款", "碧桂园集团拖欠工程款。", "碧桂园集团"),  # about the company
        ("碧桂园开发商虚假宣传", "碧桂园开发商售楼时虚假宣传。", "碧桂园"),  # about the company
    ],
)
def test_a_developer_brand_is_a_place_only_with_its_area_or_when_the_message_is_about_the_company(
    title: str, body: str, place: str
) -> None:
    assert _one(title, body).place == place


def test_a_brand_list_is_the_deployments() -> None:
    plain = Language(brand_names=())
    assert understand([("碧桂园延期交房", "")], language=plain)[0].place == "碧桂园"
    assert understand([("碧桂园延期交房", "")], language=GENERAL)[0].place == ""


def test_a_counted_thing_is_no_place() -> None:
    assert _one("建议增设公交线路", "建议增设一条公交线路，方便出行。").place == ""


def test_the_rules_map_to_the_platform_labels_with_their_evidence() -> None:
    calm = _one("请问新生儿医保怎么办理", "请问新生儿医保怎么办理？需要哪些材料？")
    assert (calm.kind, calm.urgency, calm.feeling) == ("咨询", "一般", "平和")
    angry = _one("丽发新城小区燃气泄漏", "丽发新城小区正在燃气泄漏，多次投诉无人管，天理何在！！")
    assert (angry.place, angry.urgency, angry.feeling) == ("丽发新城小区", "紧急", "愤怒")
    assert "丽发新城小区" in angry.evidence and "燃气泄漏" in angry.evidence and "天理何在" in angry.evidence
    long = _one("噪音" * 10, ("强烈要求彻查，天理何在，忍无可忍，欺人太甚，官官相护！" * 20))
    assert len(long.evidence) <= EVIDENCE_CHARS


def test_readings_keep_the_order_and_an_empty_batch_is_empty() -> None:
    names = [f"{name}小区" for name in ("丽发新城", "万家丽", "芙蓉华府", "金色家园")]
    assert [r.place for r in understand([(f"{n}噪音扰民", "") for n in names])] == names
    assert understand([]) == []


class _Judge:
    def judge(self, messages: Sequence[tuple[str, str]]) -> list[Judgement]:
        return [Judgement("表扬", "较急", "平和", ("模型",)) for _ in messages]


class _Spans:
    def locate(self, messages: Sequence[tuple[str, str]], language: Language) -> list[PlaceSpan]:
        return [PlaceSpan(title[:3], "某县") for title, _ in messages]


def test_learned_models_replace_the_rules_when_given() -> None:
    assert isinstance(_Judge(), MessageModel) and isinstance(_Spans(), PlaceSpanModel)
    messages = [("丽发新城小区噪音扰民", "噪音扰民。")]
    judged = understand(messages, message_model=_Judge())[0]
    assert (judged.place, judged.kind, judged.urgency, judged.evidence) == ("丽发新城小区", "表扬", "较急",
                                                                            "地点:丽发新城小区；模型")  # fmt: skip
    located = understand(messages, place_model=_Spans())[0]
    assert (located.place, located.area, located.kind) == ("丽发新", "某县", "投诉")


def test_a_model_answering_for_fewer_messages_is_an_error() -> None:
    class Short(_Judge):
        def judge(self, messages: Sequence[tuple[str, str]]) -> list[Judgement]:
            return super().judge(messages)[:-1]

    with pytest.raises(ValueError, match="different number"):
        understand([("a", "b"), ("c", "d")], message_model=Short())


def test_no_model_files_means_the_rules(tmp_path: Path) -> None:
    assert load_models(tmp_path) == (None, None)


def test_the_area_is_no_verb_phrase_ending_in_a_unit() -> None:
    reading = _one("尊敬的市领导您好", "我们要去市里反映，安置区的问题请县里解决。我住在长乐县。")
    assert reading.area == "长乐县"
    assert _one("尊敬的市领导您好", "我们要去市里反映安置区的问题").area == ""


def test_words_glued_to_a_suffix_are_no_place() -> None:
    assert _one("廉租房漏水导致电路起火", "").place == ""
    assert _one("解放路施工扰民", "").place == "解放路"  # a short name keeps its verb


def test_the_place_model_reads_a_message_with_the_profiles_language() -> None:
    """The CRF's features are computed with the language it was trained with (the profile's units and
    suffixes), whatever language the tagger was loaded with: ``massline analyse --profile`` loads it with the
    general language and hands the profile's to the facade."""
    import json

    from massline.analysis.places.spans import PlaceTagger
    from massline.analysis.understand import TaggedPlaces
    from massline.io.profiles import load_profile

    contest = load_profile("tipdm2020c").language
    root = Path(__file__).resolve().parents[2]
    path = root / "massline" / "data" / "models" / "places.crfsuite"
    sample = root / "tests" / "data" / "labels" / "sample2.jsonl"
    rows = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines()][:300]
    texts = [(r["title"], r["body"]) for r in rows]
    loaded_general = understand(texts, language=contest, place_model=TaggedPlaces(PlaceTagger(path)))
    loaded_contest = understand(texts, language=contest, place_model=TaggedPlaces(PlaceTagger(path, contest)))
    assert [(r.place, r.area) for r in loaded_general] == [(r.place, r.area) for r in loaded_contest]
