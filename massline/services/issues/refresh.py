"""The issues left dirty, refreshed: those a backlog's batches touched, and any a crash left behind.

While a backlog lasts (more batches follow at once: ``AnalysisContext.backlog``), the ``issues``
step's end of batch does not refresh the issues it touched: a new issue is stored dirty and a
joined one is marked dirty in the batch's own transaction, so the record of what is still to
refresh is durable. :func:`refresh_dirty` refreshes them — figures, heat, description, alerts, as
the end of a batch does (``step.refresh_issues``) — a chunk per write transaction; the worker calls
it at the end of every cycle that stored messages, unless the cycle stopped at its size with more
pending (so when its backlog ends), every ``refresh_every`` seconds while a backlog lasts, a chunk
instead of waiting for its second process's next batch (issues dirty for ``refresh_idle`` seconds), and
in its first cycle (what a stopped worker left). An issue that grows
over many batches is then described once instead of after every batch.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.analysis.places import Language
from massline.models import Issue
from massline.services import alerts
from massline.services.issues.index import StoredIssueIndex
from massline.services.issues.memory import read_generation
from massline.services.issues.places import stored_vocabulary
from massline.services.issues.step import refresh_issues
from massline.services.issues.store import save_issues

#: dirty issues refreshed per write transaction (about a quarter of a second of work)
REFRESH_CHUNK = 200


def refresh_dirty(
    session: Session,
    now: datetime,
    alert_params: alerts.AlertParams | None = None,
    language: Language | None = None,
    *,
    limit: int = REFRESH_CHUNK,
) -> int:
    """Refresh at most ``limit`` dirty issues (the oldest first; merged ones are never refreshed) in
    ``session``'s write transaction; returns how many (fewer than ``limit``: none is left)."""
    stmt = select(Issue.id).where(Issue.dirty.is_(True), Issue.status != "merged").order_by(Issue.id).limit(limit)
    ids = list(session.scalars(stmt))
    if not ids:
        return 0
    # the vocabulary, frequencies and members' features the batches kept (trusted by the index's generation
    # token, which nothing here replaces: a refresh writes no index row)
    holder, token = stored_vocabulary(session), read_generation(session)
    index = StoredIssueIndex(session, language=language, vocabulary=holder, generation=token)
    index.load_clusters(ids)
    with session.no_autoflush:
        refreshed = refresh_issues(session, ids, now, alert_params, language, index)
    save_issues(session, refreshed)
    holder.saved(session, index.frequencies(), token or None)  # (nothing learnt: all as read)
    return len(ids)
