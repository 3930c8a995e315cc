"""The learned choice among candidate places (``places/ranker.py``, trained by ``places/training.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from massline.analysis.places import GENERAL, PlaceTagger
from massline.analysis.places.ranker import (
    Candidate,
    PlaceRanker,
    candidates,
    features,
    ranker_path,
)
from massline.analysis.places.training import train_places
from massline.services.pipeline import PLACE_MODEL

from .test_spans import EXAMPLES


def _group(good: float, bad: float) -> list[tuple[dict[str, float], bool]]:
    return [({"conf": good, "title": 1.0}, True), ({"conf": bad, "cmp": 1.0}, False)]


def test_the_ranker_learns_which_candidate_is_the_place_and_when_there_is_none(tmp_path: Path) -> None:
    groups = [_group(0.9, 0.2), _group(0.7, 0.4), _group(0.8, 0.1)] * 10
    nothing = [[({"conf": 0.05}, False)]] * 10
    ranker = PlaceRanker(C=10.0).fit(groups + nothing, [True] * 30 + [False] * 10)
    assert ranker.weights_["conf"] > 0 and ranker.weights_["cmp"] < 0
    assert ranker.probability({"conf": 0.8, "title": 1.0}) > ranker.probability({"conf": 0.8, "cmp": 1.0})
    assert ranker.probability({"conf": 0.05}) < ranker.threshold_ <= ranker.probability({"conf": 0.8, "title": 1.0})
    loaded = PlaceRanker.load(ranker.save(tmp_path / "r.json"))
    assert loaded.weights_ == ranker.weights_ and loaded.threshold_ == ranker.threshold_
    assert loaded.probability({"conf": 0.5}) == pytest.approx(ranker.probability({"conf": 0.5}))
    broken = tmp_path / "broken.json"
    broken.write_text('{"weights": []}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a place ranker file"):
        PlaceRanker.load(broken)


def test_the_candidates_of_one_name_add_their_odds() -> None:
    ranker = PlaceRanker()
    ranker.weights_, ranker.bias_ = {"conf": 4.0}, -2.0  # odds exp(4 conf - 2)
    once, twice = {"conf": 0.6}, {"conf": 0.5}  # odds e^0.4 = 1.49 against 2 e^0 = 2
    probability, chosen = ranker.choose([("甲小区", once), ("乙小区", twice), ("乙小区", {"conf": 0.5, "x": 1.0})])
    assert chosen == 1 and probability == pytest.approx(2 / 3)
    assert ranker.choose([("甲小区", once), ("乙小区", twice)]) == (pytest.approx(ranker.probability(once)), 0)
    assert ranker.choose([]) == (0.0, -1)
    # the threshold is chosen on the same choice: a name written twice at odds 1 each is a place at 2/3
    groups = [[({"conf": 0.5}, True), ({"conf": 0.5}, True)]] * 5 + [[({"conf": 0.3}, False)]] * 5
    names = [["甲小区", "甲小区"]] * 5 + [["乙路"]] * 5
    fitted = PlaceRanker(C=10.0).fit(groups, [True] * 5 + [False] * 5, names)
    assert all(fitted.choose(list(zip(n, (f for f, _ in g), strict=True)))[0] >= fitted.threshold_
               for g, n in zip(groups[:5], names[:5], strict=True))  # fmt: skip
    assert fitted.choose([("乙路", {"conf": 0.3})])[0] < fitted.threshold_


def test_candidates_add_likely_runs_and_shifted_starts() -> None:
    text = "投诉\n代表晶华美地小区的业主"
    start = text.index("代表")
    found = [Candidate(start, start + 8, "compound", "crf", 0.7)]
    p_out = [0.95] * len(text)
    for k in range(start, start + 8):
        p_out[k] = 0.2
    p_out[0] = p_out[1] = 0.5  # 投诉: likely enough to be a run

    def begin(k: int) -> float:
        return 0.9 if text[k : k + 2] == "晶华" else 0.05

    out = candidates(text, found, p_out, begin)
    names = {text[c.start : c.end]: c.source for c in out}
    assert names["代表晶华美地小区"] == "crf" and names["晶华美地小区"] == "shift" and names["投诉"] == "run"
    shifted = next(c for c in out if text[c.start : c.end] == "晶华美地小区")
    feats = features(shifted, text, 2, begin, p_out, 0.7)
    assert feats["begin"] == 0.9 and feats["src=shift"] == 1.0 and feats["title"] == 0.0
    assert feats["prev=表"] == 1.0 and feats["last=区"] == 1.0


def test_train_places_writes_a_crf_and_a_ranker_the_tagger_uses(tmp_path: Path) -> None:
    model = train_places(EXAMPLES, tmp_path / "places.crfsuite", GENERAL, folds=2)
    assert model.is_file() and ranker_path(model) == tmp_path / "places.ranker.json" and ranker_path(model).is_file()
    tagger = PlaceTagger(model, GENERAL)
    assert tagger.ranker is not None
    place = tagger.place("紫荆园小区停车难", "我住在长乐县紫荆园小区，小区停车位严重不足。")
    assert place is not None and place.text == "紫荆园小区" and place.reasons[0].startswith("排序模型概率")
    assert tagger.place("", "") is None


def test_titles_without_a_body_teach_the_crf_names_the_messages_do_not_have(tmp_path: Path) -> None:
    titles = [("红枫岭书院门口占道经营", "", "红枫岭书院", "school"), ("投诉红枫岭书院乱收费", "", "红枫岭书院", "school"),
              ("关于红枫岭书院食堂的问题", "", "红枫岭书院", "school")] * 4  # fmt: skip
    message = ("红枫岭书院食堂卫生差", "红枫岭书院食堂的饭菜不干净，学生吃了拉肚子。")
    without = PlaceTagger(train_places(EXAMPLES, tmp_path / "a.crfsuite", GENERAL, folds=2), GENERAL)
    assert without.place(*message) is None
    with_titles = PlaceTagger(train_places(EXAMPLES, tmp_path / "b.crfsuite", GENERAL, folds=2, extra=titles), GENERAL)
    place = with_titles.place(*message)
    assert place is not None and place.text == "红枫岭书院" and place.type == "school"


def test_without_a_place_to_learn_from_no_ranker_is_written(tmp_path: Path) -> None:
    stale = tmp_path / "places.ranker.json"
    stale.write_text("{}", encoding="utf-8")
    nothing = [("关于公交线路的建议", "建议增开一条公交线路，方便市民出行。", "", "none")] * 6
    model = train_places(nothing, tmp_path / "places.crfsuite", GENERAL, folds=2)
    assert not stale.exists() and PlaceTagger(model, GENERAL).ranker is None


def test_the_shipped_model_has_its_ranker() -> None:
    tagger = PlaceTagger(PLACE_MODEL, GENERAL)
    assert tagger.ranker is not None and ranker_path(PLACE_MODEL).stat().st_size < 300_000
    place = tagger.place("潇楚佳苑小区停车位问题", "我住在长乐县城关镇紫荆路88号潇楚佳苑小区，物业乱收停车费。")
    assert place is not None and place.text == "潇楚佳苑小区"
