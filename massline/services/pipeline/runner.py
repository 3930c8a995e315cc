"""Running the pipeline: ordered, incremental steps with versioned results.

:func:`run_pipeline` picks messages that have no analysis yet, then messages
whose stored versions differ from the current ones, runs only the steps whose
version changed, and upserts one ``MessageAnalysis`` row per message. Running
it twice does nothing the second time. After the analysis, messages still in
the dispatch queue are routed with what was found (``dispatch.py``).

The steps are passed in — the list the running platform's plugins registered
(``Platform.plugins.steps()``, see ``massline.plugins``), in order; nothing is
registered here. The CLI (``massline pipeline run``) and the worker call this
in short write transactions; the web tier only reads the results.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from massline.models import Message, MessageAnalysis, utcnow
from massline.services.pipeline.context import AnalysisContext, Item, Step, StepResult
from massline.services.pipeline.dispatch import route_queued

log = logging.getLogger(__name__)


def ordered_steps(groups: Iterable[Iterable[Step]]) -> list[Step]:
    """The steps of ``groups`` (one list per plugin, in registration order) in the order they run.

    A step whose name was already given replaces the earlier one in place (a
    new version of a built-in step keeps its position); others are appended.
    """
    out: list[Step] = []
    for group in groups:
        for step in group:
            for i, existing in enumerate(out):
                if existing.name == step.name:
                    out[i] = step
                    break
            else:
                out.append(step)
    return out


def pipeline_version(ctx: AnalysisContext, steps: Sequence[Step]) -> str:
    """Digest of every step's current version (stored per message; a mismatch means work to do)."""
    joined = "|".join(f"{s.name}={s.current_version(ctx)}" for s in steps)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]


@dataclass
class PipelineReport:
    """What a run did: messages analysed, per-step counts, routed messages."""

    messages: int = 0
    ran: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    routed: int = 0
    urgent: int = 0
    duplicates: int = 0
    last_id: int = 0
    indexed: int = 0  #: messages added to the search index first (services/search_backlog)

    def add(self, other: PipelineReport) -> None:
        """Accumulate ``other`` (a later batch) into this report."""
        self.messages += other.messages
        for mine, theirs in ((self.ran, other.ran), (self.skipped, other.skipped), (self.failed, other.failed)):
            for name, n in theirs.items():
                mine[name] = mine.get(name, 0) + n
        self.routed += other.routed
        self.urgent += other.urgent
        self.duplicates += other.duplicates
        self.last_id = max(self.last_id, other.last_id)
        self.indexed += other.indexed


def _pending(
    session: Session,
    current: str,
    *,
    since: datetime | None,
    message_ids: Iterable[int] | None,
    limit: int | None,
    force: bool,
    after_id: int,
) -> list[int]:
    stmt = select(Message.id).outerjoin(MessageAnalysis, MessageAnalysis.message_id == Message.id)
    if since is not None:
        stmt = stmt.where(Message.created_at >= since)
    if message_ids is not None:
        stmt = stmt.where(Message.id.in_(list(message_ids)))
    if after_id:
        stmt = stmt.where(Message.id > after_id)
    stmt = stmt.order_by(Message.id)
    if force:
        return list(session.scalars(stmt.limit(limit)))
    # new messages first, so a model change does not delay today's messages behind the archive
    ids = list(session.scalars(stmt.where(MessageAnalysis.message_id.is_(None)).limit(limit)))
    if limit is None or len(ids) < limit:
        room = None if limit is None else limit - len(ids)
        ids += session.scalars(stmt.where(MessageAnalysis.pipeline_version != current).limit(room))
    return ids


def _items(session: Session, ids: list[int]) -> list[Item]:
    rows = session.execute(
        select(Message.id, Message.title, Message.body, Message.created_at)
        .where(Message.id.in_(ids))
        .order_by(Message.created_at, Message.id)
    )
    return [Item(mid, title, body, created) for mid, title, body, created in rows]


def run_pipeline(
    session: Session,
    ctx: AnalysisContext,
    steps: Sequence[Step],
    *,
    since: datetime | None = None,
    message_ids: Iterable[int] | None = None,
    limit: int | None = None,
    force: bool = False,
    after_id: int = 0,
    now: datetime | None = None,
) -> PipelineReport:
    """Analyse messages that lack a step's current version; store results; route queued messages.

    ``steps`` run in the order given (``Platform.plugins.steps()``). ``force``
    re-runs every step (then page with ``after_id`` = the previous report's
    ``last_id``). Runs in the caller's transaction: keep ``limit`` small
    (≈100) for short write transactions.
    """
    now = now or utcnow()
    ctx = dataclasses.replace(ctx, batch={})
    current = pipeline_version(ctx, steps)
    versions = {s.name: s.current_version(ctx) for s in steps}
    ids = _pending(
        session, current, since=since, message_ids=message_ids, limit=limit, force=force, after_id=after_id
    )
    report = PipelineReport(last_id=max(ids, default=0))
    if not ids:
        return report
    items = _items(session, ids)
    existing = session.scalars(select(MessageAnalysis).where(MessageAnalysis.message_id.in_(ids)))
    rows = {r.message_id: r for r in existing}
    todo: dict[int, list[Step]] = {}
    for item in items:
        row = rows.get(item.id)
        done = {} if row is None or force else row.versions
        todo[item.id] = [s for s in steps if done.get(s.name) != versions[s.name]]
    for step in steps:
        batch = [item for item in items if step in todo[item.id]]
        if step.prepare is not None and batch:
            step.prepare(ctx, batch)
    for item in items:
        row = rows.get(item.id)
        if row is None:
            row = MessageAnalysis(message_id=item.id, versions={}, evidence={})
            session.add(row)
            rows[item.id] = row
        _analyse(session, ctx, item, row, todo[item.id], versions, report)
        row.pipeline_version = current
        row.analysed_at = now
        report.messages += 1
        report.urgent += row.urgency_level == "urgent"
    session.flush()
    for step in steps:
        batch = [item for item in items if step in todo[item.id]]
        if step.finish is not None and batch:
            step.finish(ctx, session, batch)
    report.routed = route_queued(session, rows, now)
    return report


def _analyse(
    session: Session,
    ctx: AnalysisContext,
    item: Item,
    row: MessageAnalysis,
    todo: list[Step],
    versions: dict[str, str],
    report: PipelineReport,
) -> None:
    new_versions = dict(row.versions or {})
    evidence = dict(row.evidence or {})
    for step in todo:
        try:
            result = step.run(ctx, session, item)
        except SQLAlchemyError:
            raise
        except Exception as exc:  # a step's bug must not stop the others or the queue
            log.exception("pipeline step %s failed on message %s", step.name, item.id)
            result = StepResult(evidence={"error": f"{exc.__class__.__name__}: {exc}"})
            report.failed[step.name] = report.failed.get(step.name, 0) + 1
        else:
            counts = report.skipped if result.skipped else report.ran
            counts[step.name] = counts.get(step.name, 0) + 1
        for column, value in result.values.items():
            setattr(row, column, value)
        evidence[step.name] = result.evidence if result.skipped is None else {"skipped": result.skipped}
        new_versions[step.name] = versions[step.name]
        if step.name == "duplicates" and result.values.get("duplicate_of_id") is not None:
            report.duplicates += 1
    row.versions = new_versions
    row.evidence = evidence
