"""Shared machinery for lexicon matching with negation and hedging.

A lexicon is a mapping ``word -> weight``.  :func:`find_terms` finds every
occurrence (longest word first, no overlaps), drops occurrences inside an
idiom that only looks like a trigger (``救命钱``, ``跳楼价``), and reports for
each occurrence whether it is negated or hedged in its clause.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import rjieba

__all__ = ["Hit", "TermMatcher", "clause_bounds", "sentence_bounds"]

_CLAUSE_BREAKS = "，,。！？!?；;\n：:"
_SENTENCE_BREAKS = "。！？!?；;\n"
_CLAUSE_BREAK = re.compile(f"[{re.escape(_CLAUSE_BREAKS)}]")
_SENTENCE_BREAK = re.compile(f"[{re.escape(_SENTENCE_BREAKS)}]")

# Negators that cancel a trigger when they precede it in the same clause
# (within NEGATION_WINDOW characters): 没有安全隐患, 不存在火灾, 未发现漏气.
# Single-character negators (没/无/未/不) only count when they are at most
# SHORT_NEGATION_WINDOW characters before the trigger: 无人问津的危房 is not negated.
NEGATORS = (
    "没有",
    "不存在",
    "未发现",
    "未发生",
    "并无",
    "并未",
    "不会",
    "不是",
    "排除",
    "杜绝",
    "并非",
    "毫无",
    "没什么",
)
SHORT_NEGATORS = ("没", "无", "未", "不", "非")
SHORT_NEGATION_WINDOW = 2
# Prevention wording: the trigger is what is being prevented, not what happened.
PREVENTION = ("防止", "预防", "避免", "防范", "以防", "以免", "消除", "杜绝")
# Hedges that make the trigger a possibility rather than a fact.
HEDGES = (
    "一旦", "如果", "万一", "假如", "倘若", "要是", "可能", "容易", "极易", "担心",
    "害怕",
    "恐怕", "会引发", "会造成", "会导致", "会发生", "或将", "后果", "以后", "将来",
    "难免",
)  # fmt: skip
HEDGE_SUFFIXES = ("隐患", "安全隐患", "风险", "危险", "的危险", "的可能", "之虞")
# Hedges that follow the trigger later in the same sentence: 火灾，垮塌，爆炸都有可能.
LATE_HEDGES = ("有可能", "的话", "不堪设想", "怎么办")
LATE_HEDGE_WINDOW = 16
# Past events: still relevant, but not happening now.
PAST = (
    "曾经", "以前", "去年", "前年", "上次", "之前", "此前", "过去", "年前", "历史上",
    "当年", "那年", "上个星期", "上周", "前几天", "前段时间",
)  # fmt: skip
_PAST_DATE = re.compile(r"(?:19|20)\d\d年|\d{2}年\d|[一二三四五六七八九十\d]+年前")
NEGATION_WINDOW = 6


@dataclass(frozen=True)
class Hit:
    """One lexicon word found in a text."""

    word: str
    start: int
    end: int
    weight: float
    negated: bool
    hedged: bool
    past: bool = False


def _bounds(text: str, start: int, end: int, breaks: str, pattern: re.Pattern[str]) -> tuple[int, int]:
    """From just after the last break before ``start`` to the first break at or after ``end`` (or the text's
    ends)."""
    left = max(text.rfind(c, 0, start) for c in breaks) + 1
    found = pattern.search(text, end)
    return left, found.start() if found is not None else max(end, len(text))


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the clause (between punctuation) containing ``[start, end)``."""
    return _bounds(text, start, end, _CLAUSE_BREAKS, _CLAUSE_BREAK)


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the bounds of the sentence containing ``[start, end)``."""
    return _bounds(text, start, end, _SENTENCE_BREAKS, _SENTENCE_BREAK)


def _alternation(words: Iterable[str]) -> re.Pattern[str]:
    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in ordered)) if ordered else re.compile(r"(?!)")


@lru_cache(maxsize=1)
def _jieba() -> rjieba.Jieba:
    import rjieba  # its dictionary loads with the first text cut, not with the lexicons

    return rjieba.Jieba()


def _token_boundaries(clause: str) -> set[int]:
    bounds = {0}
    pos = 0
    for token in _jieba().cut(clause, True):
        pos += len(token)
        bounds.add(pos)
    return bounds


class TermMatcher:
    """Find lexicon words in text, skipping idioms, flagging negation and hedging.

    With ``check_boundaries`` (the default) a match must start and end on word
    boundaries of the jieba segmentation of its clause, so ``轻生`` is not
    found in ``减轻生产成本``.  Only clauses with a candidate are segmented.
    """

    def __init__(
        self,
        weights: Mapping[str, float],
        idioms: Iterable[str] = (),
        check_boundaries: bool = True,
    ) -> None:
        self.weights = dict(weights)
        self.check_boundaries = check_boundaries
        self._words = _alternation(self.weights)
        self._idioms = _alternation(idioms)

    def find(self, text: str) -> list[Hit]:
        """Return the hits in ``text`` in order of position."""
        blocked = [(m.start(), m.end()) for m in self._idioms.finditer(text)]
        hits: list[Hit] = []
        for m in self._words.finditer(text):
            start, end = m.span()
            if any(b0 < end and start < b1 for b0, b1 in blocked):
                continue
            left, right = clause_bounds(text, start, end)
            if self.check_boundaries:
                bounds = _token_boundaries(text[left:right])
                if start - left not in bounds or end - left not in bounds:
                    continue
            before = text[max(left, start - NEGATION_WINDOW) : start]
            after = text[end:right]
            near = text[max(left, start - SHORT_NEGATION_WINDOW) : start]
            negated = (
                any(n in before for n in NEGATORS)
                or any(n in near for n in SHORT_NEGATORS)
                or any(p in before for p in PREVENTION)
            )
            s_left, s_right = sentence_bounds(text, start, end)
            sentence_before = text[s_left:start]
            late = text[end : min(s_right, end + LATE_HEDGE_WINDOW)]
            hedged = (
                any(h in sentence_before for h in HEDGES)
                or after.startswith(HEDGE_SUFFIXES)
                or any(h in late for h in LATE_HEDGES)
            )
            past = any(p in sentence_before for p in PAST) or bool(_PAST_DATE.search(sentence_before))
            hits.append(
                Hit(
                    m.group(),
                    start,
                    end,
                    self.weights[m.group()],
                    negated,
                    hedged,
                    past,
                )
            )
        return hits
