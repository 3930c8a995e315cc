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
from collections.abc import Sequence
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
from massline.analysis.issues.batch import map_chunks, processes
from massline.analysis.issues.describe import IssueSummary
from massline.analysis.places import Language
from massline.models import (
    Issue,
    IssueCluster,
    IssueDecision,
    IssueEvent,
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
from massline.services.issues.rows import chunks, cluster_rows, index_rows, upsert
from massline.services.issues.step import DESCRIBE_DOCS, HEAT_PARAMS, components_json


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
    """One cluster of the new clustering, the old issue it continues (None: a new issue) and its
    description (None for a cluster left without messages)."""

    cluster: Cluster
    members: list[int]
    old_issue: int | None
    summary: IssueSummary | None = None


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


def plan_rebuild(
    session: Session, since: datetime | None = None, language: Language | None = None, *, jobs: int = 1
) -> RebuildPlan:
    """Cluster the messages (all, or those touched since ``since``) and map clusters to old issues.

    ``language``: the deployment's place grammar (default: its configured one, ``deployment.site_language``);
    ``jobs``: processes for the per-message work of a large batch (:class:`IssueClusterer`; the same plan).
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
    clusterer = IssueClusterer(segmenter=segmenter(), language=language, jobs=jobs).fit(ordered)
    index = clusterer.index_
    index.release_duplicates()  # the database index finds duplicates through the pipeline's step
    features = {int(str(d.key)): f for d, f in zip(ordered, clusterer.features_, strict=True)}
    decisions = list(session.scalars(select(IssueDecision).order_by(IssueDecision.id)))
    applied = sum(_replay(index, features, d) for d in decisions)
    mapping = _map_to_old(index, facts)
    planned = [PlannedIssue(c, [int(str(k)) for k in c.members], mapping.get(cid)) for cid, c in index.clusters.items()]
    _describe([p for p in planned if p.members], docs, features, jobs, language)
    return RebuildPlan(since is None, docs, features, facts, planned, index, applied, time.perf_counter() - started)


def _describe(planned: list[PlannedIssue], docs: dict[int, IssueDoc], features: dict[int, DocFeatures],
              jobs: int, language: Language | None) -> None:  # fmt: skip
    """Describe every planned issue from its most supported, then latest, members (what officials see
    first), in ``jobs`` forked processes when there are many; ``language``: the deployment's place grammar,
    as the pipeline's descriptions use it."""

    def describe(chunk: Sequence[int]) -> list[IssueSummary]:  # positions: the forked processes have the plan
        out = []
        for p in (planned[i] for i in chunk):
            members = [docs[m] for m in p.members]
            order = sorted(range(len(members)), key=lambda i: (-members[i].support, -_ts(members[i].time)))
            chosen = order[:DESCRIBE_DOCS]
            picked = ([members[i] for i in chosen], [features[p.members[i]] for i in chosen])
            out.append(describe_issue(p.cluster, *picked, language, sentiment=False))  # sentiment: the messages' own
        return out

    summaries = map_chunks(describe, range(len(planned)), processes(jobs, len(planned)))
    for p, summary in zip(planned, summaries, strict=True):
        p.summary = summary


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
    """Write the plan in the caller's (single) transaction: issues, memberships, clustering state.

    Bulk statements through the ORM: new issues in one ``INSERT … RETURNING`` per batch, kept
    issues in one ``UPDATE`` by primary key per batch, the index rows in bulk inserts.
    """
    started = time.perf_counter()
    report = RebuildReport(messages=len(plan.docs), decisions=plan.decisions, cluster_seconds=plan.seconds)
    affected = {f.old_issue for f in plan.facts.values() if f.old_issue is not None}
    _reset_index(session, plan, affected)
    existing = {i.id: i for i in _issues(session, [p.old_issue for p in plan.issues if p.old_issue is not None])}
    planned = [p for p in plan.issues if p.members]
    figures = [_figures(p, plan, now) for p in planned]
    old = [existing.get(p.old_issue) if p.old_issue is not None else None for p in planned]
    fresh = [f | {"status": "open", "created_at": now} for f, issue in zip(figures, old, strict=True) if issue is None]
    new_ids = iter(_insert_issues(session, fresh))
    kept_rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []  # the issues a rebuild made or changed say so in their history
    rows = _IndexRows()
    for p, f, issue in zip(planned, figures, old, strict=True):
        if issue is None:
            issue_id = next(new_ids)
            report.created += 1
        else:
            issue_id = issue.id
            report.kept += 1
            report.kept_ids.append(issue_id)
            merged = issue.status == "merged"  # a merged issue that is a cluster again is reopened
            kept_rows.append(f | {"id": issue_id, "status": "open" if merged else issue.status,
                                  "merged_into_id": None if merged else issue.merged_into_id})  # fmt: skip
        if issue is None or any(plan.facts[m].old_issue != issue_id for m in p.members):
            events.append({"issue_id": issue_id, "type": "rebuilt", "is_public": False,
                           "data": {"messages": len(p.members)}, "created_at": now})  # fmt: skip
        rows.add(issue_id, p, plan)
        report.issues += 1
    for table, values in ((update(Issue), kept_rows), (insert(IssueEvent), events)):
        for chunk in chunks(values):
            session.execute(table, list(chunk))
    for issue in existing.values():
        session.expire(issue)  # the bulk UPDATE does not refresh the loaded objects
    rows.store(session)
    report.emptied = _empty_or_dirty(session, sorted(affected - set(report.kept_ids)))
    audit.record(session, None, "issues_rebuilt", "issue", None, messages=report.messages, issues=report.issues,
                 kept=report.kept, created=report.created, full=plan.full)  # fmt: skip
    report.write_seconds = time.perf_counter() - started
    return report


def _insert_issues(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert new issues in bulk; their ids, in the order of ``rows``."""
    ids: list[int] = []
    stmt = insert(Issue).returning(Issue.id, sort_by_parameter_order=True)
    for chunk in chunks(rows):
        ids += session.scalars(stmt, list(chunk))
    return ids


def _empty_or_dirty(session: Session, ids: list[int]) -> int:
    """Old issues no cluster continues: emptied, or dirty when messages joined them meanwhile; returns
    how many were emptied."""
    emptied = 0
    for chunk in chunks(ids):
        remaining = set(session.scalars(select(Message.issue_id).where(Message.issue_id.in_(chunk)).distinct()))
        for issue in _issues(session, list(chunk)):
            if issue.id in remaining:
                issue.dirty = True  # messages assigned meanwhile: the next refresh recounts
            else:
                issue.message_count, issue.dirty = 0, False
                emptied += 1
    return emptied


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

    def add(self, issue_id: int, planned: PlannedIssue, plan: RebuildPlan) -> None:
        """The rows of one planned issue, now that it has its id."""
        self.moves += [{"mid": m, "iid": issue_id} for m in planned.members if plan.facts[m].old_issue != issue_id]
        cluster = planned.cluster
        cluster.id = issue_id
        self.state.append(cluster_rows(issue_id, cluster))
        k, p, q = index_rows(issue_id, cluster.place, cluster.keys, cluster.posted)
        self.keys += k
        self.pieces += p
        self.postings += q

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


def _issues(session: Session, ids: list[int]) -> list[Issue]:
    out: list[Issue] = []
    for chunk in chunks(ids):
        out += session.scalars(select(Issue).where(Issue.id.in_(chunk)))
    return out


def _figures(planned: PlannedIssue, plan: RebuildPlan, now: datetime) -> dict[str, Any]:
    """The columns of a rebuilt issue (figures, heat, description) from the plan (no further queries)."""
    members = planned.members
    docs = [plan.docs[m] for m in members]
    facts = [plan.facts[m] for m in members]
    times = [d.time for d in docs if d.time is not None]
    sentiments = [f.sentiment for f in facts if f.sentiment is not None]
    heat = heat_index(
        [HeatMessage(d.time, person(d.author, d.key), d.support, d.opposition) for d in docs], now, HEAT_PARAMS
    )
    summary = planned.summary
    assert summary is not None  # every planned issue with members is described
    return {
        "message_count": len(members),
        "people_count": len({person(d.author, d.key) for d in docs}),
        "support_count": sum(d.support for d in docs),
        "opposition_count": sum(d.opposition for d in docs),
        "public_count": sum(1 for f in facts if f.public),
        "first_message_at": min(times) if times else None,
        "last_message_at": max(times) if times else None,
        "sentiment": sum(sentiments) / len(sentiments) if sentiments else None,
        "region_id": _mode([f.region_id for f in facts]),
        "category_id": _mode([f.category_id for f in facts]),
        "heat": heat.score,
        "heat_components": components_json(heat),
        "heat_at": now,
        "title": summary.title[:200],
        "place": summary.place[:100],
        "problem": summary.problem[:200],
        "summary": summary.summary,
        "keywords": list(summary.keywords),
        "representatives": [int(str(k)) for k in summary.representatives],
        "described_count": len(members),
        "dirty": False,
        "updated_at": now,
    }


def _mode(values: list[int | None]) -> int | None:
    counts = Counter(v for v in values if v is not None)
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0] if counts else None


def _ts(t: datetime | None) -> float:
    return t.timestamp() if t is not None else -math.inf
