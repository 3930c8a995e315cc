"""Writing an issue's history (:func:`add_issue_event`) and an assignment: a new issue's row
(:func:`new_issue`), the batch's events (:func:`save_events`) and refreshed issues
(:func:`save_issues`), and the stored issue index: what one
assignment changed (:func:`save_assignment`), the batch's deferred rows, document frequencies and
vocabulary (:func:`save_counts`), and the clusters kept in memory for the next batch
(:func:`keep_index`, see ``memory.py``)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Table, Update, bindparam, insert, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import get_history

from massline.models import (
    Issue,
    IssueCluster,
    IssueEvent,
    IssuePlaceKey,
    IssuePlacePiece,
    IssuePosting,
    IssueTermDf,
    IssueVocabulary,
    User,
)
from massline.services.issues.index import NEW, Assignment, StoredIssueIndex, load_cluster
from massline.services.issues.memory import PendingRows, bump_generation
from massline.services.issues.rows import chunks, cluster_rows, upsert, write_index_rows

#: a new issue's row: the table's insert with the values as parameters (built once; no ORM bulk insert; its id
#: is the inserted primary key: SQLite's last row id, a RETURNING on PostgreSQL)
_INSERT_ISSUE = insert(cast(Table, Issue.__table__))
_INSERT_EVENT = insert(cast(Table, IssueEvent.__table__))

ISSUE_EVENT_LABELS = {
    "created": "形成问题",
    "owned": "单位认领",
    "reply_drafted": "保存统一答复草稿",
    "replied": "统一答复",
    "commitment_added": "作出承诺",
    "commitment_updated": "承诺进展",
    "resolved": "问题已解决",
    "recurring": "问题复发",
    "merged": "合并问题",
    "merged_into": "并入其他问题",
    "split": "拆分问题",
    "rated": "群众评价",
    "rebuilt": "重新聚类",
}


def add_issue_event(
    session: Session,
    issue: Issue,
    type_: str,
    now: datetime,
    *,
    actor: User | None = None,
    office_id: int | None = None,
    note: str | None = None,
    public: bool = True,
    **data: Any,
) -> IssueEvent:
    """Record one step of the issue's history, in the transaction that makes the change."""
    issue.updated_at = now
    event = IssueEvent(
        issue_id=issue.id,
        type=type_,
        actor_id=actor.id if actor else None,
        office_id=office_id if office_id is not None else (actor.office_id if actor else None),
        note=note,
        is_public=public,
        data=data,
        created_at=now,
    )
    session.add(event)
    return event


def new_issue(session: Session, message_id: int, now: datetime, events: list[dict[str, Any]] | None = None) -> int:
    """Store a new (dirty) issue and its "created" event for the message that founds it; returns its id
    (one statement: nothing else is flushed, the ORM object is read when the issue is refreshed).

    ``events``: the batch's event rows, where the event is noted instead (``save_events``)."""
    values = {"status": "open", "dirty": True, "created_at": now, "updated_at": now, "keywords": [],
              "representatives": [], "heat_components": []}  # fmt: skip
    key = cast(CursorResult[Any], session.execute(_INSERT_ISSUE, values)).inserted_primary_key
    assert key is not None
    issue_id = int(key[0])
    row = event_row(issue_id, "created", now, public=False, message=message_id)
    if events is None:
        session.add(IssueEvent(**row))
    else:
        events.append(row)
    return issue_id


def event_row(issue_id: int, type_: str, now: datetime, *, public: bool, note: str | None = None,
              **data: Any) -> dict[str, Any]:  # fmt: skip
    """The ``issue_events`` row of an event of the pipeline (no actor, no office)."""
    return {"issue_id": issue_id, "type": type_, "actor_id": None, "office_id": None, "note": note,
            "is_public": public, "data": data, "created_at": now}  # fmt: skip


def save_events(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert a batch's event rows (``new_issue``, ``mark_recurring``) in their order, a statement per
    900 (the ORM inserted them one at a time: it reads each new id back)."""
    for chunk in chunks(rows):
        session.execute(_INSERT_EVENT, list(chunk))


def save_issues(session: Session, issues: Sequence[Issue]) -> None:
    """Write these (refreshed) issues with UPDATEs by primary key, one executemany per set of changed columns,
    each issue's changed columns only (a column changed meanwhile by another transaction, e.g. an office
    taking the issue on PostgreSQL, is never written back with the value loaded before), and take the
    objects out of the session (the unit of work would send one UPDATE per run of issues with the same
    changed columns, in the session's order; a later read loads them again). The statements are the
    table's own (Core: the ORM's bulk UPDATE adds only its per-row bookkeeping)."""
    columns = [c.key for c in sa_inspect(Issue).column_attrs]
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for issue in issues:
        same = sa_inspect(issue).unmodified  # (not set since loaded: no history to look at)
        changed = tuple(k for k in columns if k not in same and get_history(issue, k).has_changes())
        if changed:
            groups.setdefault(changed, []).append({"_id": issue.id, **{f"v_{k}": getattr(issue, k) for k in changed}})
    for issue in issues:  # (first: the statements' autoflush must not send them)
        session.expunge(issue)
    for changed, rows in groups.items():
        for chunk in chunks(rows):
            session.execute(_update_issues(changed), list(chunk))


@functools.lru_cache(maxsize=256)
def _update_issues(changed: tuple[str, ...]) -> Update:
    """The UPDATE of these columns (attribute keys; their values bound as ``v_<key>``) of the issue ``_id``
    (built once)."""
    mapper, table = sa_inspect(Issue), cast(Table, Issue.__table__)
    values: dict[Any, Any] = {mapper.column_attrs[k].columns[0]: bindparam(f"v_{k}") for k in changed}
    return update(table).where(table.c.id == bindparam("_id")).values(values)


def save_assignment(
    session: Session, index: StoredIssueIndex, issue_id: int, a: Assignment, *, counts_later: bool = False
) -> None:
    """Write back what one assignment changed: the cluster row, new index rows, frequencies, vocabulary.

    ``counts_later``: leave the frequencies and vocabulary to :func:`save_counts` (once per batch;
    only the index's own look-ups need them meanwhile, and it counts them in memory).
    """
    cluster = a.cluster
    if cluster.id == NEW:  # the index keeps using it under its stored id
        index.clusters.pop(NEW, None)
        index.clusters[issue_id] = cluster
    cluster.id = issue_id
    new_keys = cluster.keys - a.before_keys
    new_posted = cluster.posted - a.before_posted
    index.pending_df.update({t[:50] for t in a.features.counts} | {""})
    if index.pending is not None:  # written by save_counts, at the batch's end
        index.defer(cluster, a.reason == "new", new_keys, new_posted)
        return
    bump_generation(session)
    row = cluster_rows(issue_id, cluster)
    if a.reason == "new":  # one statement each (found at once by later look-ups of the transaction)
        session.execute(insert(IssueCluster).values(**row))
    else:
        session.execute(update(IssueCluster).where(IssueCluster.issue_id == issue_id).values(**row))
    write_index_rows(session, issue_id, cluster.place, new_keys, new_posted)
    if not counts_later:
        save_counts(session, index)


def save_counts(session: Session, index: StoredIssueIndex) -> None:
    """Write the document frequencies and place vocabulary that ``index``'s assignments added since the
    last call (one statement each; the index itself already counts them)."""
    if index.pending:
        _write_pending(session, index, index.pending)
    df_rows = [{"term": t, "df": n} for t, n in sorted(index.pending_df.items())]
    index.pending_df.clear()
    upsert(session, IssueTermDf.__table__, df_rows, ["term"], add="df")
    upsert(session, IssueVocabulary.__table__, index.learnt_vocabulary(), ["place_key"], add="count")


def _write_pending(session: Session, index: StoredIssueIndex, pending: PendingRows) -> None:
    """The cluster and look-up rows a batch's assignments changed, a few bulk statements in all."""
    rows = {cid: cluster_rows(cid, index.clusters[cid]) for cid in pending.clusters}
    new = [rows[cid] for cid, is_new in pending.clusters.items() if is_new]
    changed = [rows[cid] for cid, is_new in pending.clusters.items() if not is_new]
    for chunk in chunks(new):
        session.execute(insert(cast(Table, IssueCluster.__table__)), list(chunk))  # (plain rows: no ORM bulk)
    for chunk in chunks(changed):
        session.execute(update(IssueCluster), list(chunk))
    upsert(session, IssuePlaceKey.__table__, pending.keys, ["place_key", "issue_id"])
    upsert(session, IssuePlacePiece.__table__, pending.pieces, ["piece", "place_key"])
    upsert(session, IssuePosting.__table__, pending.postings, ["place_key", "term", "issue_id"])
    index.written.update(rows)
    index.pending = PendingRows()


def keep_index(session: Session, index: StoredIssueIndex) -> None:
    """At the end of a batch that saved its counts: the clusters as written stay in the index's memory
    (their centroids cut as stored), with a new generation token; clusters changed in memory and not
    written are dropped from it."""
    if index.memory is None:
        return
    for cid in index.touched - index.written.keys():
        index.clusters.pop(cid, None)
    index.clusters.pop(NEW, None)
    kept = [load_cluster(SimpleNamespace(**row)) for row in index.written.values()]
    index.memory.saved(session, index.generation, kept)
