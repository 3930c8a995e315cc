"""The CRF's training copies (``augment``): renamed units, swapped places, reproducible, and what they teach."""

from __future__ import annotations

from pathlib import Path

from massline.analysis.places import GENERAL, PlaceTagger
from massline.analysis.places.augment import augmented, renamed, renaming, swapped
from massline.analysis.places.training import train_places
from massline.io.profiles import load_profile

EXAMPLES = [
    ("A5区潇楚佳苑小区停车乱收费", "A市A5区潇楚佳苑小区物业乱收停车费，潇楚佳苑小区业主很无奈。", "潇楚佳苑小区", "compound"),
    ("枫林绿洲噪音扰民", "A3区枫林绿洲旁工地夜间施工。", "枫林绿洲", "compound"),
    ("芙蓉中路积水严重", "每逢下雨芙蓉中路就积水。", "芙蓉中路", "road"),
    ("关于公交线路的建议", "建议A市增开公交线路。", "", "none"),
]  # fmt: skip


def test_renamed_copies_write_the_units_with_real_names_in_text_and_label() -> None:
    names = load_profile("tipdm2020c").real_names
    copies = renamed(EXAMPLES, names)
    assert copies[0] == ("岳麓区潇楚佳苑小区停车乱收费", "长沙市岳麓区潇楚佳苑小区物业乱收停车费，潇楚佳苑小区业主很无奈。",
                         "潇楚佳苑小区", "compound")  # fmt: skip
    assert copies[1][1] == "开福区枫林绿洲旁工地夜间施工。" and copies[2][1] == "建议长沙市增开公交线路。"
    assert len(copies) == 3  # the road's message names no unit: no copy
    assert renamed([("五矿万境K9区漏水", "", "五矿万境K9区", "compound")], names) == []  # a section is no unit
    assert renamed([("A3区含浦镇", "", "A3区含浦镇", "village_town")], names)[0][2] == "开福区含浦镇"


def test_swapped_copies_put_another_place_of_the_type_in_every_occurrence() -> None:
    copies = swapped(EXAMPLES, copies=2, seed=1)
    assert len(copies) == 4  # two of each compound; the road has no other road, the last message no place
    first = copies[0]
    assert first[2] == "枫林绿洲" and first[3] == "compound"
    assert first[0] == "A5区枫林绿洲停车乱收费" and first[1].count("枫林绿洲") == 2 and "潇楚佳苑" not in first[1]
    assert copies[2][2] == "潇楚佳苑小区" and copies[2][1] == "A3区潇楚佳苑小区旁工地夜间施工。"


def test_the_copies_are_the_same_for_the_same_seed() -> None:
    names = load_profile("tipdm2020c").real_names
    more = EXAMPLES + [("梅溪湖小区停水", "梅溪湖小区停水三天。", "梅溪湖小区", "compound")]
    assert augmented(more, copies=3, names=names, seed=7) == augmented(more, copies=3, names=names, seed=7)
    assert augmented(more, copies=0) == []
    assert len(augmented(more, copies=1, names=names)) == 3 + 3


def test_swapped_copies_teach_the_context_of_a_name_never_seen(tmp_path: Path) -> None:
    compounds = ["潇楚佳苑", "枫林绿洲", "麓谷明珠", "梅溪青秀", "金地自在城", "湘江世纪城"]
    contexts = ["我家住在{}，楼下夜夜施工。", "{}物业乱收停车费。", "{}门口的下水道堵了。"]
    examples = [(f"反映{name}的问题", body.format(name), name, "compound") for name in compounds for body in contexts]
    plain = PlaceTagger(train_places(examples, tmp_path / "a.crfsuite", GENERAL, folds=2, max_iterations=30), GENERAL)
    more = PlaceTagger(train_places(examples, tmp_path / "b.crfsuite", GENERAL, folds=2, max_iterations=30,
                                    augment=lambda e: swapped(e, copies=3)), GENERAL)  # fmt: skip
    title, body = "投诉", "我家住在银杉名苑，楼下夜夜施工。"  # a name neither CRF has seen

    def confidence(tagger: PlaceTagger) -> float:
        return max(span.confidence for span in tagger.spans(title, body) if span.text == "银杉名苑")

    assert more.place(title, body) is not None and more.place(title, body).text == "银杉名苑"  # type: ignore[union-attr]
    assert confidence(more) > confidence(plain) + 0.03


def test_renaming_writes_every_code_and_leaves_glued_ones_alone() -> None:
    sub = renaming({"A市": "长沙市", "A1区": "芙蓉区", "K1县": "东安县", "K10县": "江华县"})
    assert sub("A市A1区的K10县和K1县，不是BA市") == "长沙市芙蓉区的江华县和东安县，不是BA市"
    assert renaming({})("A市") == "A市"
