"""Reviewing a reply: every criterion of ``CRITERIA`` scored in [0, 1] with its evidence and,
when low, a suggestion; the overall score (总分) and the findings in Chinese.

总分 = (Σ WEIGHTS[k] × score[k]) × (0.5 + 0.5 × 相关性): the weighted mean of the criteria,
halved at worst when the reply is not about this message — a well-written reply to another
message is not a good reply to this one.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from massline.analysis.replies.content import LOW, completeness, relevance, timeliness
from massline.analysis.replies.demands import split_demands, split_reply
from massline.analysis.replies.matching import match_demands
from massline.analysis.replies.text import is_boilerplate
from massline.analysis.replies.types import CaseText, DemandMatch, Review
from massline.analysis.replies.wording import interpretability, plainness, specificity

__all__ = ["LOW", "WEIGHTS", "findings", "review_reply"]

#: How the overall score is composed (documented in docs/replies.md); the weights sum to 1.
WEIGHTS = {
    "relevance": 0.2,
    "completeness": 0.25,
    "interpretability": 0.15,
    "timeliness": 0.1,
    "specificity": 0.15,
    "plainness": 0.15,
}


def review_reply(
    case: CaseText,
    reply: str,
    *,
    replied_at: datetime | None = None,
    outside_remit: Collection[tuple[int, int]] = (),
) -> Review:
    """Review ``reply`` to the message ``case``: one criterion per key of ``CRITERIA``
    (scores in [0, 1], evidence, a suggestion when low), the overall score composed by
    ``WEIGHTS`` and relevance (see the module), and which reply sentences answer which demand.
    ``outside_remit`` holds the ``(start, end)`` spans of the demands the office marked
    outside its remit (with the competent office): they count as answered, by referral."""
    demands = split_demands(f"{case.title.strip()}\n{case.body.strip()}")
    sentences = [s for _, _, s in split_reply(reply)]
    substantive = [s for s in sentences if not is_boilerplate(s)]
    remit = set(outside_remit)
    matches = [
        DemandMatch(m.demand, m.sentences, referred=True) if (m.demand.start, m.demand.end) in remit else m
        for m in match_demands(demands, reply, title=case.title)
    ]
    by_key = {
        "relevance": relevance(case, substantive),
        "completeness": completeness(matches, sentences, substantive),
        "interpretability": interpretability(substantive),
        "timeliness": timeliness(case, replied_at),
        "specificity": specificity(substantive),
        "plainness": plainness(reply),
    }
    criteria = tuple(by_key.values())
    mean = sum(WEIGHTS[c.key] * c.score for c in criteria)
    total = mean * (0.5 + 0.5 * by_key["relevance"].score)
    return Review(criteria, round(total, 4), dict(WEIGHTS), tuple(matches))


def findings(review: Review) -> str:
    """The review's findings in Chinese, one per low criterion (and completeness whenever a
    demand is left unanswered), with its suggestion and the quoted evidence; empty when
    nothing is low."""
    parts = []
    for c in review.criteria:
        if not c.suggestion or (c.score >= LOW and c.key != "completeness"):
            continue
        quoted = f"（依据：{'；'.join(c.evidence[:2])}）" if c.evidence else ""
        parts.append(f"{c.label} {c.score:.2f}：{c.suggestion}{quoted}")
    return "\n".join(parts)
