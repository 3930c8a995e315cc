"""Tests of the category classifier (synthetic data; no benchmark files)."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from pathlib import Path

import joblib
import numpy as np
import pytest
import scipy.sparse as sp

from massline.analysis.classify.evaluate import calibration_of, cross_validate, near_duplicate_links
from massline.analysis.classify.features import (
    MessageVectorizer,
    WordSegmenter,
    split_title,
    taxonomy_terms,
)
from massline.analysis.classify.model import (
    MODEL_FORMAT_VERSION,
    READABLE_FORMAT_VERSIONS,
    CategoryClassifier,
    ModelFormatError,
    text_of,
)
from massline.analysis.classify.nbsvm import NBSVM, log_count_ratio

TRAFFIC = [
    "公交车站台破损需要维修",
    "路口红绿灯时间太短行人过不去",
    "地铁站出口拥堵请增加班次",
    "出租车拒载乘客请交通部门处理",
    "公路坑洼不平车辆行驶危险",
    "公交线路调整后出行不便",
    "高速收费站排队严重",
    "道路限行政策咨询",
    "公交车司机开车太快",
    "停车场收费太高车辆无处停",
]
EDUCATION = [
    "学校食堂饭菜质量差学生吃不饱",
    "小学入学报名需要哪些材料",
    "教师工资拖欠多月",
    "幼儿园收费过高家长负担重",
    "中学补课乱收费问题",
    "学生校服价格太贵",
    "高考报名政策咨询",
    "学校操场年久失修",
    "老师体罚学生请教育局调查",
    "学区划分不合理孩子上学远",
]
ENVIRONMENT = [
    "工厂排放废气污染空气",
    "河流被污水污染发臭",
    "夜间施工噪音扰民睡不着",
    "垃圾焚烧厂气味难闻",
    "养猪场粪便污染水源",
    "化工厂排污河水变黑",
    "工地扬尘污染严重",
    "餐馆油烟污染居民楼",
    "砂石场噪音粉尘污染",
    "电镀厂偷排废水",
]
CLASSES = {"交通运输": TRAFFIC, "教育文体": EDUCATION, "环境保护": ENVIRONMENT}


def corpus() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for label, titles in CLASSES.items():
        for title in titles:
            texts.append(text_of(title, f"\n\t\t{title}，请有关部门尽快解决。\n\t"))
            labels.append(label)
    return texts, labels


@pytest.fixture(scope="module")
def fitted() -> CategoryClassifier:
    texts, labels = corpus()
    return CategoryClassifier(random_state=0).fit(texts, labels)


def test_text_of_puts_title_on_first_line_and_flattens_detail() -> None:
    text = text_of(" 公交站台破损 ", "\n\t\t\t站台玻璃碎了，\n\n  很危险。\n\t\t")
    assert text == "公交站台破损\n站台玻璃碎了, 很危险。"  # NFKC turns ，into ,
    assert split_title(text) == ("公交站台破损", "站台玻璃碎了, 很危险。")
    assert text_of("只有标题") == "只有标题"
    assert text_of("只有标题", "  \n\t ") == "只有标题"
    assert text_of(None, "只有内容") == "只有内容"


def test_init_stores_parameters_only() -> None:
    model = CategoryClassifier(threshold=0.7, random_state=3)
    assert model.get_params()["threshold"] == 0.7
    assert not hasattr(model, "classes_")
    with pytest.raises(RuntimeError, match="not fitted"):
        model.predict(["x"])


def test_fit_returns_self_and_learns_classes(fitted: CategoryClassifier) -> None:
    assert list(fitted.classes_) == sorted(CLASSES)
    assert isinstance(fitted.models_[0].estimator, NBSVM)  # the default model: calibrated NB-SVM
    assert fitted.vectorizer_.char_ngrams == (1, 4)
    assert fitted.n_train_ == 30
    assert fitted.trained_at_.tzinfo is not None


def test_predicts_unseen_messages(fitted: CategoryClassifier) -> None:
    unseen = [
        text_of("公交车太挤", "早高峰公交车严重拥挤，请增加班次。"),
        text_of("学校乱收费", "学校向学生收取补课费。"),
        text_of("工厂废水污染", "工厂排放污水，河流发臭。"),
    ]
    assert fitted.predict(unseen) == ["交通运输", "教育文体", "环境保护"]


def test_probabilities_are_normalised_and_match_confidence(fitted: CategoryClassifier) -> None:
    texts = [text_of("河流污染严重"), text_of("小学报名")]
    proba = fitted.predict_proba(texts)
    assert proba.shape == (2, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    pairs = fitted.predict_with_confidence(texts)
    for row, (label, confidence) in zip(proba, pairs, strict=True):
        assert confidence == pytest.approx(row.max())
        assert label == fitted.classes_[row.argmax()]
    assert fitted.predict_with_confidence([]) == []


def test_needs_review_uses_threshold() -> None:
    model = CategoryClassifier(threshold=0.6)
    assert model.needs_review(0.59)
    assert not model.needs_review(0.6)
    assert not model.needs_review(0.95)


def test_off_topic_text_is_less_confident(fitted: CategoryClassifier) -> None:
    (_, sure), (_, unsure) = fitted.predict_with_confidence(
        [text_of("化工厂排污河水变黑污染"), text_of("今天天气不错")]
    )
    assert unsure < sure


def test_save_load_round_trip(fitted: CategoryClassifier, tmp_path: Path) -> None:
    path = tmp_path / "model.joblib"
    fitted.save(path)
    header = CategoryClassifier.read_header(path)
    assert header["format_version"] == MODEL_FORMAT_VERSION
    assert header["classes"] == sorted(CLASSES)
    assert header["n_train"] == 30
    assert dt.datetime.fromisoformat(header["trained_at"]).tzinfo is not None
    assert header["model_version"].startswith(f"category-v{MODEL_FORMAT_VERSION}-")
    assert "scikit-learn" in header["libraries"]
    loaded = CategoryClassifier.load(path)
    texts, _ = corpus()
    np.testing.assert_allclose(loaded.predict_proba(texts), fitted.predict_proba(texts))
    assert loaded.model_version() == fitted.model_version()


def test_load_refuses_other_format_version(fitted: CategoryClassifier, tmp_path: Path) -> None:
    path = tmp_path / "old.joblib"
    fitted.save(path)
    payload = joblib.load(path)
    payload["header"]["format_version"] = MODEL_FORMAT_VERSION + 1
    joblib.dump(payload, path)
    with pytest.raises(ModelFormatError, match="format version 3 is not supported .* retrain"):
        CategoryClassifier.load(path)


def test_loads_format_1_files(tmp_path: Path) -> None:
    """A calibrated-SVM model written before the NB-SVM default (format 1) still loads and predicts."""
    assert READABLE_FORMAT_VERSIONS == (1, 2) and MODEL_FORMAT_VERSION == 2
    texts, labels = corpus()
    old = CategoryClassifier(estimators="svm", char_ngrams=(1, 3)).fit(texts, labels)
    del old.format_version_  # format-1 objects have no such attribute
    path = tmp_path / "v1.joblib"
    old.save(path)
    assert CategoryClassifier.read_header(path)["format_version"] == 1
    loaded = CategoryClassifier.load(path)
    assert loaded.model_version().startswith("category-v1-")
    np.testing.assert_allclose(loaded.predict_proba(texts), old.predict_proba(texts))


def test_load_refuses_foreign_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a model at all")
    with pytest.raises(ModelFormatError, match="not a readable model"):
        CategoryClassifier.load(junk)
    other = tmp_path / "other.pkl"
    other.write_bytes(pickle.dumps({"something": 1}))
    with pytest.raises(ModelFormatError, match="not a Massline category model"):
        CategoryClassifier.load(other)


def test_fit_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="labels"):
        CategoryClassifier().fit(["a", "b"], ["x"])
    with pytest.raises(ValueError, match="two distinct"):
        CategoryClassifier().fit(["a", "b"], ["x", "x"])
    with pytest.raises(ValueError, match="unknown estimators"):
        CategoryClassifier(estimators="forest").fit(*corpus())


def test_unlabeled_and_taxonomy_inputs() -> None:
    texts, labels = corpus()
    unlabeled = [text_of("公交车晚点严重"), text_of("幼儿园学费太贵"), text_of("污水直排")]
    taxonomy = [("交通运输", "公共交通", "公交客运"), ("环境保护", "环境污染", "水污染")]
    model = CategoryClassifier(self_training=0.0, taxonomy_examples=True).fit(
        texts, labels, unlabeled=unlabeled, taxonomy=taxonomy
    )
    assert model.n_self_trained_ == 3  # threshold 0 keeps every pseudo-label
    assert model.n_train_ == 32  # two taxonomy rows became examples
    assert "公交客运" in model.vectorizer_.segmenter_.user_words
    assert model.predict([text_of("水污染")]) == ["环境保护"]


def test_single_estimators_work() -> None:
    texts, labels = corpus()
    for name in ("nbsvm", "svm", "lr", "nbsvm+lr"):
        model = CategoryClassifier(estimators=name, word_ngrams=None).fit(texts, labels)
        assert model.predict([text_of("学校操场维修")]) == ["教育文体"]


def test_two_categories_and_three_examples_each() -> None:
    """The smallest set the deployment's retrain accepts: two classes, three rows each."""
    all_texts, all_labels = corpus()
    texts = all_texts[:3] + all_texts[-3:]
    labels = all_labels[:3] + all_labels[-3:]
    model = CategoryClassifier().fit(texts, labels)
    proba = model.predict_proba([text_of("公交车站台破损"), text_of("化工厂排污")])
    assert proba.shape == (2, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    assert model.predict([text_of("公交车站台破损"), text_of("化工厂排污")]) == ["交通运输", "环境保护"]


def test_log_count_ratio_favours_features_of_the_class() -> None:
    features = sp.csr_matrix(np.array([[2.0, 0.0, 1.0], [1.0, 0.0, 1.0], [0.0, 3.0, 1.0]]))
    ratio = log_count_ratio(features, np.array([True, True, False]))
    assert ratio[0] > 0 > ratio[1]  # feature 0 only in the class, feature 1 only outside
    # binarized counts + 1: in the class [3, 1, 3] (sum 7), outside [1, 2, 2] (sum 5)
    assert ratio[2] == pytest.approx(np.log((3 / 7) / (2 / 5)))
    assert ratio.dtype == np.float64


def test_nbsvm_folds_the_ratio_into_the_weights() -> None:
    rng = np.random.default_rng(0)
    y = np.array(["a", "b", "c"] * 20)
    noise = rng.uniform(0, 1, (60, 40)) * (rng.uniform(0, 1, (60, 40)) < 0.2)
    signal = np.eye(3)[np.arange(60) % 3] * rng.uniform(1, 2, (60, 3))
    features = sp.csr_matrix(np.hstack([noise, signal]))
    model = NBSVM(C=0.5).fit(features, y)
    assert model.coef_.shape == (3, 43) and list(model.classes_) == ["a", "b", "c"]
    assert (model.predict(features) == y).mean() > 0.9
    two = NBSVM().fit(features[:40], y[:40] == "a")
    assert two.decision_function(features[:40]).shape == (40,)  # scikit-learn's binary convention
    assert (two.predict(features[:40]) == (y[:40] == "a")).mean() > 0.9
    with pytest.raises(ValueError, match="two classes"):
        NBSVM().fit(features[:3], ["a"] * 3)


def test_calibration_of_measures_reliability() -> None:
    conf = [0.95] * 20 + [0.55] * 20 + [0.3] * 10
    right = [True] * 19 + [False] + [True] * 11 + [False] * 9 + [True] * 3 + [False] * 7
    cal = calibration_of(conf, right, threshold=0.5)
    assert cal.below == 10
    assert cal.accuracy_below == pytest.approx(0.3) and cal.accuracy_above == pytest.approx(30 / 40)
    assert cal.ece == pytest.approx(0.0)  # each bin's accuracy equals its confidence
    assert sum(b[2] for b in cal.bins) == 50
    shifted = calibration_of([c + 0.04 for c in conf], right)
    assert shifted.ece == pytest.approx(0.04)
    assert "expected calibration error" in cal.format()


def test_taxonomy_terms_split_compound_terms() -> None:
    terms = taxonomy_terms([("城乡建设", "城市建设和市政管理", "物业、业委会"), ("x", "", "医保")])
    assert "城市建设和市政管理" not in terms  # longer than eight characters
    assert "城市建设" in terms and "市政管理" in terms
    assert "物业" in terms and "业委会" in terms
    assert "医保" in terms
    assert "" not in terms


def test_segmenter_is_picklable_with_user_words() -> None:
    seg = WordSegmenter(["扰民噪音"])
    assert "扰民噪音" in seg("夜间扰民噪音")
    clone = copy.deepcopy(seg)  # goes through __getstate__/__setstate__ like pickle
    assert clone("夜间扰民噪音") == seg("夜间扰民噪音")
    assert "，" not in seg("噪音，扰民")


def test_segmenter_keeps_the_tokens_with_a_letter_or_digit() -> None:
    text = "A市 ３号楼  _ __x ② Ⅻ 噪音！！…… 100％ ｛｝ ¹²\t\n 扰民——  ok_go"
    tokens = [w for w in WordSegmenter()._engine().cut(text.lower())]
    kept = WordSegmenter()(text)
    assert kept == [w for w in tokens if w.strip() and any(ch.isalnum() for ch in w)]
    assert "噪音" in kept and "！" not in kept and "_" not in kept and len(kept) < len(tokens)


def test_vectorizer_weights_the_title() -> None:
    texts = ["噪音\n施工 施工 施工", "施工\n噪音"]
    once = MessageVectorizer(title_weight=1, word_ngrams=None, min_df=1).fit(texts)
    thrice = MessageVectorizer(title_weight=3, word_ngrams=None, min_df=1).fit(texts)
    col = once.char_.vocabulary_["噪"]
    col3 = thrice.char_.vocabulary_["噪"]
    assert thrice.transform(texts[:1])[0, col3] > once.transform(texts[:1])[0, col]


def test_near_duplicate_links_find_copied_titles() -> None:
    tests = [text_of("A市公交车站台破损需要维修", "内容"), text_of("学校食堂饭菜质量差")]
    others = ["A市公交车站台破损需要维修！", "工厂排放废气污染空气", "学校食堂饭菜质量差"]
    links = near_duplicate_links(tests, others, threshold=0.8)
    assert links.shape == (3, 2)
    assert links[0, 0] > 0 and links[2, 1] > 0
    assert links[1].nnz == 0


def test_cross_validate_drops_leaked_extra_rows() -> None:
    texts, labels = corpus()
    extra = [split_title(t)[0] for t in texts[:5]] + ["公交车辆更新"]
    report = cross_validate(
        texts,
        labels,
        folds=3,
        extra_texts=extra,
        extra_labels=labels[:5] + ["交通运输"],
        make_model=lambda: CategoryClassifier(word_ngrams=None, estimators="lr"),
    )
    assert sum(report.dropped_leaks) == 5  # each copied title dropped in its test fold
    assert report.n_test == 30
    assert set(report.per_class) == set(CLASSES)
    assert sum(map(sum, report.confusion)) == 30
    assert 0.0 <= report.macro_f1 <= 1.0 and len(report.fold_f1) == 3
    assert "macro-F1" in report.format()
    assert report.calibration is not None and report.calibration.threshold == 0.5
    assert "expected calibration error" in report.format()


def test_cross_validate_takes_models_without_confidence() -> None:
    class Majority:
        def fit(self, texts: list[str], labels: list[str]) -> Majority:
            self.label = max(set(labels), key=labels.count)
            return self

        def predict(self, texts: list[str]) -> list[str]:
            return [self.label] * len(texts)

    report = cross_validate(*corpus(), folds=3, make_model=Majority)
    assert report.calibration is None and "calibration" not in report.format()


def test_cross_validate_needs_enough_rows_per_class() -> None:
    with pytest.raises(ValueError, match="at least 5"):
        cross_validate(["a", "b", "c", "d"], ["x", "x", "y", "y"], folds=5)
