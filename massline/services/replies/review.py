"""A reply reviewed against its case: the analysis (``analysis.replies.review_reply``) fed with the
case's text and the deadline that applied, the demands an office marked outside its remit counted
as answered, and the result as plain JSON (shown live in the reply box, stored per reply version).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.analysis.replies import (
    CRITERIA,
    DEMAND_KINDS,
    CaseText,
    Criterion,
    Demand,
    Review,
    review_reply,
    split_demands,
    split_reply,
)
from massline.models import DemandReferral, Message
from massline.services.routing import deadline_days

#: the text the demands are split from, and their spans refer to: the title and the body joined
JOIN = "。"


def message_text(message: Message) -> str:
    """The message's title and body as the demand spans read them."""
    return f"{message.title}{JOIN}{message.body}"


def message_demands(message: Message) -> list[Demand]:
    """The demands of the message (spans in :func:`message_text`)."""
    return split_demands(message_text(message))


def case_text(session: Session, message: Message) -> CaseText:
    """What the review knows of the case: its title, body, time of submission and the days it had to answer
    (the deployment's deadline rule for its category and kind)."""
    days = deadline_days(session, message.category, message.kind)
    return CaseText(message.title, message.body, message.created_at, float(days))


def referrals_of(session: Session, message: Message) -> dict[tuple[int, int], DemandReferral]:
    """The message's demands marked outside the office's remit, by span."""
    rows = session.scalars(select(DemandReferral).where(DemandReferral.message_id == message.id))
    return {(r.span_start, r.span_end): r for r in rows}


def _recomposed(review: Review, criteria: tuple[Criterion, ...]) -> Review:
    total = sum(review.weights.get(c.key, 0.0) * c.score for c in criteria)
    return replace(review, criteria=criteria, total=round(total, 4))


def with_referrals(review: Review, referred: set[tuple[int, int]]) -> Review:
    """``review`` with the referred demands (spans) counted as answered in its completeness."""
    if not review.matches or not referred:
        return review
    done = sum(1 for m in review.matches if m.answered or (m.demand.start, m.demand.end) in referred)
    score = max(review.score("completeness"), round(done / len(review.matches), 4))
    criteria = tuple(
        replace(c, score=score, suggestion="" if done == len(review.matches) else c.suggestion)
        if c.key == "completeness" else c
        for c in review.criteria
    )  # fmt: skip
    return _recomposed(review, criteria)


def _demand_rows(review: Review, referrals: dict[tuple[int, int], DemandReferral]) -> list[dict[str, Any]]:
    rows = []
    for i, match in enumerate(review.matches):
        d = match.demand
        referral = referrals.get((d.start, d.end))
        rows.append({
            "index": i, "kind": d.kind, "kind_label": DEMAND_KINDS.get(d.kind, d.kind), "start": d.start,
            "end": d.end, "text": d.text, "sentences": list(match.sentences), "answered": match.answered,
            "referred_to": referral.office.name if referral else None,
        })  # fmt: skip
    return rows


def _unanswered_suggestion(demands: list[dict[str, Any]]) -> str:
    open_ = [d for d in demands if not d["answered"] and not d["referred_to"]]
    if not open_:
        return ""
    first = open_[0]["text"].strip()
    short = first if len(first) <= 30 else first[:30] + "…"
    return (f"还有 {len(open_)} 项诉求未见答复（如“{short}”）：请逐项回应；"
            "不属本单位职责的，请标记并告知群众主管单位")  # fmt: skip


def review_json(review: Review, text: str, referrals: dict[tuple[int, int], DemandReferral]) -> dict[str, Any]:
    """The review as plain JSON: each criterion (name, score, evidence, suggestion), the overall score and
    its composition, the demands with the reply sentences that answer them, and the reply's sentences."""
    demands = _demand_rows(review, referrals)
    sentences = [{"index": i, "start": a, "end": b, "text": s,
                  "demands": [d["index"] for d in demands if i in d["sentences"]]}
                 for i, (a, b, s) in enumerate(split_reply(text))]  # fmt: skip
    criteria = []
    for c in review.criteria:
        suggestion = c.suggestion
        if c.key == "completeness" and not suggestion:
            suggestion = _unanswered_suggestion(demands)
        criteria.append({"key": c.key, "label": CRITERIA.get(c.key, c.key), "score": round(c.score, 4),
                         "weight": review.weights.get(c.key, 0.0), "evidence": list(c.evidence),
                         "suggestion": suggestion})  # fmt: skip
    composition = " + ".join(f"{c['label']} {c['weight']:.2f}×{c['score']:.2f}" for c in criteria if c["weight"])
    return {
        "total": round(review.total, 4), "composition": composition, "criteria": criteria, "demands": demands,
        "sentences": sentences,
        "unanswered": sum(1 for d in demands if not d["answered"] and not d["referred_to"]),
    }  # fmt: skip


def review_case_reply(session: Session, message: Message, text: str, replied_at: datetime) -> dict[str, Any]:
    """:func:`review_of` as :func:`review_json`."""
    referrals = referrals_of(session, message)
    review = with_referrals(review_reply(case_text(session, message), text, replied_at=replied_at), set(referrals))
    return review_json(review, text, referrals)
