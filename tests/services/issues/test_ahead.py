"""The issue step's work done ahead of the write (services/issues/ahead.py): the features an index computes
from what was prepared are the ones it computes alone, and the prepared terms cover them."""

from __future__ import annotations

from massline.analysis.issues import IssueDoc, IssueIndex, PlaceVocabulary
from massline.analysis.places import GENERAL
from massline.services.issues.ahead import prepare_features
from massline.services.issues.index import PARAMS, segmenter

TEXTS = [
    ("阳光花园小区车位捆绑销售", "阳光花园小区开发商强迫业主购买车位，不买车位就不给交房，请查处。"),
    ("天心区丽发新城附近搅拌站噪音扰民", "长沙市天心区丽发新城小区附近的搅拌站每天夜间施工，噪音很大，粉尘严重。"),
    ("K9区 五矿万境K9区楼道煤气味", "五矿万境K9区3栋楼道里一直有煤气味，物业不管，担心出事。"),
    ("咨询居住证办理", "请问外地户口在本市办理居住证需要什么材料？"),
    ("", ""),
]


def _index(vocabulary: PlaceVocabulary) -> IssueIndex:
    index = IssueIndex(PARAMS, segmenter(), GENERAL)
    index.vocabulary = vocabulary
    return index


def test_features_from_what_was_prepared_are_the_same() -> None:
    alone, ahead = _index(PlaceVocabulary()), _index(PlaceVocabulary())
    for key, (title, body) in enumerate(TEXTS):  # the vocabulary grows message by message in both
        doc = IssueDoc(key, title, body)
        p = prepare_features(title, body, GENERAL)
        expected = alone.features(doc)
        got = ahead.features(doc, normalized=p.normalized, found=p.found)
        assert got == expected
        assert set(expected.counts) <= p.terms or alone.vocabulary.find(p.normalized[0])  # a learnt place cut out


def test_prepared_terms_are_the_features_of_a_message_alone() -> None:
    title, body = TEXTS[1]
    p = prepare_features(title, body, GENERAL)
    assert p.terms == frozenset(_index(PlaceVocabulary()).features(IssueDoc(0, title, body)).counts)
    assert "#噪音" in p.terms and "丽发新城" not in p.terms  # the problem, not the place


def test_features_reuse_the_prepared_weights_only_when_the_same_names_are_cut() -> None:
    title, body = TEXTS[1]
    p = prepare_features(title, body, GENERAL)
    index = _index(PlaceVocabulary())
    doc = IssueDoc(0, title, body)
    marked = p.weighed._replace(weights={"记号": 1.0})  # the names of the message alone: taken as they are
    assert index.features(doc, normalized=p.normalized, found=p.found, weighed=marked).counts == {"记号": 1.0}
    other = marked._replace(place_words=marked.place_words | {"别处"})  # other names cut: counted again
    assert index.features(doc, normalized=p.normalized, found=p.found, weighed=other).counts == p.weighed.weights


def test_a_learnt_place_makes_the_index_count_the_terms_again() -> None:
    taught = PlaceVocabulary()
    _index(taught).features(IssueDoc(0, "望月湖小区停车难", "望月湖小区停车位太少。"))  # learns 望月湖
    title, body = "望月湖车位捆绑销售", "开发商强迫业主购买车位。"  # (named without its suffix)
    p = prepare_features(title, body, GENERAL)
    expected = _index(taught).features(IssueDoc(1, title, body), learn=False)
    got = _index(taught).features(IssueDoc(1, title, body), learn=False, normalized=p.normalized, found=p.found,
                                  weighed=p.weighed)  # fmt: skip
    assert expected.place is not None and expected.place.name not in p.weighed.place_words  # another place ...
    assert got == expected and got.counts != p.weighed.weights  # ... so the terms were counted again
