"""``massline issues rebuild``: re-cluster history in a batch, respecting officials' decisions.

:func:`plan_rebuild` (a read transaction) clusters the messages with
``analysis.concentrate.IssueClusterer``, replays the recorded merges and
splits in order (``IssueDecision``), and maps every new cluster to the old
issue it shares most messages with (greedy by overlap, each old issue used
once), so unchanged issues keep their ids — and their owners, replies and
commitments. :func:`apply_rebuild` writes the plan in **one** write
transaction: a failure leaves the old issues as they were.

``since``: only the messages of issues active since that time (all their
messages) and the unassigned messages received since are re-clustered; the
document frequencies and the place vocabulary are then kept (a full rebuild
replaces them).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from massline.analysis.issues import (
    Cluster,
    DocFeatures,
    HeatMessage,
    IssueClusterer,
    IssueDoc,
    IssueIndex,
    describe_issue,
    heat_index,
)
from massline.analysis.places import Language
from massline.models import (
    Issue,
    IssueCluster,
    IssueDecision,
    IssuePlaceAlias,
    IssuePlaceKey,
    IssuePlacePiece,
    IssuePosting,
    IssueTermDf,
    IssueVocabulary,
    Message,
    MessageAnalysis,
)
from massline.services import audit
from massline.services.access import public_condition
from massline.services.deployment import site_language
from massline.services.issues.figures import person
from massline.services.issues.index import drop_index_rows, segmenter
from massline.services.issues.memory import bump_generation
from massline.services.issues.places import alias_rows
from massline.services.issues.rows import cluster_rows, index_rows, upsert
from massline.services.issues.step import DESCRIBE_DOCS, HEAT_PARAMS, add_issue_event, components_json

_CHUNK = 900


@dataclass
class MessageFacts:
    """What the rebuild needs of a message besides its text."""

    old_issue: int | None
    public: bool
    region_id: int | None
    category_id: int | None
    sentiment: float | None


@dataclass
class PlannedIssue:
    """One cluster of the new clustering and the old issue it continues (None: a new issue)."""

    cluster: Cluster
    members: list[int]
    old_issue: int | None


@dataclass
class RebuildPlan:
    """The result of clustering, ready to be written."""

    full: bool
    docs: dict[int, IssueDoc]
    features: dict[int, DocFeatures]
    facts: dict[int, MessageFacts]
    issues: list[PlannedIssue]
    index: IssueIndex
    decisions: int = 0
    seconds: float = 0.0


@dataclass
class RebuildReport:
    """What a rebuild did."""

    messages: int = 0
    issues: int = 0
    kept: int = 0
    created: int = 0
    emptied: int = 0
    decisions: int = 0
    cluster_seconds: float = 0.0
    write_seconds: float = 0.0
    kept_ids: list[int] = field(default_factory=list)


def plan_rebuild(session: Session, since: datetime | None = None, language: Language | None = None) -> RebuildPlan:
    """Cluster the messages (all, or those touched since ``since``) and map clusters to old issues.

    ``language``: the deployment's place grammar (default: its configured one, ``deployment.site_language``).
    """
    started = time.perf_counter()
    stmt = (
        select(
            Message.id, Message.title, Message.body, Message.created_at, Message.author_name, Message.support_count,
            Message.oppose_count, Message.issue_id, public_condition(),
            Message.region_id, Message.category_id, MessageAnalysis.sentiment_score,
        )
        .outerjoin(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .order_by(Message.created_at, Message.id)
    )  # fmt: skip
    if since is not None:
        active = select(Issue.id).where(Issue.last_message_at >= since)
        stmt = stmt.where(or_(Message.issue_id.in_(active), Message.issue_id.is_(None) & (Message.created_at >= since)))
    docs: dict[int, IssueDoc] = {}
    facts: dict[int, MessageFacts] = {}
    for mid, title, body, created, author, support, oppose, old, public, region, category, sentiment in session.execute(
        stmt
    ):
        docs[mid] = IssueDoc(mid, title, body, created, author or "", support or 0, oppose or 0)
        facts[mid] = MessageFacts(old, bool(public), region, category, sentiment)
    ordered = list(docs.values())
    language = language if language is not None else site_language(session)
    clusterer = IssueClusterer(segmenter=segmenter(), language=language).fit(ordered)
    index = clusterer.index_
    index.release_duplicates()  # the database index finds duplicates through the pipeline's step
    features = {int(str(d.key)): f for d, f in zip(ordered, clusterer.features_, strict=True)}
    decisions = list(session.scalars(select(IssueDecision).order_by(IssueDecision.id)))
    applied = sum(_replay(index, features, d) for d in decisions)
    mapping = _map_to_old(index, facts)
    planned = [PlannedIssue(c, [int(str(k)) for k in c.members], mapping.get(cid)) for cid, c in index.clusters.items()]
    return RebuildPlan(since is None, docs, features, facts, planned, index, applied, time.perf_counter() - started)


def _replay(index: IssueIndex, features: dict[Any, DocFeatures], decision: IssueDecision) -> bool:
    """Apply one recorded merge or split to the clustering; True when it changed something."""
    ids = [m for m in decision.message_ids or [] if m in index.assignment]
    if decision.kind == "merge":
        live = list(dict.fromkeys(index.label(m) for m in ids))
        for other in live[1:]:
            index.merge(live[0], other)
        return len(live) > 1
    kept_clusters = {index.label(k) for k in decision.kept_ids or [] if k in index.assignment}
    moving = [m for m in ids if index.label(m) in kept_clusters]
    if not moving:
        return False
    index.split_off(moving, features)
    return True


def _map_to_old(index: IssueIndex, facts: dict[int, MessageFacts]) -> dict[int, int]:
    """New cluster id → old issue id, greedily by the number of shared messages (each old issue once)."""
    overlap: Counter[tuple[int, int]] = Counter()
    for cid, cluster in index.clusters.items():
        for key in cluster.members:
            old = facts[int(str(key))].old_issue
            if old is not None:
                overlap[(cid, old)] += 1
    mapping: dict[int, int] = {}
    used: set[int] = set()
    for (cid, old), _n in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0])):
        if cid not in mapping and old not in used:
            mapping[cid] = old
            used.add(old)
    return mapping


def apply_rebuild(session: Session, plan: RebuildPlan, now: datetime) -> RebuildReport:
    """Write the plan in the caller's (single) transaction: issues, memberships, clustering state."""
    started = time.perf_counter()
    report = RebuildReport(messages=len(plan.docs), decisions=plan.decisions, cluster_seconds=plan.seconds)
    affected = {f.old_issue for f in plan.facts.values() if f.old_issue is not None}
    _reset_index(session, plan, affected)
    existing = {i.id: i for i in _issues(session, [p.old_issue for p in plan.issues if p.old_issue is not None])}
    rows = _IndexRows()
    for planned in plan.issues:
        if planned.members:
            _write_issue(session, plan, planned, existing, rows, report, now)
    rows.store(session)
    kept = set(report.kept_ids)
    for issue in _issues(session, sorted(affected - kept)):
        remaining = session.scalar(select(Message.id).where(Message.issue_id == issue.id).limit(1))
        if remaining is None:
            issue.message_count = 0
            issue.dirty = False
            report.emptied += 1
        else:
            issue.dirty = True  # messages assigned meanwhile: the next refresh recounts
    audit.record(session, None, "issues_rebuilt", "issue", None, messages=report.messages, issues=report.issues,
                 kept=report.kept, created=report.created, full=plan.full)  # fmt: skip
    report.write_seconds = time.perf_counter() - started
    return report


def _reset_index(session: Session, plan: RebuildPlan, affected: set[int]) -> None:
    """Empty the stored index (a full rebuild: then its document frequencies and vocabulary are the
    plan's) or drop the affected issues' rows; add the aliases learnt."""
    bump_generation(session)  # what the pipeline keeps in memory is reloaded
    if plan.full:
        for model in (
            IssuePosting, IssuePlaceKey, IssuePlacePiece, IssueCluster, IssueTermDf, IssueVocabulary, IssuePlaceAlias,
        ):
            session.execute(delete(model).execution_options(synchronize_session=False))
        df_rows = [{"term": t[:50], "df": n} for t, n in plan.index.df.items() if t]
        df_rows.append({"term": "", "df": plan.index.n_docs})
        upsert(session, IssueTermDf.__table__, df_rows, ["term"], add="df")
        vocab = plan.index.vocabulary
        upsert(session, IssueVocabulary.__table__,
               [{"place_key": k, "kind": kind, "count": vocab.counts.get(k, 1)} for k, kind in vocab.kinds.items()],
               ["place_key"], add="count")  # fmt: skip
    else:
        drop_index_rows(session, sorted(affected))
    # aliases learnt from the (re-)clustered messages: replaced by a full rebuild, added to by a partial one
    upsert(session, IssuePlaceAlias.__table__, alias_rows(plan.index.aliases), ["alias_key", "place_key"])


@dataclass
class _IndexRows:
    """The rows a rebuild writes in bulk once every issue has its id."""

    moves: list[dict[str, int]] = field(default_factory=list)
    state: list[dict[str, Any]] = field(default_factory=list)
    keys: list[dict[str, Any]] = field(default_factory=list)
    pieces: list[dict[str, Any]] = field(default_factory=list)
    postings: list[dict[str, Any]] = field(default_factory=list)

    def store(self, session: Session) -> None:
        """Move the messages, then write the clustering state and the lookup rows."""
        table = Message.__table__
        assert isinstance(table, Table)
        stmt = update(table).where(table.c.id == bindparam("mid")).values(issue_id=bindparam("iid"))
        for i in range(0, len(self.moves), 5000):
            session.execute(stmt, self.moves[i : i + 5000])
        for i in range(0, len(self.state), 500):
            session.execute(insert(IssueCluster), self.state[i : i + 500])
        upsert(session, IssuePlaceKey.__table__, self.keys, ["place_key", "issue_id"])
        upsert(session, IssuePlacePiece.__table__, self.pieces, ["piece", "place_key"])
        upsert(session, IssuePosting.__table__, self.postings, ["place_key", "term", "issue_id"])


def _write_issue(
    session: Session,
    plan: RebuildPlan,
    planned: PlannedIssue,
    existing: dict[int, Issue],
    rows: _IndexRows,
    report: RebuildReport,
    now: datetime,
) -> None:
    """One planned issue: its row (kept, reopened or new), figures, and the rows to write later."""
    issue = existing.get(planned.old_issue) if planned.old_issue is not None else None
    changed = issue is None or any(plan.facts[m].old_issue != issue.id for m in planned.members)
    if issue is None:
        issue = Issue(status="open", created_at=now, updated_at=now, keywords=[], representatives=[],
                      heat_components=[])  # fmt: skip
        session.add(issue)
        session.flush()
        report.created += 1
    else:
        report.kept += 1
        report.kept_ids.append(issue.id)
        if issue.status == "merged":
            issue.status, issue.merged_into_id = "open", None
    rows.moves += [{"mid": m, "iid": issue.id} for m in planned.members if plan.facts[m].old_issue != issue.id]
    planned.cluster.id = issue.id
    rows.state.append(cluster_rows(issue.id, planned.cluster))
    k, p, q = index_rows(issue.id, planned.cluster.place, planned.cluster.keys, planned.cluster.posted)
    rows.keys += k
    rows.pieces += p
    rows.postings += q
    _figures(issue, planned, plan, now)
    if changed and issue.described_count:
        add_issue_event(session, issue, "rebuilt", now, public=False, messages=len(planned.members))
    report.issues += 1


def _issues(session: Session, ids: list[int]) -> list[Issue]:
    out: list[Issue] = []
    for i in range(0, len(ids), _CHUNK):
        out += session.scalars(select(Issue).where(Issue.id.in_(ids[i : i + _CHUNK])))
    return out


def _figures(issue: Issue, planned: PlannedIssue, plan: RebuildPlan, now: datetime) -> None:
    """Figures, heat and description of a rebuilt issue, from the plan (no further queries)."""
    members = planned.members
    docs = [plan.docs[m] for m in members]
    facts = [plan.facts[m] for m in members]
    times = [d.time for d in docs if d.time is not None]
    issue.message_count = len(members)
    issue.people_count = len({person(d.author, d.key) for d in docs})
    issue.support_count = sum(d.support for d in docs)
    issue.opposition_count = sum(d.opposition for d in docs)
    issue.public_count = sum(1 for f in facts if f.public)
    issue.first_message_at = min(times) if times else None
    issue.last_message_at = max(times) if times else None
    sentiments = [f.sentiment for f in facts if f.sentiment is not None]
    issue.sentiment = sum(sentiments) / len(sentiments) if sentiments else None
    issue.region_id = _mode([f.region_id for f in facts])
    issue.category_id = _mode([f.category_id for f in facts])
    heat = heat_index(
        [HeatMessage(d.time, person(d.author, d.key), d.support, d.opposition) for d in docs], now, HEAT_PARAMS
    )
    issue.heat, issue.heat_components, issue.heat_at = heat.score, components_json(heat), now
    order = sorted(range(len(members)), key=lambda i: (-docs[i].support, -_ts(docs[i].time)))  # officials' view
    chosen = order[:DESCRIBE_DOCS]
    summary = describe_issue(planned.cluster, [docs[i] for i in chosen], [plan.features[members[i]] for i in chosen])
    issue.title, issue.place, issue.problem = summary.title[:200], summary.place[:100], summary.problem[:200]
    issue.summary, issue.keywords = summary.summary, list(summary.keywords)
    issue.representatives = [int(str(k)) for k in summary.representatives]
    issue.described_count = issue.message_count
    issue.dirty = False
    issue.updated_at = now


def _mode(values: list[int | None]) -> int | None:
    counts = Counter(v for v in values if v is not None)
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0] if counts else None


def _ts(t: datetime | None) -> float:
    return t.timestamp() if t is not None else -math.inf
