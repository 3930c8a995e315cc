"""The numpy counting of character n-grams gives scikit-learn's TF-IDF matrix exactly: the shipped model's
vectorizers on the labelled messages, vectorizers of other shapes, and texts with white space, capitals,
characters no n-gram has and nothing at all; what it does not cover is left to scikit-learn."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer

from massline.analysis.classify import MessageModel, read_labelled
from massline.analysis.classify.chargrams import CharCounter, NumberTable, char_tfidf, covers

ROOT = Path(__file__).resolve().parents[3]
LABELS = ROOT / "tests" / "data" / "labels"
ODD = [
    "",
    "a",
    "关于  A市\n\n\t西地省  的问题",
    "ABC Def  GHI\u3000\u3000全角空格",
    "表情😀和\ud800孤立代理项",
    "İstanbul ΣΑΣ Straße",
    "一" * 3,
    "\n",
    "  ",
]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    messages = read_labelled(LABELS)[:300]
    return [t for m in messages for t in (m.title, m.body, f"{m.title}\n{m.body}")] + ODD


def _same(a: sp.spmatrix, b: sp.spmatrix) -> None:
    assert type(a) is type(b) and a.dtype == b.dtype and a.shape == b.shape
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data, b.data)


def test_the_shipped_models_vectorizers_give_scikit_learns_matrix(texts: list[str]) -> None:
    model = MessageModel.load(ROOT / "massline" / "data" / "models" / "understanding.joblib")
    vectorizers = [v for v in (model.vectorizer_, model.tail_vectorizer_) if v is not None]
    assert len(vectorizers) == 2 and all(covers(v) for v in vectorizers)
    for vectorizer in vectorizers:
        for start in range(0, len(texts), 100):  # batches, as the pipeline transforms them
            _same(char_tfidf(vectorizer, texts[start : start + 100]), vectorizer.transform(texts[start : start + 100]))


@pytest.mark.parametrize(
    "options",
    [
        {"ngram_range": (1, 4), "min_df": 2, "sublinear_tf": True, "dtype": np.float32},
        {"ngram_range": (2, 3), "max_features": 3000, "sublinear_tf": True, "dtype": np.float32},
        {"ngram_range": (3, 5), "lowercase": False},
        {"ngram_range": (1, 1), "norm": "l1", "use_idf": False},
    ],
)
def test_other_shapes_give_scikit_learns_matrix(texts: list[str], options: dict[str, object]) -> None:
    vectorizer = TfidfVectorizer(analyzer="char", **options).fit(texts[:600])  # type: ignore[arg-type]
    assert covers(vectorizer)
    _same(char_tfidf(vectorizer, texts), vectorizer.transform(texts))
    counts = CharCounter(vectorizer).counts(ODD)
    assert counts.shape == (len(ODD), len(vectorizer.vocabulary_)) and counts[0].nnz == 0


def test_what_it_does_not_cover_is_scikit_learns() -> None:
    texts = ["东城区路灯不亮", "西城区道路积水"]
    for vectorizer in (
        TfidfVectorizer(analyzer="char_wb").fit(texts),
        TfidfVectorizer(analyzer="char", strip_accents="unicode").fit(texts),
        TfidfVectorizer(analyzer="char", binary=True).fit(texts),
    ):
        assert not covers(vectorizer)
        _same(char_tfidf(vectorizer, texts), vectorizer.transform(texts))
    with pytest.raises(ValueError, match="not a fitted"):
        CharCounter(TfidfVectorizer(analyzer="char"))
    with pytest.raises(NotFittedError):
        char_tfidf(TfidfVectorizer(analyzer="char"), texts)
    with pytest.raises(ValueError, match="string object received"):
        char_tfidf(TfidfVectorizer(analyzer="char").fit(texts), "东城区路灯不亮")


def test_a_refitted_vectorizer_is_counted_with_its_new_vocabulary() -> None:
    vectorizer = TfidfVectorizer(analyzer="char").fit(["东城区路灯不亮"])
    before = char_tfidf(vectorizer, ["西城区道路积水"])
    vectorizer.fit(["西城区道路积水"])
    after = char_tfidf(vectorizer, ["西城区道路积水"])
    assert before.nnz == 3 and after.nnz == len(set(vectorizer.vocabulary_))
    _same(after, vectorizer.transform(["西城区道路积水"]))


@pytest.mark.parametrize("size", [0, 1, 7, 20_000])
def test_the_number_table_finds_what_a_dict_finds(size: int) -> None:
    """Random and consecutive numbers, absent ones and 0: each number's column or -1."""
    rng = np.random.default_rng(size)
    numbers = np.unique(rng.integers(1, 2**64 - 1, size=size, dtype=np.uint64, endpoint=True))
    numbers = rng.permutation(np.unique(np.concatenate([numbers, np.arange(1, size // 10 + 2, dtype=np.uint64)])))
    columns = rng.permutation(len(numbers)).astype(np.int64)
    table = NumberTable(numbers, columns)
    if size == 20_000:
        assert 0 < len(table.spill) < len(numbers) // 10  # numbers kept apart are found too
    absent = rng.integers(0, 2**64 - 1, size=500, dtype=np.uint64, endpoint=True)
    asked = np.concatenate([numbers, absent, numbers[::3], np.zeros(3, dtype=np.uint64)])
    known = dict(zip(numbers.tolist(), columns.tolist(), strict=True))
    assert table.find(asked).tolist() == [known.get(n, -1) for n in asked.tolist()]
    assert table.find(np.zeros(0, dtype=np.uint64)).tolist() == []
    nothing = NumberTable(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64))
    assert nothing.find(asked).tolist() == [-1] * len(asked)
