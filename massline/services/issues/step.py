"""Issues in the platform: the ``issues`` pipeline step, figures, description, heat, recurrence.

The step (contributed by ``plugin.issue_steps``, the ``register_pipeline_steps``
hook of this domain, registered at start-up after the built-in steps of
``services.pipeline``, so it runs after ``duplicates``) puts each analysed message into an
issue — the issue of an earlier near-duplicate, the most similar issue of a
compatible place, or a new one — through ``services.issue_index`` (indexed
lookups only). A message that already has an issue keeps it (re-clustering is
``massline issues rebuild``). A message arriving after its issue was resolved
reopens the issue as *recurring* (flag, count and a public event).

Once per batch (the step's ``finish`` hook) every touched issue is refreshed:
figures from its messages, region and category (most frequent), heat
(``analysis.heat.heat_index``, with components), the description
(``analysis.issue_describe``, the officials' one, from at most 8 representative
messages, re-done while the issue is small or has doubled since; the public's is
computed from public members only by ``issues.public``), and the
alert checks (``services.alerts.evaluate_issue``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from types import EllipsisType
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from massline.analysis.issues import HeatMessage, HeatParams, HeatResult, IssueDoc, describe_issue, heat_index
from massline.analysis.places import Language
from massline.models import Issue, IssueCluster, IssueEvent, Message, MessageAnalysis, utcnow
from massline.services import alerts
from massline.services.issues.ahead import prepare_features
from massline.services.issues.figures import DESCRIBE_DOCS as DESCRIBE_DOCS
from massline.services.issues.figures import Figures, issue_figures, person, representative_docs
from massline.services.issues.index import NEW, StoredIssueIndex, load_cluster
from massline.services.issues.memory import index_memory
from massline.services.issues.places import stored_vocabulary
from massline.services.issues.reposts import same_source
from massline.services.issues.store import (
    event_row,
    keep_index,
    new_issue,
    save_assignment,
    save_counts,
    save_events,
    save_issues,
)
from massline.services.pipeline import AnalysisContext, Item, StepResult

HEAT_PARAMS = HeatParams()
DESCRIBE_SMALL = 20
ACTIVE = ("open", "owned", "in_progress", "resolved")


# ---- the pipeline step ------------------------------------------------------------------------


def _doc(message: Message, item: Item) -> IssueDoc:
    return IssueDoc(
        key=message.id,
        title=item.title,
        body=item.body,
        time=item.created_at,
        author=message.author_name or "",
        support=message.support_count,
        opposition=message.oppose_count,
    )


def assign_message(
    session: Session,
    message: Message,
    now: datetime,
    *,
    item: Item | None = None,
    language: Language | None = None,
    index: StoredIssueIndex | None = None,
    duplicate_of: int | None | EllipsisType = ...,
    events: list[dict[str, Any]] | None = None,
    joined: dict[int, tuple[str, datetime | None]] | None = None,
) -> dict[str, Any]:
    """Put ``message`` into an issue (existing or new) and store the change; returns the evidence.

    ``language``: the deployment's place grammar (default: its configured one). ``index``: an index
    kept across the messages of one transaction (what it loaded is read once; the caller writes its
    counts with ``save_counts`` before the transaction ends), else a new one.
    ``duplicate_of``: the near-duplicate found for it in this transaction (default: the stored one).
    ``events``: the batch's issue events, where its events are noted (written by ``save_events``);
    ``joined``: the batch's joined issues (id -> status, resolved at), left to its end to refresh
    (``finish_issues``) instead of being loaded and marked dirty one by one.
    """
    if message.issue_id is not None:
        return {"issue": message.issue_id, "kept": True}
    item = item or Item(message.id, message.title, message.body, message.created_at)
    if duplicate_of is ...:
        duplicate_of = session.scalar(
            select(MessageAnalysis.duplicate_of_id).where(MessageAnalysis.message_id == message.id)
        )
    dup_issue, repost = None, False
    if duplicate_of is not None:
        original = session.get(Message, duplicate_of)  # (its issue may have been set in this transaction)
        dup_issue = original.issue_id if original is not None else None
        repost = original is not None and same_source(original, message)
    counts_later = index is not None
    index = index or StoredIssueIndex(session, language=language)
    assignment = index.assign(_doc(message, item), dup_issue, repost)
    if assignment.cluster.id == NEW:
        issue_id = new_issue(session, message.id, now, events)
    else:
        issue_id = assignment.cluster.id
        _join(session, issue_id, message, now, events, joined)
    save_assignment(session, index, issue_id, assignment, counts_later=counts_later)
    message.issue_id = issue_id
    return {
        "issue": issue_id,
        "how": assignment.reason,
        "similarity": assignment.similarity,
        "candidates": assignment.candidates,
        "place": assignment.cluster.place,
    }


#: what joining an issue reads of it (its status, and since when it is resolved)
_ISSUE_STATE = select(Issue.status, Issue.resolved_at).where(Issue.id == bindparam("id"))


def _join(
    session: Session,
    issue_id: int,
    message: Message,
    now: datetime,
    events: list[dict[str, Any]] | None,
    joined: dict[int, tuple[str, datetime | None]] | None,
) -> None:
    """``message`` joins the stored issue ``issue_id``: the issue is dirty (to refresh), and a resolved
    issue recurs. With ``joined`` (a batch's), the issue is noted there instead of marked dirty: only its
    status is read (once per batch), the ORM object only when it recurs."""
    if joined is None:
        issue = session.get(Issue, issue_id)
        assert issue is not None
        issue.dirty = True
    else:
        if issue_id not in joined:
            status, resolved_at = session.execute(_ISSUE_STATE, {"id": issue_id}).one()
            joined[issue_id] = (status, resolved_at)
        status, resolved_at = joined[issue_id]
        if not (status == "resolved" and (resolved_at is None or message.created_at > resolved_at)):
            return
        issue = session.get(Issue, issue_id)
        assert issue is not None
    if issue.status == "resolved" and (issue.resolved_at is None or message.created_at > issue.resolved_at):
        mark_recurring(session, issue, message, now, events)
    if joined is not None:
        joined[issue_id] = (issue.status, issue.resolved_at)


def mark_recurring(
    session: Session, issue: Issue, message: Message, now: datetime, events: list[dict[str, Any]] | None = None
) -> None:
    """A new message after "resolved": the issue is open again, flagged recurring, with an event (public
    when the message is: a private message's existence is not told to the public; noted in ``events``
    when given)."""
    issue.recurring = True
    issue.recurrence_count += 1
    issue.status = "in_progress" if issue.owner_office_id is not None else "open"
    issue.resolved_at = None
    issue.updated_at = now
    row = event_row(issue.id, "recurring", now, note=f"问题解决后又收到新留言（第 {issue.recurrence_count} 次复发）",
                    public=message.shown_publicly, message=message.id)  # fmt: skip
    if events is None:
        session.add(IssueEvent(**row))
    else:
        events.append(row)


def refresh_issues(
    session: Session,
    issue_ids: Sequence[int],
    now: datetime,
    alert_params: alerts.AlertParams | None = None,
    language: Language | None = None,
    index: StoredIssueIndex | None = None,
) -> list[Issue]:
    """Refresh figures, heat and description of these issues (places read in ``language``, through
    ``index`` when given) and run their alert checks (with ``alert_params``)."""
    out = []
    ids = sorted(set(issue_ids))
    loaded = {i.id: i for i in session.scalars(select(Issue).where(Issue.id.in_(ids)))}
    live = [i for i in ids if i in loaded and loaded[i].status != "merged"]
    figures = issue_figures(session, live)
    docs = representative_docs(session, [i for i in live if _describe_due(figures[i].count, loaded[i].described_count)])
    for issue_id in live:
        issue = loaded[issue_id]
        refresh_issue(session, issue, now, language, index, figures[issue_id], docs.get(issue_id, []))
        times = [m.time for m in figures[issue_id].heat_messages if m.time is not None]
        alerts.evaluate_issue(session, issue, now, alert_params, times)
        out.append(issue)
    return out


def _describe_due(n: int, described: int) -> bool:
    """Describe again while the issue is small, or when it has doubled since."""
    return bool(n) and n != described and (n <= DESCRIBE_SMALL or n >= 2 * described)


def _batch_index(ctx: AnalysisContext, session: Session) -> StoredIssueIndex:
    """The issue index of this write transaction (the whole place vocabulary in memory, read once; the
    look-ups and clusters kept from the previous batches unless another writer changed the index)."""
    index = ctx.state.get("issues")
    if index is None:
        memory = index_memory(session)
        token = memory.check(session)
        index = ctx.state["issues"] = StoredIssueIndex(
            session, language=ctx.gazetteer.language, vocabulary=stored_vocabulary(session), memory=memory,
            generation=token,
        )  # fmt: skip
        index.prepared.update(ctx.batch.get("issues", {}).items())  # the batch's messages, and what was computed
        ids = list(index.prepared)  # ahead; read at once (and kept: the session holds them weakly)
        messages = session.scalars(select(Message).where(Message.id.in_(ids)))
        ctx.state["messages"] = {m.id: m for m in messages}
        index.load_df({t for p in index.prepared.values() for t in p.terms})  # their terms' frequencies at once
        places = sorted({p.place for p in index.prepared.values() if p.place})  # and their places' keys
        index.load_places(dict.fromkeys(n for p in places for n in (p, *sorted(index.aliases.of(p)))))
    assert isinstance(index, StoredIssueIndex)
    return index


def finish_issues(ctx: AnalysisContext, session: Session, items: list[Item]) -> None:
    """Write the batch's issue events and index rows and refresh every issue it touched (the step's
    ``finish``: figures, heat, description, alerts) — or, in a backlog (``ctx.backlog``), leave them
    dirty (a joined issue is marked so in this transaction) for ``refresh.refresh_dirty``."""
    joined = ctx.state.pop("issue_joined", {})  # (dirty, not marked: ``_join``)
    index = _batch_index(ctx, session)
    save_events(session, ctx.state.pop("issue_events", []))
    save_counts(session, index)
    refreshed: list[Issue] = []
    if not ctx.backlog:
        ids = [i for i in session.scalars(select(Message.issue_id).where(Message.id.in_([it.id for it in items]))) if i]
        dirty = {*session.scalars(select(Issue.id).where(Issue.id.in_(ids), Issue.dirty.is_(True))), *joined}
        with session.no_autoflush:  # (none of its reads is of the issues, written at once below: ``save_issues``)
            refreshed = refresh_issues(session, sorted(dirty), utcnow(), ctx.alert_params, ctx.gazetteer.language,
                                       index)  # fmt: skip
    left = sorted(joined.keys() - {i.id for i in refreshed})  # (merged, or left to the backlog's end: still dirty)
    if left:
        session.execute(update(Issue).where(Issue.id.in_(left)).values(dirty=True))
    save_issues(session, refreshed)
    keep_index(session, index)
    # (the new generation token, or None when another writer came between: the vocabulary is read again)
    stored_vocabulary(session).saved(session, index.frequencies(), index.memory.generation if index.memory else None)


def issue_step(ctx: AnalysisContext, session: Session, item: Item) -> StepResult:
    """Assign the message to an issue (same problem, same place), through indexed lookups.

    The deployment's language is its gazetteer's (which knows the names of its regions).
    """
    index = _batch_index(ctx, session)
    message = ctx.state["messages"].get(item.id) or session.get(Message, item.id)  # (read with the batch's)
    assert message is not None
    duplicate_of = ctx.state.get("duplicate_of", {}).get(item.id, ...)  # found by this batch's duplicates step
    evidence = assign_message(session, message, utcnow(), item=item, language=ctx.gazetteer.language, index=index,
                              duplicate_of=duplicate_of, events=ctx.state.setdefault("issue_events", []),
                              joined=ctx.state.setdefault("issue_joined", {}))  # fmt: skip
    return StepResult(evidence=evidence)


def prepare_issues(ctx: AnalysisContext, items: list[Item]) -> None:
    """The batch's messages, with the pure part of their features (its ``prepare``: run ahead, in the
    pipeline's second process when there is one; ``ahead.prepare_features``)."""
    language = ctx.gazetteer.language
    ctx.batch["issues"] = {item.id: prepare_features(item.title, item.body, language) for item in items}


# ---- figures, heat, description ------------------------------------------------------------------


def heat_of(session: Session, issue_id: int, now: datetime, params: HeatParams = HEAT_PARAMS) -> HeatResult:
    """The heat of an issue now, from its messages (anonymous messages count as different people)."""
    rows = session.execute(
        select(Message.id, Message.created_at, Message.author_name, Message.support_count, Message.oppose_count).where(
            Message.issue_id == issue_id
        )
    )
    messages = [HeatMessage(t, person(a, mid), s or 0, o or 0) for mid, t, a, s, o in rows]
    return heat_index(messages, now, params)


def components_json(heat: HeatResult) -> list[dict[str, Any]]:
    """Heat components as stored and shown: name, label, raw input, value, weight, contribution."""
    # (its fields are plain values: read one by one, not copied deeply as ``dataclasses.asdict`` does)
    names = [f.name for f in fields(heat.components[0])] if heat.components else []
    return [{**{n: getattr(c, n) for n in names}, "contribution": round(c.contribution, 4)} for c in heat.components]


def set_heat(session: Session, issue: Issue, now: datetime) -> None:
    """Recompute and store the heat and its components."""
    _store_heat(issue, heat_of(session, issue.id, now), now)


def _store_heat(issue: Issue, heat: HeatResult, now: datetime) -> None:
    issue.heat = heat.score
    issue.heat_components = components_json(heat)
    issue.heat_at = now


def refresh_issue(
    session: Session,
    issue: Issue,
    now: datetime,
    language: Language | None = None,
    index: StoredIssueIndex | None = None,
    figures: Figures | None = None,
    docs: list[IssueDoc] | None = None,
) -> Issue:
    """Figures, region, category, heat and (when due) the description of ``issue``, from its messages.

    ``language``: the deployment's place grammar, for the description (default: its configured one);
    ``index``: the issue index of the transaction, if one is kept; ``figures``: its figures and
    ``docs`` its representative messages when already read (``issue_figures``, ``representative_docs``
    of many issues at once).
    """
    f = figures if figures is not None else issue_figures(session, [issue.id])[issue.id]
    issue.message_count = f.count
    issue.people_count = f.people
    issue.support_count = f.support
    issue.opposition_count = f.oppose
    issue.public_count = f.public
    issue.first_message_at = f.first
    issue.last_message_at = f.last
    issue.sentiment = f.sentiment
    issue.region_id = f.region_id or f.located_region_id
    issue.category_id = f.category_id
    _store_heat(issue, heat_index(f.heat_messages, now, HEAT_PARAMS), now)
    if _describe_due(issue.message_count, issue.described_count):
        describe(session, issue, language, index, docs)
    issue.dirty = False
    issue.updated_at = now
    return issue


def describe(
    session: Session,
    issue: Issue,
    language: Language | None = None,
    index: StoredIssueIndex | None = None,
    docs: list[IssueDoc] | None = None,
) -> None:
    """The officials' description: title (place + problem), summary, keywords and representatives from
    ≤ 8 messages (most supported, then newest), private ones included.

    The public never sees it: public pages describe an issue from its public members only
    (``issues.public``).
    """
    cluster = index.clusters.get(issue.id) if index is not None else None  # (touched in this transaction)
    if cluster is None:
        state = session.get(IssueCluster, issue.id)
        if state is None:
            return
        cluster = load_cluster(state)
    if not docs:  # (``docs``: read already, ``representative_docs``)
        docs = representative_docs(session, [issue.id]).get(issue.id, [])
    index = index or StoredIssueIndex(session, language=language)
    features = []
    for doc in docs:
        f = index.doc_features(doc, learn=False)
        f.vector = index.vectorize(f)
        features.append(f)
    summary = describe_issue(cluster, docs, features, index.language, sentiment=False)  # (figures: its own)
    issue.title = summary.title[:200]
    issue.place = summary.place[:100]
    issue.problem = summary.problem[:200]
    issue.summary = summary.summary
    issue.keywords = list(summary.keywords)
    issue.representatives = [int(str(k)) for k in summary.representatives]
    issue.described_count = issue.message_count


def refresh_heat(session: Session, now: datetime, *, older_than_minutes: float = 60, limit: int = 500) -> int:
    """Recompute the heat of active issues whose heat is older than ``older_than_minutes`` (recency decays)."""
    from datetime import timedelta

    cutoff = now - timedelta(minutes=older_than_minutes)
    stale = session.scalars(
        select(Issue)
        .where(Issue.status.in_(ACTIVE), Issue.message_count > 0, (Issue.heat_at < cutoff) | Issue.heat_at.is_(None))
        .order_by(Issue.heat.desc())
        .limit(limit)
    ).all()
    for issue in stale:
        set_heat(session, issue, now)
    return len(stale)
