"""Running the pipeline: ordered, incremental steps with versioned results.

:func:`run_pipeline` picks messages that have no analysis yet (``Message.analysis_pending``,
set when a message is stored and cleared here), then messages whose stored versions differ
from the current ones, runs only the steps whose version changed, and upserts one
``MessageAnalysis`` row per message. Running it twice does nothing the second time; both
look-ups read an index, so a poll with nothing to do costs the same at any archive size. After
the analysis, messages still in the dispatch queue are routed with what was found (``dispatch.py``).

The steps are passed in — the list the running platform's plugins registered
(``Platform.plugins.steps()``, see ``massline.plugins``), in order; nothing is
registered here. The CLI (``massline pipeline run``) and the worker call this
in short write transactions; the web tier only reads the results.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, func, insert, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import InstrumentedAttribute, Session

from massline.models import Message, MessageAnalysis, utcnow
from massline.services.pipeline.context import AnalysisContext
from massline.services.pipeline.dispatch import route_queued
from massline.services.pipeline.stepdef import Item, Step, StepResult

log = logging.getLogger(__name__)


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
    """The next ids to analyse: new messages first (``analysis_pending``, a partial index), then those
    analysed with another pipeline version (looked for only when the index on ``pipeline_version`` holds
    another one), so that a poll with nothing to do reads a few index pages at any archive size."""

    def narrowed(stmt: Select[Any], ids: InstrumentedAttribute[int]) -> Select[Any]:
        if since is not None:
            stmt = stmt.where(Message.created_at >= since)
        if message_ids is not None:
            stmt = stmt.where(ids.in_(list(message_ids)))
        if after_id:
            stmt = stmt.where(ids > after_id)
        return stmt.order_by(ids)

    if force:
        return list(session.scalars(narrowed(select(Message.id), Message.id).limit(limit)))
    # new messages first, so a model change does not delay today's messages behind the archive
    ids = list(session.scalars(narrowed(select(Message.id).where(Message.analysis_pending), Message.id).limit(limit)))
    if (limit is None or len(ids) < limit) and _other_versions(session, current):
        room = None if limit is None else limit - len(ids)
        stale = select(MessageAnalysis.message_id).where(MessageAnalysis.pipeline_version != current)
        if since is not None:
            stale = stale.join(Message, Message.id == MessageAnalysis.message_id)
        new = set(ids)
        ids += [i for i in session.scalars(narrowed(stale, MessageAnalysis.message_id).limit(room)) if i not in new]
    return ids


def _other_versions(session: Session, current: str) -> bool:
    """Whether some stored analysis has another pipeline version than ``current``: the lowest and the highest
    stored one, each one look-up in the index on ``pipeline_version`` (an index serves no ``!=``)."""
    low = session.scalar(select(func.min(MessageAnalysis.pipeline_version)))
    high = session.scalar(select(func.max(MessageAnalysis.pipeline_version)))
    return low is not None and (low != current or high != current)


def _items(session: Session, ids: list[int]) -> list[Item]:
    rows = session.execute(
        select(Message.id, Message.title, Message.body, Message.created_at)
        .where(Message.id.in_(ids))
        .order_by(Message.created_at, Message.id)
    )
    return [Item(mid, title, body, created) for mid, title, body, created in rows]


@dataclass
class Batch:
    """One batch of the pipeline, between its three phases (:func:`plan_batch`, :func:`compute_batch`,
    :func:`store_batch`)."""

    ctx: AnalysisContext
    steps: Sequence[Step]
    versions: dict[str, str]
    current: str
    items: list[Item]
    force: bool
    last_id: int
    todo: dict[int, list[Step]] = field(default_factory=dict)
    computed: dict[int, dict[str, StepResult | Exception]] = field(default_factory=dict)


def _todo(steps: Sequence[Step], versions: dict[str, str], done: dict[str, str] | None, force: bool) -> list[Step]:
    done = {} if done is None or force else done
    return [s for s in steps if done.get(s.name) != versions[s.name]]


def plan_batch(
    session: Session,
    ctx: AnalysisContext,
    steps: Sequence[Step],
    *,
    since: datetime | None = None,
    message_ids: Iterable[int] | None = None,
    limit: int | None = None,
    force: bool = False,
    after_id: int = 0,
) -> Batch:
    """The next messages to analyse (a read: any transaction) and the steps each one needs."""
    ctx = dataclasses.replace(ctx, batch={}, state={})
    current = pipeline_version(ctx, steps)
    versions = {s.name: s.current_version(ctx) for s in steps}
    ids = _pending(session, current, since=since, message_ids=message_ids, limit=limit, force=force, after_id=after_id)
    batch = Batch(ctx, steps, versions, current, _items(session, ids) if ids else [], force, max(ids, default=0))
    stmt = select(MessageAnalysis.message_id, MessageAnalysis.versions).where(MessageAnalysis.message_id.in_(ids))
    done: dict[int, dict[str, str]] = {mid: stamped for mid, stamped in session.execute(stmt)}
    batch.todo = {item.id: _todo(steps, versions, done.get(item.id), force) for item in batch.items}
    return batch


def compute_batch(batch: Batch) -> None:
    """The pure part: every ``prepare`` hook and every ``compute`` step (no database, no lock held)."""
    ctx = batch.ctx
    for step in batch.steps:
        chosen = [item for item in batch.items if step in batch.todo[item.id]]
        if step.prepare is not None and chosen:
            step.prepare(ctx, chosen)
        if step.compute is None:
            continue
        for item in chosen:
            try:
                result: StepResult | Exception = step.compute(ctx, item)
            except Exception as exc:  # a step's bug must not stop the others or the queue
                log.exception("pipeline step %s failed on message %s", step.name, item.id)
                result = exc
            batch.computed.setdefault(item.id, {})[step.name] = result


@contextmanager
def collected_after() -> Iterator[None]:
    """No collection of cyclic garbage during the block: it is collected after it (the collector is
    enabled again, unless it was off before). A batch allocates many objects that live as long as it
    does; the collector, run every 700 allocations, ran about 50 times per batch, and every few batches
    scanned every object of the process (the models, the kept index)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def store_batch(session: Session, batch: Batch, now: datetime | None = None) -> PipelineReport:
    """The write: run the database steps, store every result, finish hooks, route queued messages.

    Runs in a write transaction. Messages deleted or analysed by someone else since
    :func:`plan_batch` are left alone; a step due now that was not computed is computed here.
    Cyclic garbage is collected after it (:func:`collected_after`).
    """
    with collected_after():
        return _store_batch(session, batch, now)


def _store_batch(session: Session, batch: Batch, now: datetime | None) -> PipelineReport:
    now = now or utcnow()
    ctx, steps, versions = batch.ctx, batch.steps, batch.versions
    report = PipelineReport(last_id=batch.last_id)
    ids = [item.id for item in batch.items]
    alive = set(session.scalars(select(Message.id).where(Message.id.in_(ids))))
    stmt = select(MessageAnalysis).where(MessageAnalysis.message_id.in_(ids))
    rows = {r.message_id: r for r in session.scalars(stmt)}
    items, todo = [], {}
    for item in batch.items:
        row = rows.get(item.id)
        if item.id not in alive or (row is not None and row.pipeline_version == batch.current and not batch.force):
            continue
        items.append(item)
        todo[item.id] = _todo(steps, versions, None if row is None else row.versions, batch.force)
    # messages analysed for the first time: nothing of theirs stored yet that a step must replace
    ctx.state["first_time"] = {item.id for item in items if item.id not in rows}
    new: list[MessageAnalysis] = []  # (inserted as rows below: not added to the session)
    with session.no_autoflush:
        for item in items:
            row = rows.get(item.id)
            if row is None:
                row = rows[item.id] = MessageAnalysis(message_id=item.id, versions={}, evidence={})
                new.append(row)
            _analyse(session, ctx, item, row, todo[item.id], batch, report)
            row.pipeline_version = batch.current
            row.analysed_at = now
            report.messages += 1
            report.urgent += row.urgency_level == "urgent"
    session.flush()
    _insert_analyses(session, new)
    for step in steps:
        chosen = [item for item in items if step in todo[item.id]]
        if step.finish is not None and chosen:
            step.finish(ctx, session, chosen)
    report.routed = route_queued(session, {i.id: rows[i.id] for i in items}, now)
    done = update(Message).where(Message.id.in_(alive), Message.analysis_pending).values(analysis_pending=False)
    session.execute(done.execution_options(synchronize_session=False))
    return report


def _insert_analyses(session: Session, rows: list[MessageAnalysis]) -> None:
    """Insert the analyses of messages analysed for the first time, a statement per 500 rows (the table's
    own INSERT: the unit of work adds only its per-object bookkeeping; the objects stay out of the session)."""
    columns = [(c.key, c.columns[0].name) for c in sa_inspect(MessageAnalysis).column_attrs]
    values = [{name: getattr(row, key) for key, name in columns} for row in rows]
    for start in range(0, len(values), 500):
        session.execute(insert(cast(Table, MessageAnalysis.__table__)), values[start : start + 500])


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

    The three phases in the caller's (write) transaction; the worker runs them
    in separate transactions so that no writer waits for the pure part.
    ``steps`` run in the order given (``Platform.plugins.steps()``). ``force``
    re-runs every step (then page with ``after_id`` = the previous report's
    ``last_id``). Keep ``limit`` small (≈100) for short write transactions.
    """
    batch = plan_batch(
        session, ctx, steps, since=since, message_ids=message_ids, limit=limit, force=force, after_id=after_id
    )
    if not batch.items:
        return PipelineReport(last_id=batch.last_id)
    compute_batch(batch)
    return store_batch(session, batch, now)


def _result(session: Session, step: Step, item: Item, batch: Batch) -> StepResult | Exception:
    found = batch.computed.get(item.id, {}).get(step.name)
    if found is not None:
        return found
    try:
        if step.compute is not None:
            return step.compute(batch.ctx, item)
        assert step.run is not None
        return step.run(batch.ctx, session, item)
    except SQLAlchemyError:
        raise
    except Exception as exc:  # a step's bug must not stop the others or the queue
        log.exception("pipeline step %s failed on message %s", step.name, item.id)
        return exc


def _analyse(
    session: Session,
    ctx: AnalysisContext,
    item: Item,
    row: MessageAnalysis,
    todo: list[Step],
    batch: Batch,
    report: PipelineReport,
) -> None:
    new_versions = dict(row.versions or {})
    evidence = dict(row.evidence or {})
    for step in todo:
        result = _result(session, step, item, batch)
        if isinstance(result, Exception):
            result = StepResult(evidence={"error": f"{result.__class__.__name__}: {result}"})
            report.failed[step.name] = report.failed.get(step.name, 0) + 1
        else:
            counts = report.skipped if result.skipped else report.ran
            counts[step.name] = counts.get(step.name, 0) + 1
        for column, value in result.values.items():
            setattr(row, column, value)
        evidence[step.name] = result.evidence if result.skipped is None else {"skipped": result.skipped}
        new_versions[step.name] = batch.versions[step.name]
        if step.name == "duplicates" and result.values.get("duplicate_of_id") is not None:
            report.duplicates += 1
    row.versions = new_versions
    row.evidence = evidence
