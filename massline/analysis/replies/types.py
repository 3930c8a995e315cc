"""The reply desk's vocabulary: a demand (诉求) of a message, the match of a reply's
sentences to it, and a reply's review with its criteria, evidence and suggestions.

These are the shapes the service domain (``services.replies``), the workbench and
``massline replies review`` share; the algorithms live in sibling modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

#: The kinds of demand a message holds.
DEMAND_KINDS = {"question": "询问", "action": "请求办理", "complaint": "反映问题"}

#: The review's criteria in the order of the contract's columns, with their Chinese names.
CRITERIA = {
    "relevance": "相关性",
    "completeness": "完整性",
    "interpretability": "可解释性",
    "timeliness": "及时性",
    "specificity": "具体性",
    "plainness": "平实度",
}


@dataclass(frozen=True)
class Demand:
    """One thing a citizen asks: its kind (a key of ``DEMAND_KINDS``) and its span in
    the text it was split from (``text[start:end] == self.text``)."""

    kind: str
    start: int
    end: int
    text: str
    context: str = ""  # the message's sentences that lead up to the demand (what it is about)


@dataclass(frozen=True)
class DemandMatch:
    """Which sentences of a reply (their indexes in ``split_reply``) answer a demand."""

    demand: Demand
    sentences: tuple[int, ...]
    #: answered by referring it elsewhere: a reply sentence does (转交, 请向…咨询, 不属于…职责), or
    #: the office marked the demand outside its remit (``review_reply(outside_remit=...)``)
    referred: bool = False

    @property
    def answered(self) -> bool:
        """True when at least one reply sentence answers the demand (or refers it elsewhere)."""
        return bool(self.sentences) or self.referred


@dataclass(frozen=True)
class CaseText:
    """What the review knows of the message a reply answers."""

    title: str
    body: str
    submitted_at: datetime | None = None
    deadline_days: float | None = None  # the deadline that applied, in days


@dataclass(frozen=True)
class Criterion:
    """One criterion's score in [0, 1] (higher is better), the sentences it rests on,
    and a concrete suggestion when the score is low (empty otherwise)."""

    key: str
    score: float
    evidence: tuple[str, ...] = ()
    suggestion: str = ""

    @property
    def label(self) -> str:
        """The criterion's Chinese name."""
        return CRITERIA.get(self.key, self.key)


@dataclass(frozen=True)
class Review:
    """A reply's review: one ``Criterion`` per key of ``CRITERIA``, the overall score
    and how it was composed (weights by criterion key)."""

    criteria: tuple[Criterion, ...]
    total: float
    weights: dict[str, float] = field(default_factory=dict)
    matches: tuple[DemandMatch, ...] = ()

    def score(self, key: str) -> float:
        """The score of one criterion by key."""
        return next(c.score for c in self.criteria if c.key == key)
