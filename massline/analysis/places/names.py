"""Where a place name starts: word boundaries and the run of name characters left of a suffix.

Names must start at a word of the segmenter (jieba, default dictionary, no
HMM) and are cut after an administrative unit, a date or a cue word
(``投诉``, ``在``, ``附近``...), see :func:`left_name`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import TYPE_CHECKING

from massline.analysis.places.language import Language
from massline.analysis.places.words import (
    CUE_RE,
    DATE_RE,
    INNER_CUT,
    LEAD_WORDS,
    MAX_NAME,
    NAME_CHAR,
)
from massline.analysis.text import segment_runs

if TYPE_CHECKING:
    import rjieba

__all__ = ["Bounds", "left_name", "tag_words"]


@lru_cache(maxsize=1)
def _jieba() -> rjieba.Jieba:
    """The segmenter whose word boundaries names must respect (default dictionary, one per process).

    Without HMM: an unknown name is cut into characters rather than glued to
    the word before it (jieba's HMM reads 住进武广新城 as 没住/进武广/新城).
    """
    import rjieba  # its dictionary loads with the first name tagged, not with the gazetteer

    return rjieba.Jieba()


def tag_words(text: str) -> list[tuple[str, str]]:
    """``text`` cut into (word, part-of-speech) by the segmenter place names respect.

    No HMM: an unknown name falls apart into single characters.
    """
    return [(w, t) for w, t in _jieba().tag(text, False) if w]


class Bounds:
    """Word boundaries of a text (offsets where a segmenter token starts or ends), computed lazily.

    ``split``: unit codes cut out before segmenting (the segmenter reads
    a code glued to the name after it wrongly), from the deployment's language.

    A boundary is looked up in the text's run between two punctuation marks that holds it
    (:func:`~massline.analysis.text.segment.segment_runs`), each run segmented once, when first asked:
    the segmenter cuts each run alone, so these are the boundaries of the whole text segmented,
    without segmenting the runs no name is looked for in.
    """

    def __init__(self, text: str, split: re.Pattern[str] | None = None) -> None:
        self.text = text
        self.split = split
        self._set: frozenset[int] | None = None
        self._asked = False  # (a boundary was asked for: :meth:`splits_at` reads the whole text's then)
        self._starts: list[int] = []  # the runs' starts, and of each its end and its inner boundaries once cut
        self._runs: list[tuple[int, frozenset[int] | None]] = []

    @property
    def offsets(self) -> frozenset[int]:
        """Every word boundary of the text (each piece between unit codes segmented whole)."""
        self._asked = True
        if self._set is None:
            pieces = [p for p in self.split.split(self.text) if p] if self.split else [self.text]
            out, i = {0}, 0
            for piece in pieces:
                tokens = [t for t in _jieba().cut(piece, False) if t]
                if "".join(tokens) != piece:  # not normalised: no boundary information
                    self._set = frozenset(range(len(self.text) + 1))
                    return self._set
                for tok in tokens:
                    i += len(tok)
                    out.add(i)
            self._set = frozenset(out)
        return self._set

    def _runs_of(self) -> None:
        if self._starts or not self.text:
            return
        pieces = [p for p in self.split.split(self.text) if p] if self.split else [self.text]
        at = 0
        for piece in pieces:
            for start, end in segment_runs(self.text, at, at + len(piece)):
                self._starts.append(start)
                self._runs.append((end, None))
            at += len(piece)

    def _inner(self, k: int) -> frozenset[int]:
        """The boundaries inside run ``k`` (it is segmented the first time); every offset of the text when the
        segmenter does not give the run back whole, as :attr:`offsets` then has it."""
        end, inner = self._runs[k]
        if inner is None:
            start = self._starts[k]
            run = self.text[start:end]
            tokens = [t for t in _jieba().cut(run, False) if t]
            if "".join(tokens) != run:  # not normalised: no boundary information
                self._set = frozenset(range(len(self.text) + 1))
                return self._set
            out, i = set(), start
            for tok in tokens[:-1]:
                i += len(tok)
                out.add(i)
            inner = frozenset(out)
            self._runs[k] = end, inner
        return inner

    def __contains__(self, i: int) -> bool:
        self._asked = True
        if self._set is not None:
            return i in self._set
        if i == 0:
            return True
        self._runs_of()
        k = bisect_right(self._starts, i) - 1
        if k < 0 or i > self._runs[k][0]:
            return False
        if i in (self._starts[k], self._runs[k][0]):
            return True
        return i in self._inner(k)

    def splits_at(self, i: int) -> bool:
        """Whether a word ends at ``i``; decided on a window around ``i`` unless a boundary of the whole text
        was asked for already (cutting a long body for one question would cost more than the rest of its
        analysis)."""
        if self._asked:
            return i in self
        lo = max(0, i - 6)
        return i - lo in Bounds(self.text[lo : i + 6], self.split).offsets

    def next(self, i: int, end: int) -> int:
        """The first boundary at or after ``i`` (``end`` when none before it)."""
        self._asked = True
        while i < end and i not in self:
            i += 1
        return i

    def strip_lead(self, start: int, end: int) -> int:
        """``start`` moved past leading tokens that are function words or verbs (在, 感谢, 表扬...)."""
        self._asked = True
        while start < end:
            stop = start + 1
            while stop < end and stop not in self:
                stop += 1
            if self.text[start:stop] not in LEAD_WORDS:
                break
            start = stop
        return start


def _cut(head: str, start: int, language: Language, bounds: Bounds | None) -> int:
    """Where the name in ``head`` (at ``start`` of the text) begins: after units, dates, cues and inner names."""
    cut = 0
    for match in language.admin_re.finditer(head):
        cut = max(cut, match.end())
    for match in DATE_RE.finditer(head):
        cut = max(cut, match.end())
    for match in CUE_RE.finditer(head):
        if len(match.group()) == 1 and bounds is not None and not bounds.splits_at(start + match.end()):
            continue  # a one-character cue inside a word: 临 of 临川老街 (not 临街)
        cut = max(cut, match.end())
    # a road, town or compound written right before another name: 劳动东路魅力之城 → 魅力之城
    rest = head[cut:]
    for match in INNER_CUT.finditer(rest):
        cut = max(cut, len(head) - len(rest) + match.end())
    base = cut
    for match in language.organisation_end_re.finditer(head[base:]):  # 广铁集团铁路 is no road
        cut = max(cut, base + match.end())
    return cut


def left_name(text: str, end: int, language: Language, keep_digits: bool = False, bounds: Bounds | None = None) -> str:
    """Name characters left of ``end`` (at most MAX_NAME), cut after admin units and cues.

    Leading digits are dropped (``3栋丽发新城``) unless ``keep_digits`` (``58车贷``).
    With ``bounds`` (word boundaries of ``text``), whole leading words that are
    function words or verbs are dropped (``表扬石门中学 → 石门中学``,
    ``为15路 → 15路``).  The start is not moved to a word boundary otherwise:
    jieba splits unknown names badly (``星沙派`` would lose ``星``).
    """
    start = end
    while start > 0 and end - start < MAX_NAME + 4 and NAME_CHAR.match(text[start - 1]):
        start -= 1
    head = text[start:end]
    cut = _cut(head, start, language, bounds)
    if bounds is not None and start + cut in bounds:
        cut = bounds.strip_lead(start + cut, end) - start
    head = head[cut:]
    if head.isdigit():  # a numbered route: 为15路 → 15路
        return head[-MAX_NAME:]
    head = head.lstrip("·") if keep_digits else head.lstrip("0123456789·")
    if len(head) > MAX_NAME:  # too long: keep the last words that fit (not 孩 of 小孩就读…)
        first = end - MAX_NAME
        if bounds is not None:
            first = bounds.next(first, end)
        head = text[first:end]
    return head
