"""Reviewing a reply. First version: the shapes and a simple scoring that the
refinement replaces criterion by criterion (keeping ``review_reply``'s signature).
"""

from __future__ import annotations

from datetime import datetime

from massline.analysis.replies.demands import split_demands, split_reply
from massline.analysis.replies.types import CaseText, Criterion, Demand, DemandMatch, Review

#: How the overall score is composed (documented in docs/replies.md).
WEIGHTS = {
    "relevance": 0.2,
    "completeness": 0.25,
    "interpretability": 0.15,
    "timeliness": 0.15,
    "specificity": 0.15,
    "plainness": 0.1,
}


def _shared_chars(a: str, b: str) -> float:
    pairs_a = {a[i : i + 2] for i in range(len(a) - 1)}
    pairs_b = {b[i : i + 2] for i in range(len(b) - 1)}
    return len(pairs_a & pairs_b) / len(pairs_a) if pairs_a else 0.0


def match_demands(demands: list[Demand], reply: str) -> list[DemandMatch]:
    """For each demand, the reply sentences that share enough of its words."""
    sentences = split_reply(reply)
    return [
        DemandMatch(d, tuple(i for i, (_, _, s) in enumerate(sentences) if _shared_chars(d.text, s) >= 0.2))
        for d in demands
    ]


def _timeliness(case: CaseText, replied_at: datetime | None) -> Criterion:
    if case.submitted_at is None or replied_at is None or not case.deadline_days:
        return Criterion("timeliness", 0.5, (), "无法判断答复时间")
    days = (replied_at - case.submitted_at).total_seconds() / 86400
    score = 1.0 if days <= case.deadline_days else max(0.0, 1 - (days - case.deadline_days) / case.deadline_days)
    return Criterion("timeliness", round(score, 4), (f"{days:.1f} 天 / 期限 {case.deadline_days:g} 天",))


def review_reply(case: CaseText, reply: str, *, replied_at: datetime | None = None) -> Review:
    """Review ``reply`` to the message ``case``: one criterion per key of ``CRITERIA``
    (scores in [0, 1]), the overall score by ``WEIGHTS``, and the demand matches."""
    matches = match_demands(split_demands(f"{case.title}。{case.body}"), reply)
    answered = sum(m.answered for m in matches)
    completeness = answered / len(matches) if matches else 1.0
    relevance = _shared_chars(case.title, reply)
    criteria = (
        Criterion("relevance", round(min(1.0, relevance * 2), 4)),
        Criterion("completeness", round(completeness, 4)),
        Criterion("interpretability", 0.5),
        _timeliness(case, replied_at),
        Criterion("specificity", 0.5),
        Criterion("plainness", 0.5),
    )
    total = sum(WEIGHTS[c.key] * c.score for c in criteria)
    return Review(criteria, round(total, 4), dict(WEIGHTS), tuple(matches))
