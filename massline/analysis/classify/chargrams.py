"""The transform of a fitted character n-gram TF-IDF vectorizer, its counting done in numpy.

scikit-learn's ``TfidfVectorizer(analyzer="char").transform`` makes every n-gram of every text a Python
string and counts it in a dict (``CountVectorizer._count_vocab``): most of the classifiers' time. For a
fitted vectorizer the same counts follow from arrays: each character becomes the index of the
vocabulary's characters it is (1 … K; 0 for a character no n-gram of the vocabulary has), each window of
1 … ``max_n`` characters the number those indices write in base K + 1 (a window holding a 0 or crossing
two texts is no n-gram of the vocabulary), looked up in a hash table of the numbers of the vocabulary's
n-grams (:class:`NumberTable`).
The texts are prepared as scikit-learn's char analyzer does (lower case when the vectorizer lowercases,
runs of two or more white-space characters made one space), and the counts go through the vectorizer's
own TF-IDF step, so :func:`char_tfidf` gives the same matrix as ``vectorizer.transform``
(tests/analysis/classify/test_chargrams.py compares them). The fitted vectorizer stays the model;
nothing is added to it. A vectorizer this does not cover (another analyzer, a preprocessor, accents
stripped, binary counts, non-string input, too many characters for 64-bit numbers) is transformed by
scikit-learn itself.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from massline.analysis.classify.tfidf import tfidf_step

__all__ = ["CharCounter", "NumberTable", "char_tfidf"]

# per vectorizer: the vocabulary its counter was built for, and the counter (None: it is not covered)
_COUNTERS: weakref.WeakKeyDictionary[TfidfVectorizer, tuple[Any, CharCounter | None]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()
#: Code points whose digits a counter keeps in a table (the Basic Multilingual Plane: 512 KB a counter).
_TABLED = 1 << 16


def _codes(text: str) -> np.ndarray:
    """The code points of ``text`` (lone surrogates included)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


class CharCounter:
    """The n-gram counts of a fitted ``TfidfVectorizer(analyzer="char")``'s vocabulary, from arrays.

    Raises ``ValueError`` for a vectorizer it cannot count exactly (:func:`covers` says which).
    """

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        if not covers(vectorizer):
            raise ValueError("not a fitted character n-gram vectorizer this counter covers")
        self.vocabulary = vectorizer.vocabulary_
        self.lowercase = bool(vectorizer.lowercase)
        self.white_spaces = vectorizer._white_spaces
        self.min_n, self.max_n = vectorizer.ngram_range
        self.n_features = len(self.vocabulary)
        self.dtype = vectorizer.dtype
        terms = list(self.vocabulary)
        self.chars = np.unique(_codes("".join(terms)))  # sorted code points; index + 1 is the digit
        self.base = np.uint64(len(self.chars) + 1)
        #: the digit of each code point below :data:`_TABLED` (one read instead of a binary search of the characters)
        self.tabled = self._searched(np.arange(_TABLED, dtype=np.uint32))
        if (len(self.chars) + 1) ** self.max_n >= 2**64:
            raise ValueError("too many characters for 64-bit n-gram numbers")
        lengths = np.fromiter((len(t) for t in terms), dtype=np.int64, count=len(terms))
        digits = self._digits(_codes("".join(terms)))
        starts = np.cumsum(lengths) - lengths
        keys = np.zeros(len(terms), dtype=np.uint64)
        for j in range(int(lengths.max(initial=0))):
            has = j < lengths
            keys[has] = keys[has] * self.base + digits[starts[has] + j]
        self.table = NumberTable(keys, np.fromiter(self.vocabulary.values(), dtype=np.int64, count=len(terms)))

    def _digits(self, codes: np.ndarray) -> np.ndarray:
        """Each code point's digit: 1 + its index among the vocabulary's characters, 0 when absent."""
        if not codes.size or codes.max() < _TABLED:
            return self.tabled[codes]
        return self._searched(codes)

    def _searched(self, codes: np.ndarray) -> np.ndarray:
        """:meth:`_digits` by a binary search of the vocabulary's characters."""
        at = np.searchsorted(self.chars, codes)
        at[at == len(self.chars)] = 0
        return np.where(self.chars[at] == codes, at + 1, 0).astype(np.uint64)

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The count matrix ``CountVectorizer.transform`` gives (the vectorizer's dtype, sorted columns)."""
        prepared = [self.white_spaces.sub(" ", t.lower() if self.lowercase else t) for t in texts]
        lengths = np.fromiter((len(t) for t in prepared), dtype=np.int64, count=len(prepared))
        digits = self._digits(_codes("".join(prepared)))
        doc = np.repeat(np.arange(len(prepared), dtype=np.int64), lengths)
        cells = []
        key = np.zeros(len(digits), dtype=np.uint64)
        valid = np.ones(len(digits), dtype=bool)
        for n in range(1, self.max_n + 1):
            # windows of n characters starting at 0 … len − n: the last n − 1 characters start none
            size = len(digits) - n + 1
            if size <= 0:
                break
            tail = digits[n - 1 :]
            key = key[:size] * self.base + tail
            valid = valid[:size] & (tail != 0) & (doc[:size] == doc[n - 1 :])
            if n < self.min_n:
                continue
            where = np.flatnonzero(valid)
            column = self.table.find(key[where])
            hit = column >= 0
            cells.append(doc[where[hit]] * self.n_features + column[hit])
        flat, count = np.unique(np.concatenate(cells) if cells else np.zeros(0, np.int64), return_counts=True)
        rows = flat // max(self.n_features, 1)
        indptr = np.searchsorted(rows, np.arange(len(prepared) + 1)).astype(np.int32)
        return sp.csr_matrix(
            (count.astype(self.dtype), (flat % max(self.n_features, 1)).astype(np.int32), indptr),
            shape=(len(prepared), self.n_features),
        )


class NumberTable:
    """Distinct non-zero 64-bit numbers and their columns in a hash table of buckets of :attr:`WIDTH` slots
    (0 marks an empty slot; the few per cent of numbers that do not fit in their bucket are kept sorted
    apart). :meth:`find` reads a number's bucket, one cache line, where a binary search of a sorted array
    of the category model's 500,000 n-grams read twenty places, most of them outside the CPU's caches."""

    WIDTH = 4
    _MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the product's top bits are the bucket

    def __init__(self, numbers: np.ndarray, columns: np.ndarray) -> None:
        if not numbers.all():
            raise ValueError("0 marks an empty slot: it cannot be a number of the table")
        bits = max(len(numbers) // 2, 1).bit_length()  # 1 to 2 numbers a bucket on average
        self._shift = np.uint64(64 - bits)
        bucket = self._bucket(numbers)
        order = np.argsort(bucket, kind="stable")
        bucket, numbers, columns = bucket[order], numbers[order], columns[order]
        rank = np.arange(len(bucket)) - np.searchsorted(bucket, bucket)  # place among its bucket's numbers
        fits = rank < self.WIDTH
        # a number is in its bucket's row or, when the row is full, in the sorted spill
        self.numbers = np.zeros((1 << bits, self.WIDTH), dtype=np.uint64)
        columns_of = np.full((1 << bits, self.WIDTH), -1, dtype=np.int64)
        self.numbers[bucket[fits], rank[fits]] = numbers[fits]
        columns_of[bucket[fits], rank[fits]] = columns[fits]
        self.columns = columns_of.reshape(-1)  # slot bucket · WIDTH + place
        self.full = np.zeros(1 << bits, dtype=bool)
        self.full[bucket[~fits]] = True
        spill = np.argsort(numbers[~fits])
        self.spill, self.spill_columns = numbers[~fits][spill], columns[~fits][spill]

    def _bucket(self, numbers: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return ((numbers * self._MULTIPLIER) >> self._shift).view(np.int64)  # < 2**bits: the same value

    def find(self, numbers: np.ndarray) -> np.ndarray:
        """The column of each of ``numbers`` (uint64); -1 for a number not in the table."""
        bucket = self._bucket(numbers)
        match = np.take(self.numbers, bucket, axis=0) == numbers[:, None]
        slot = bucket * self.WIDTH + match.argmax(axis=1)
        out = np.where(match.any(axis=1), np.take(self.columns, slot), -1)
        rest = np.flatnonzero((out < 0) & np.take(self.full, bucket))
        if rest.size:
            at = np.minimum(np.searchsorted(self.spill, numbers[rest]), len(self.spill) - 1)
            hit = self.spill[at] == numbers[rest]
            out[rest[hit]] = self.spill_columns[at[hit]]
        return out


def covers(vectorizer: TfidfVectorizer) -> bool:
    """Whether :class:`CharCounter` counts exactly what ``vectorizer`` (fitted) counts."""
    return (
        vectorizer.analyzer == "char"
        and vectorizer.input == "content"
        and vectorizer.preprocessor is None
        and vectorizer.strip_accents is None
        and not vectorizer.binary
        and hasattr(vectorizer, "vocabulary_")
        and vectorizer.ngram_range[0] >= 1
    )


def _counter(vectorizer: TfidfVectorizer) -> CharCounter | None:
    """The vectorizer's counter, built once per fitted vocabulary (None: scikit-learn transforms)."""
    vocabulary = getattr(vectorizer, "vocabulary_", None)
    known = _COUNTERS.get(vectorizer)
    if known is not None and known[0] is vocabulary:
        return known[1]
    try:
        built: CharCounter | None = CharCounter(vectorizer)
    except ValueError:
        built = None
    with _LOCK:
        _COUNTERS[vectorizer] = (vocabulary, built)
    return built


def char_tfidf(vectorizer: TfidfVectorizer, texts: Sequence[Any]) -> Any:
    """``vectorizer.transform(texts)`` (a fitted ``TfidfVectorizer``), counted in numpy when it can be."""
    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        return vectorizer.transform(texts)  # scikit-learn's own checks and errors
    counter = _counter(vectorizer)
    if counter is None:
        return vectorizer.transform(texts)
    return tfidf_step(vectorizer, counter.counts(texts))
