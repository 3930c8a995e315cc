"""Reply quality for the dashboard: the reviews of published replies (``ReplyReview`` of stage
published) by office and by month — the mean overall score (总分) and the mean of each criterion —
with the best and the weakest replies of the period, linking to their cases.

Every figure counts only the replies to messages the viewer may read (``access.message_scope``),
like the rest of the dashboard.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import fmean
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.analysis.replies import CRITERIA
from massline.models import Message, Office, ReplyReview, User
from massline.services.access import message_scope
from massline.services.deployment import deployment_zone

MONTHS, EXAMPLES = 12, 5


@dataclass
class QualityRow:
    """The mean scores of a group of replies (an office, a month): how many, 总分, each criterion."""

    label: str
    count: int
    total: float
    criteria: dict[str, float]


@dataclass(frozen=True)
class QualityExample:
    """A reply shown as an example of the best or the weakest: its case, office and scores."""

    message_id: int
    title: str
    office: str
    total: float
    published_at: datetime
    weakest: str  # the Chinese name of its lowest criterion


@dataclass
class ReplyQuality:
    """The dashboard's reply quality: by office, by month (oldest first), the best and the weakest."""

    criteria: dict[str, str]
    offices: list[QualityRow] = field(default_factory=list)
    months: list[QualityRow] = field(default_factory=list)
    best: list[QualityExample] = field(default_factory=list)
    weakest: list[QualityExample] = field(default_factory=list)
    replies: int = 0


def _row(label: str, scores: list[tuple[float, dict[str, float]]]) -> QualityRow:
    means = {k: round(fmean(s[1].get(k, 0.0) for s in scores), 3) for k in CRITERIA}
    return QualityRow(label, len(scores), round(fmean(s[0] for s in scores), 3), means)


def _criteria(scores: dict[str, Any]) -> dict[str, float]:
    items = scores.get("criteria") if isinstance(scores, dict) else None
    return {str(c["key"]): float(c["score"]) for c in items or [] if isinstance(c, dict)}


def reply_quality(session: Session, user: User, now: datetime, months: int = MONTHS) -> ReplyQuality:
    """Reply quality over the last ``months`` months for what ``user`` may read."""
    zone = deployment_zone(session)
    since = now - timedelta(days=31 * months)
    stmt = (
        select(ReplyReview.total, ReplyReview.scores, ReplyReview.created_at, Office.name, Message.id, Message.title)
        .join(Message, Message.id == ReplyReview.message_id)
        .join(Office, Office.id == ReplyReview.office_id)
        .where(ReplyReview.stage == "published", ReplyReview.created_at >= since, message_scope(session, user))
    )
    out = ReplyQuality(dict(CRITERIA))
    by_office: dict[str, list[tuple[float, dict[str, float]]]] = defaultdict(list)
    by_month: dict[str, list[tuple[float, dict[str, float]]]] = defaultdict(list)
    examples = []
    for total, scores, at, office, mid, title in session.execute(stmt):
        criteria = _criteria(scores)
        by_office[office].append((total, criteria))
        by_month[at.astimezone(zone).strftime("%Y-%m")].append((total, criteria))
        low = min(criteria, key=lambda k: criteria[k]) if criteria else ""
        examples.append(QualityExample(mid, title, office, round(total, 3), at, CRITERIA.get(low, low)))
    out.replies = len(examples)
    out.offices = sorted((_row(k, v) for k, v in by_office.items()), key=lambda r: (-r.total, r.label))
    out.months = [_row(k, by_month[k]) for k in sorted(by_month)]
    ranked = sorted(examples, key=lambda e: (-e.total, e.message_id))
    k = min(EXAMPLES, len(ranked) // 2) or len(ranked)  # few replies: half the best, half the weakest
    out.best = ranked[:k]
    out.weakest = [e for e in reversed(ranked[-k:]) if e not in out.best]
    return out
