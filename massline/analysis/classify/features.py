"""Feature extraction for the category classifier.

A message reaches the classifier as one string built by
:func:`massline.analysis.classify.model.text_of`: the title on the first line, the
detail (whitespace collapsed) after it.  :class:`MessageVectorizer` turns such
strings into one sparse matrix that joins

* character n-gram TF-IDF (robust to segmentation errors, place-name noise),
* word n-gram TF-IDF from rjieba segmentation, with the taxonomy's
  sub-category terms (二级/三级分类) added to the segmenter's dictionary so that
  e.g. ``安全隐患`` or ``医保`` stay whole words,

with the title repeated ``title_weight`` times so that the short, dense title
counts more than the long detail.  The vectorizers' vocabulary and IDF may be
fitted on extra unlabelled text (the labels are never needed for that).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import rjieba
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

from massline.analysis.classify.blocks import join_columns
from massline.analysis.classify.chargrams import char_tfidf
from massline.analysis.classify.tfidf import words_tfidf

__all__ = ["MessageVectorizer", "WordSegmenter", "split_title", "taxonomy_terms"]

_ALNUM = re.compile(r"[^\W_]")  # a character str.isalnum() accepts (every code point checked): a word's mark

# Words the taxonomy spells in ways that are too long to be useful as one token.
_MAX_TERM_CHARS = 8


def split_title(text: str) -> tuple[str, str]:
    """Split a classifier input into ``(title, detail)`` at the first line break."""
    title, _, detail = text.partition("\n")
    return title.strip(), detail.strip()


def weight_title(text: str, title_weight: int) -> str:
    """Return ``text`` with its title (first line) repeated ``title_weight`` times."""
    title, detail = split_title(text)
    parts = [title] * max(title_weight, 1)
    if detail:
        parts.append(detail)
    return "\n".join(parts)


def taxonomy_terms(rows: Iterable[Sequence[str]]) -> list[str]:
    """Return the distinct sub-category terms of taxonomy rows.

    ``rows`` are ``(一级分类, 二级分类, 三级分类)`` tuples; terms that are empty or
    longer than eight characters are skipped, and a term made of several parts
    (``"城市建设和市政管理"``, ``"物业、业委会"``) also contributes its parts.
    """
    terms: dict[str, None] = {}
    for row in rows:
        for term in row[1:]:
            for part in _term_parts(term.strip()):
                if 2 <= len(part) <= _MAX_TERM_CHARS:
                    terms[part] = None
    return list(terms)


def _term_parts(term: str) -> list[str]:
    parts = [term]
    for sep in ("、", "和", "与", "及", "/", "（", "）", "(", ")"):
        parts = [p for piece in parts for p in piece.split(sep)]
    return [term, *[p for p in parts if p and p != term]]


class WordSegmenter:
    """Picklable rjieba word segmenter with an optional user dictionary.

    The rjieba instance is built lazily and dropped when pickling, so a saved
    model stores only the word list.
    """

    def __init__(self, user_words: Sequence[str] = ()) -> None:
        self.user_words = list(user_words)
        self._jieba: Any = None

    def _engine(self) -> Any:
        if self._jieba is None:
            jieba = rjieba.Jieba()
            for word in self.user_words:
                jieba.add_word(word, 2000, "n")
            self._jieba = jieba
        return self._jieba

    def __call__(self, text: str) -> list[str]:
        """Return the words of ``text`` (whitespace and punctuation-only tokens dropped)."""
        return [w for w in self._engine().cut(text.lower()) if _ALNUM.search(w)]

    def __getstate__(self) -> dict[str, Any]:
        return {"user_words": self.user_words, "_jieba": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.user_words = state["user_words"]
        self._jieba = None


class MessageVectorizer(TransformerMixin, BaseEstimator):
    """Char + word TF-IDF features of classifier inputs, title weighted.

    Parameters
    ----------
    char_ngrams, word_ngrams:
        n-gram ranges; ``word_ngrams=None`` disables word features.
    title_weight:
        how many times the title (first line) is counted.
    min_df:
        minimum document frequency of a feature.
    user_words:
        extra words for the segmenter (e.g. taxonomy terms).
    word_weight:
        factor applied to the word block before joining it to the char block.
    """

    def __init__(
        self,
        char_ngrams: tuple[int, int] = (1, 3),
        word_ngrams: tuple[int, int] | None = (1, 2),
        title_weight: int = 2,
        min_df: int = 2,
        user_words: Sequence[str] = (),
        word_weight: float = 1.0,
    ) -> None:
        self.char_ngrams = char_ngrams
        self.word_ngrams = word_ngrams
        self.title_weight = title_weight
        self.min_df = min_df
        self.user_words = user_words
        self.word_weight = word_weight

    def fit(self, texts: Sequence[str], y: Any = None) -> MessageVectorizer:
        """Learn vocabularies and IDF weights from ``texts`` (labels unused)."""
        weighted = [weight_title(t, self.title_weight) for t in texts]
        self.char_ = TfidfVectorizer(
            analyzer="char",
            ngram_range=self.char_ngrams,
            sublinear_tf=True,
            min_df=self.min_df,
            dtype=np.float32,
        ).fit(weighted)
        self.word_: TfidfVectorizer | None = None
        if self.word_ngrams is not None:
            self.segmenter_ = WordSegmenter(self.user_words)
            self.word_ = TfidfVectorizer(
                analyzer=_NgramAnalyzer(self.segmenter_, self.word_ngrams),
                sublinear_tf=True,
                min_df=self.min_df,
                dtype=np.float32,
            ).fit(weighted)
        return self

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Return the joined feature matrix of ``texts``."""
        weighted = [weight_title(t, self.title_weight) for t in texts]
        blocks = [char_tfidf(self.char_, weighted)]
        if self.word_ is not None:
            words = words_tfidf(self.word_, weighted)  # a new matrix: weighed in place, as ``words * word_weight``
            words.data *= self.word_weight
            blocks.append(words)
        return join_columns(blocks)


class _NgramAnalyzer:
    """Picklable analyzer: segmenter words joined into n-grams."""

    def __init__(self, segmenter: WordSegmenter, ngrams: tuple[int, int]) -> None:
        self.segmenter = segmenter
        self.ngrams = ngrams

    def __call__(self, text: str) -> list[str]:
        words = self.segmenter(text)
        low, high = self.ngrams
        out: list[str] = []
        for n in range(low, high + 1):
            out.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
        return out
