"""The search backlog: messages stored before they are in the search index.

Submissions (portal and API) and bulk imports store a message with
``search_pending = true`` and no search row: computing its search terms and
adding them to the full-text index is the larger part of a submission's
cost, and nothing in the request needs it. The worker (``massline serve``,
``massline worker``) and ``massline pipeline run`` call :func:`index_backlog`
every cycle, so a message is normally in the index within seconds; in the
meantime board search still finds it by substring
(:func:`massline.services.search.query.search_condition`), so no stored message is
ever unsearchable. A partial index holds only the pending ids, so looking
for them costs nothing when there are none.

Indexing is idempotent: a message marked pending again although it has a
search row has that row replaced (a moderator's edit of the public text does
that: the index holds the public title and body, the edits when there are any). Terms are those of
``search_index.search_text`` (computed by the equivalent ``search_terms``);
on SQLite the batch goes into the FTS5 index with one statement.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import cast

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.orm import Session

from massline.db import BULK_ROWS, refresh_statistics
from massline.models import Message, MessageSearch
from massline.services.search.index import search_terms, sqlite_fts_deferred

#: analysed after a large backlog: the messages' ``search_pending`` flags all changed (about 1 s at 100,000
#: messages under load 7); ``message_search`` is left to autovacuum: its statistics are shares of the terms,
#: which more messages of the same kind hardly change, and analysing its tsvectors and the GIN index's
#: expression cost 28 s at 100,000 (load 7)
_MESSAGES = cast(Table, Message.__table__)

#: Messages indexed per call (one transaction; the worker calls again while some remain).
BATCH = 2000


def pending_count(session: Session) -> int:
    """How many stored messages are not yet in the search index."""
    return int(session.scalar(select(func.count()).select_from(Message).where(Message.search_pending)) or 0)


_Rows = list[tuple[int, str, str]]


def _pending_rows(session: Session, limit: int) -> _Rows:
    rows = session.execute(
        select(Message.id, func.coalesce(Message.public_title, Message.title),
               func.coalesce(Message.public_body, Message.body))
        .where(Message.search_pending)
        .order_by(Message.id)
        .limit(limit)
    ).all()
    return [(mid, title, body) for mid, title, body in rows]


def _terms(rows: _Rows) -> list[str]:
    return search_terms([(title, body) for _, title, body in rows])  # = search_index.search_text, faster


def index_again(session: Session, message: Message) -> None:
    """Take ``message`` out of the search index and mark it pending, so that the worker indexes its text
    anew (a moderator changed its public text); board search finds it by substring meanwhile."""
    session.execute(delete(MessageSearch).where(MessageSearch.message_id == message.id))  # (FTS rows by trigger)
    message.search_pending = True


def _store(session: Session, rows: _Rows, terms: list[str]) -> None:
    """Replace the search rows of ``rows`` and clear their pending flag, in ``session``'s transaction."""
    ids = [mid for mid, _, _ in rows]
    stale = list(session.scalars(select(MessageSearch.message_id).where(MessageSearch.message_id.in_(ids))))
    if stale:  # only if someone marked indexed messages pending again (the FTS rows go by trigger)
        session.execute(delete(MessageSearch).where(MessageSearch.message_id.in_(stale)))
    connection = session.connection()
    with sqlite_fts_deferred(connection) as fts:  # SQLite: one FTS statement for the batch
        session.execute(
            insert(MessageSearch), [{"message_id": mid, "terms": t} for mid, t in zip(ids, terms, strict=True)]
        )
        if fts is not None:
            fts.index_ids(ids)
    session.execute(
        update(Message).where(Message.id.in_(ids)).values(search_pending=False).execution_options(synchronize_session=False)
    )


def index_pending(session: Session, limit: int = BATCH) -> int:
    """Add up to ``limit`` pending messages (oldest first) to the search index; returns how many.

    Runs in the caller's write transaction: the search rows and the cleared
    flags commit together, so an interruption leaves the messages pending.
    """
    rows = _pending_rows(session, limit)
    if rows:
        _store(session, rows, _terms(rows))
    return len(rows)


def index_backlog(
    write: Callable[[], AbstractContextManager[Session]], stop: Callable[[], bool] = lambda: False
) -> int:
    """Index the whole backlog, one write transaction (``write()``) per batch; returns how many.

    ``stop`` is asked before each batch (the worker's shutdown). (Reading and
    computing the next batch's terms in a second thread while this one writes
    was measured slower: 10.1 s against 8.5 s for 20,000 messages.) After
    indexing at least ``db.BULK_ROWS`` messages (an import's backlog), PostgreSQL's
    planner statistics of the messages are refreshed (``db.refresh_statistics``).
    """
    done = 0
    while not stop():
        with write() as session:
            n = index_pending(session)
        done += n
        if n < BATCH:
            break
    if done >= BULK_ROWS and not stop():
        with write() as session:
            refresh_statistics(session, _MESSAGES)
    return done
