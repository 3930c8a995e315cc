"""What the public may know of an issue: a description and figures read from its public members only.

An issue's stored description (title, place, problem, summary, keywords) and figures (messages,
people, support, heat...) are the officials': they are read from every member, private messages
included. The public sees another description and other figures:

* the **description** is computed from the issue's public members only (``access.public_condition``:
  public, not rejected, let through by review), at most ``DESCRIBE_DOCS`` of them (most supported, then
  newest), their public title and body (a moderator's edits when there are any) redacted
  (``analysis.text.redact``) *before* they are read, through the same
  ``analysis.issues.describe_issue`` on a cluster built from these members alone (never the stored
  centroid, which holds private words); person names are dropped from its keywords
  (``analysis.issues.without_names``: the segmenter's name tags and the members' author names);
* the **figures** (messages, people, support, opposition, sentiment, first and last message,
  heat and its components) are counted over the public members only.

No column stores them: they are computed when a page is built. The description is cached in the
process, keyed by the issue and the text of the members it was read from (a member made private,
rejected or a new public member gives a new key); the figures are aggregates over indexed rows.
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from massline.analysis.issues import Cluster, HeatMessage, IssueDoc, describe_issue, heat_index, without_names
from massline.analysis.text import redact
from massline.models import Issue, IssueCluster, Message, MessageAnalysis, utcnow
from massline.services.access import public_condition
from massline.services.issues.figures import person
from massline.services.issues.index import StoredIssueIndex
from massline.services.issues.step import DESCRIBE_DOCS, HEAT_PARAMS, components_json

CACHE_SIZE = 4096


@dataclass(frozen=True)
class PublicDescription:
    """An issue's description read from its public members only, redacted."""

    title: str
    place: str
    problem: str
    summary: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class PublicFigures:
    """An issue's figures counted over its public members only, with the heat they give."""

    messages: int
    people: int
    support: int
    opposition: int
    first: datetime | None
    last: datetime | None
    sentiment: float | None
    heat: float
    heat_components: list[dict[str, Any]]
    heat_at: datetime | None


_cache: dict[tuple[int, str], PublicDescription] = {}
_cache_lock = threading.Lock()


def public_figures(session: Session, issues: Sequence[Issue]) -> dict[int, PublicFigures]:
    """The public figures of ``issues`` (by id): every public member counted, no other."""
    ids = [i.id for i in issues]
    rows: dict[int | None, list[tuple[int, datetime, str, int, int]]] = defaultdict(list)
    stmt = select(Message.issue_id, Message.id, Message.created_at, Message.author_name, Message.support_count,
                  Message.oppose_count).where(Message.issue_id.in_(ids), public_condition())  # fmt: skip
    for issue_id, mid, created, author, support, oppose in session.execute(stmt):
        rows[issue_id].append((mid, created, author or "", support or 0, oppose or 0))
    sentiment: dict[int | None, float | None] = {}
    averages = (
        select(Message.issue_id, func.avg(MessageAnalysis.sentiment_score))
        .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .where(Message.issue_id.in_(ids), public_condition())
        .group_by(Message.issue_id)
    )
    for issue_id, avg in session.execute(averages):
        sentiment[issue_id] = avg
    out = {}
    for issue in issues:
        members = rows.get(issue.id, [])
        now = issue.heat_at or utcnow()
        heat = heat_index([HeatMessage(t, person(a, mid), s, o) for mid, t, a, s, o in members], now, HEAT_PARAMS)
        times = [t for _, t, _, _, _ in members]
        avg = sentiment.get(issue.id)
        out[issue.id] = PublicFigures(
            messages=len(members),
            people=len({person(a, mid) for mid, _, a, _, _ in members}),
            support=sum(s for _, _, _, s, _ in members),
            opposition=sum(o for _, _, _, _, o in members),
            first=min(times, default=None),
            last=max(times, default=None),
            sentiment=None if avg is None else float(avg),
            heat=heat.score,
            heat_components=components_json(heat),
            heat_at=issue.heat_at,
        )
    return out


def public_description(session: Session, issue: Issue) -> PublicDescription:
    """The description of ``issue`` read from its public members only (cached by their text)."""
    rows = session.execute(
        select(Message.id, func.coalesce(Message.public_title, Message.title),
               func.coalesce(Message.public_body, Message.body), Message.created_at, Message.author_name,
               Message.support_count)
        .where(Message.issue_id == issue.id, public_condition())
        .order_by(Message.support_count.desc(), Message.created_at.desc(), Message.id)
        .limit(DESCRIBE_DOCS)
    ).all()  # fmt: skip
    digest = hashlib.sha256()
    for mid, title, body, *_ in rows:
        digest.update(f"{mid}\x00{title}\x00{body}\x00".encode())
    key = (issue.id, digest.hexdigest())
    with _cache_lock:
        found = _cache.get(key)
    if found is not None:
        return found
    docs = [IssueDoc(mid, redact(title), redact(body), created, author or "", support or 0)
            for mid, title, body, created, author, support in rows]  # fmt: skip
    described = _describe(session, issue, docs)
    with _cache_lock:
        if len(_cache) >= CACHE_SIZE:
            _cache.clear()
        _cache[key] = described
    return described


def _describe(session: Session, issue: Issue, docs: Sequence[IssueDoc]) -> PublicDescription:
    """``describe_issue`` on a cluster of ``docs`` alone (redacted public members)."""
    if not docs:
        return PublicDescription("", "", "", "", ())
    state = session.get(IssueCluster, issue.id)
    place = state.place_key if state is not None else ""
    index = StoredIssueIndex(session)
    cluster = Cluster(issue.id, place, keys={place} if place else set())
    features = []
    for doc in docs:
        f = index.doc_features(doc, learn=False)
        f.vector = index.vectorize(f)
        index.join(cluster, doc.key, f)
        features.append(f)
    summary = describe_issue(cluster, docs, features, index.language)
    texts = [d.title + "\n" + d.body for d in docs]
    keywords = without_names(summary.keywords, texts, [d.author for d in docs])
    title, problem = summary.title, summary.problem
    if problem == "、".join(summary.keywords[:3]) and keywords != summary.keywords:  # a problem made of keywords
        problem = "、".join(keywords[:3])
        title = title.replace(summary.problem, problem)
    return PublicDescription(title[:200], summary.place[:100], problem[:200], summary.summary, tuple(keywords))
