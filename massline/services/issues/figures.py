"""An issue's figures from its messages, for many issues at once (a handful of grouped queries).

Counts, people, support and opposition, public members, first and last
message, mean sentiment, the most frequent region, category and located
region, and the messages the heat is computed from. The pipeline refreshes
every issue a batch touched with one call; an official's merge or split
refreshes one. Also the ≤ 8 messages each issue is described from
(:func:`representative_docs`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from massline.analysis.issues import HeatMessage, IssueDoc
from massline.models import ANONYMOUS_AUTHOR, Message, MessageAnalysis
from massline.services.access import public_condition

_CHUNK = 500
DESCRIBE_DOCS = 8  #: the messages an issue is described from (``representative_docs``)


@dataclass
class Figures:
    """What an issue's refresh needs from its messages."""

    count: int = 0
    people: int = 0
    support: int = 0
    oppose: int = 0
    public: int = 0
    first: datetime | None = None
    last: datetime | None = None
    sentiment: float | None = None
    region_id: int | None = None
    category_id: int | None = None
    located_region_id: int | None = None
    heat_messages: list[HeatMessage] = field(default_factory=list)


def person(author: str | None, message_id: object) -> str:
    """Who a message counts as for the people figures and the heat: its author, or the message itself
    when it was sent without a name (anonymous messages are different people)."""
    return author if author and author != ANONYMOUS_AUTHOR else f"#{message_id}"


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)  # SQLite gives naive datetimes (stored as UTC)


def _most_common(pairs: Sequence[Any]) -> dict[int, int]:
    """``issue -> value`` with the largest count (the smallest value on a tie) from (issue, value, count) rows."""
    best: dict[int, tuple[int, int]] = {}
    for issue_id, value, n in pairs:
        if value is None:
            continue
        key = (-int(n), int(value))
        if issue_id not in best or key < best[issue_id]:
            best[issue_id] = key
    return {issue_id: value for issue_id, (_, value) in best.items()}


def issue_figures(session: Session, issue_ids: Sequence[int]) -> dict[int, Figures]:
    """Figures of these issues (an issue without messages gets empty figures)."""
    out = {i: Figures() for i in issue_ids}
    ids = list(out)
    for start in range(0, len(ids), _CHUNK):
        _fill(session, ids[start : start + _CHUNK], out)
    return out


def _fill(session: Session, ids: list[int], out: dict[int, Figures]) -> None:
    m = Message
    public = case((public_condition(), 1), else_=0)
    for row in session.execute(
        select(
            m.issue_id,
            func.count(),
            func.count(func.distinct(case((m.author_name.not_in(("", ANONYMOUS_AUTHOR)), m.author_name), else_=None))),
            func.sum(case((m.author_name.in_(("", ANONYMOUS_AUTHOR)), 1), else_=0)),
            func.coalesce(func.sum(m.support_count), 0),
            func.coalesce(func.sum(m.oppose_count), 0),
            func.min(m.created_at),
            func.max(m.created_at),
            func.coalesce(func.sum(public), 0),
        )
        .where(m.issue_id.in_(ids))
        .group_by(m.issue_id)
    ):
        f = out[row[0]]
        f.count, f.people = int(row[1] or 0), int(row[2] or 0) + int(row[3] or 0)
        f.support, f.oppose, f.public = int(row[4] or 0), int(row[5] or 0), int(row[8] or 0)
        f.first, f.last = _aware(row[6]), _aware(row[7])
    a = MessageAnalysis
    joined = select(m.issue_id).join(a, a.message_id == m.id).where(m.issue_id.in_(ids))
    for issue_id, mean in session.execute(joined.add_columns(func.avg(a.sentiment_score)).group_by(m.issue_id)):
        out[issue_id].sentiment = mean
    located = session.execute(
        joined.add_columns(a.located_region_id, func.count()).group_by(m.issue_id, a.located_region_id)
    ).all()
    for issue_id, value in _most_common(located).items():
        out[issue_id].located_region_id = value
    regions: dict[int, Counter[int | None]] = defaultdict(Counter)
    categories: dict[int, Counter[int | None]] = defaultdict(Counter)
    for mid, issue_id, created, author, support, oppose, region_id, category_id in session.execute(
        select(m.id, m.issue_id, m.created_at, m.author_name, m.support_count, m.oppose_count, m.region_id,
               m.category_id).where(m.issue_id.in_(ids))
    ):  # fmt: skip
        assert issue_id is not None
        out[issue_id].heat_messages.append(HeatMessage(created, person(author, mid), support or 0, oppose or 0))
        regions[issue_id][region_id] += 1
        categories[issue_id][category_id] += 1
    for issue_id, value in _most_common([(i, v, n) for i, c in regions.items() for v, n in c.items()]).items():
        out[issue_id].region_id = value
    for issue_id, value in _most_common([(i, v, n) for i, c in categories.items() for v, n in c.items()]).items():
        out[issue_id].category_id = value


def representative_docs(session: Session, issue_ids: Sequence[int]) -> dict[int, list[IssueDoc]]:
    """The ≤ 8 messages each issue is described from (most supported, then newest), of many issues at once."""
    out: dict[int, list[IssueDoc]] = {}
    order = (Message.support_count.desc(), Message.created_at.desc(), Message.id)
    for start in range(0, len(issue_ids), 500):
        rank = func.row_number().over(partition_by=Message.issue_id, order_by=order).label("rank")
        ranked = (
            select(Message.issue_id, Message.id, Message.title, Message.body, Message.created_at, Message.author_name,
                   Message.support_count, rank)
            .where(Message.issue_id.in_(issue_ids[start : start + 500]))
            .subquery()
        )  # fmt: skip
        top = select(ranked).where(ranked.c.rank <= DESCRIBE_DOCS).order_by(ranked.c.issue_id, ranked.c.rank)
        rows = session.execute(top)
        for issue_id, mid, title, body, created, author, support, _rank in rows:
            out.setdefault(issue_id, []).append(IssueDoc(mid, title, body, created, author or "", support or 0))
    return out
