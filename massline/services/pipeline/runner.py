"""The analysis pipeline: registered, ordered, incremental steps with versioned results.

A *step* is a function that computes its part of the analysis for one message
(``fn(ctx, session, item) -> StepResult``), registered with a name and a
version by :func:`register_step` — the built-in steps
(``services/pipeline_steps.py``: classify, kind, urgency, sentiment, place,
duplicates) use the same decorator. Steps run in registration order.

:func:`run_pipeline` picks messages that have no analysis yet, then messages
whose stored versions differ from the current ones, runs only the steps whose
version changed, and upserts one ``MessageAnalysis`` row per message. Running
it twice does nothing the second time. After the analysis, a message still in
the dispatch queue (received, no office) is routed with the predicted category
(when confident) and the located region (when the citizen gave none), through
the routing table and ``casework.do_route``.

The CLI (``massline pipeline run``) and the worker call this in short write
transactions; the web tier only reads the results (``services/analysis_view``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from massline.analysis.classify import CategoryClassifier
from massline.analysis.places import Gazetteer, RegionEntry
from massline.analysis.text import LshIndex, MinHasher
from massline.models import Category, Message, MessageAnalysis, Office, Region, utcnow
from massline.services.alerts import AlertParams
from massline.services.casework import do_route
from massline.services.classifier import ModelUnavailable, load_classifier
from massline.services.routing import config_version, routing_table

log = logging.getLogger(__name__)

#: Region levels of the platform → levels of ``analysis.places``.
PLACE_LEVELS = {"county": "district", "town": "street"}
DUPLICATE_THRESHOLD = 0.8


@dataclass
class AnalysisContext:
    """What the steps need, built once per configuration (gazetteer) and model file (classifier)."""

    gazetteer: Gazetteer
    region_ids: dict[str, int]
    category_ids: dict[str, int]
    classifier: CategoryClassifier | None = None
    classifier_problem: str = "no model file"
    threshold: float = 0.5
    hasher: MinHasher = field(default_factory=MinHasher)
    lsh: LshIndex = field(default_factory=lambda: LshIndex(threshold=DUPLICATE_THRESHOLD))
    batch: dict[str, dict[int, Any]] = field(default_factory=dict)  # per run: results of prepare hooks
    alert_params: AlertParams = field(default_factory=AlertParams)


@dataclass(frozen=True)
class Item:
    """The part of a message the steps read."""

    id: int
    title: str
    body: str
    created_at: datetime

    @property
    def text(self) -> str:
        """Title and body, as analysed (evidence offsets refer to this text)."""
        return f"{self.title}\n{self.body}"


@dataclass
class StepResult:
    """A step's output: values for typed ``MessageAnalysis`` columns and JSON evidence."""

    values: dict[str, Any] = field(default_factory=dict)
    evidence: Any = None
    skipped: str | None = None


StepFn = Callable[[AnalysisContext, Session, Item], StepResult]
PrepareFn = Callable[[AnalysisContext, list[Item]], None]
FinishFn = Callable[[AnalysisContext, Session, list[Item]], None]


@dataclass(frozen=True)
class Step:
    """A registered pipeline step."""

    name: str
    version: str | Callable[[AnalysisContext], str]
    run: StepFn
    prepare: PrepareFn | None = None
    finish: FinishFn | None = None

    def current_version(self, ctx: AnalysisContext) -> str:
        """The version results computed now would carry."""
        return self.version(ctx) if callable(self.version) else self.version


_STEPS: list[Step] = []


def register_step(
    name: str,
    version: str | Callable[[AnalysisContext], str],
    *,
    prepare: PrepareFn | None = None,
    finish: FinishFn | None = None,
) -> Callable[[StepFn], StepFn]:
    """Register ``fn`` as the pipeline step ``name`` (appended; re-registering a name replaces it in place).

    ``version`` is a string, or a function of the context (the classifier's
    model version). Bump it when the step's results change: the next run
    recomputes that step, and only that step, for every message.
    ``prepare(ctx, items)`` may precompute a batch into ``ctx.batch[name]``;
    ``finish(ctx, session, items)`` runs once after the batch (in the same
    transaction) with the items the step ran on, e.g. to refresh aggregates once.
    """

    def decorator(fn: StepFn) -> StepFn:
        step = Step(name, version, fn, prepare, finish)
        for i, existing in enumerate(_STEPS):
            if existing.name == name:
                _STEPS[i] = step
                break
        else:
            _STEPS.append(step)
        return fn

    return decorator


def steps() -> list[Step]:
    """The registered steps, in the order they run."""
    return list(_STEPS)


def pipeline_version(ctx: AnalysisContext) -> str:
    """Digest of every step's current version (stored per message; a mismatch means work to do)."""
    joined = "|".join(f"{s.name}={s.current_version(ctx)}" for s in _STEPS)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]


# ---- context -----------------------------------------------------------------

_places_cache: dict[str, tuple[str, Gazetteer, dict[str, int], dict[str, int]]] = {}
_places_lock = threading.Lock()
_MAX_CACHED = 2  # a gazetteer holds a segmenter (~25 MB)


def _places(session: Session) -> tuple[Gazetteer, dict[str, int], dict[str, int]]:
    key = str(session.get_bind().engine.url)
    version = config_version(session)
    cached = _places_cache.get(key)
    if cached is not None and cached[0] == version and version:
        return cached[1], cached[2], cached[3]
    rows = list(
        session.execute(select(Region.id, Region.code, Region.name, Region.level, Region.parent_id, Region.aliases))
    )
    code_of = {rid: code for rid, code, *_ in rows}
    entries = [
        RegionEntry(
            code,
            name,
            PLACE_LEVELS.get(level, level),
            code_of.get(parent_id) if parent_id is not None else None,
            tuple(aliases or ()),
        )
        for _rid, code, name, level, parent_id, aliases in rows
    ]
    gazetteer = Gazetteer(entries)
    region_ids = {code: rid for rid, code in code_of.items()}
    categories = session.execute(select(Category.path, Category.id).where(Category.level == 1))
    category_ids = {path: cid for path, cid in categories}
    with _places_lock:
        while len(_places_cache) >= _MAX_CACHED and key not in _places_cache:
            _places_cache.pop(next(iter(_places_cache)))
        _places_cache[key] = (version, gazetteer, region_ids, category_ids)
    return gazetteer, region_ids, category_ids


def analysis_context(
    session: Session, *, model_path: Path | None, threshold: float = 0.5, alert_params: AlertParams | None = None
) -> AnalysisContext:
    """The context for a run: the gazetteer of the current configuration, the current model file and
    the early-warning thresholds (``alert_params``, default: the built-in ones).

    Both are cached (per database and configuration version; per file and
    modification time), so calling this before every batch is cheap.
    """
    gazetteer, region_ids, category_ids = _places(session)
    classifier: CategoryClassifier | None = None
    problem = "no model file"
    if model_path is not None:
        try:
            classifier = load_classifier(model_path)
        except ModelUnavailable as exc:
            problem = f"model unreadable: {exc}"
            log.warning("category model not used: %s", exc)
        problem = "" if classifier is not None else problem
    return AnalysisContext(gazetteer, region_ids, category_ids, classifier, problem, threshold,
                           alert_params=alert_params or AlertParams())  # fmt: skip


# ---- running -----------------------------------------------------------------


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


def run_pipeline(
    session: Session,
    ctx: AnalysisContext,
    *,
    since: datetime | None = None,
    message_ids: Iterable[int] | None = None,
    limit: int | None = None,
    force: bool = False,
    after_id: int = 0,
    now: datetime | None = None,
) -> PipelineReport:
    """Analyse messages that lack a step's current version; store results; route queued messages.

    ``force`` re-runs every step (then page with ``after_id`` = the previous
    report's ``last_id``). Runs in the caller's transaction: keep ``limit``
    small (≈100) for short write transactions.
    """
    now = now or utcnow()
    ctx = dataclasses.replace(ctx, batch={})
    current = pipeline_version(ctx)
    versions = {s.name: s.current_version(ctx) for s in _STEPS}
    ids = _pending(
        session, current, since=since, message_ids=message_ids, limit=limit, force=force, after_id=after_id
    )
    report = PipelineReport(last_id=max(ids, default=0))
    if not ids:
        return report
    items = [
        Item(mid, title, body, created)
        for mid, title, body, created in session.execute(
            select(Message.id, Message.title, Message.body, Message.created_at)
            .where(Message.id.in_(ids))
            .order_by(Message.created_at, Message.id)
        )
    ]
    existing = session.scalars(select(MessageAnalysis).where(MessageAnalysis.message_id.in_(ids)))
    rows = {r.message_id: r for r in existing}
    todo: dict[int, list[Step]] = {}
    for item in items:
        row = rows.get(item.id)
        done = {} if row is None or force else row.versions
        todo[item.id] = [s for s in _STEPS if done.get(s.name) != versions[s.name]]
    for step in _STEPS:
        if step.prepare is not None:
            batch = [item for item in items if step in todo[item.id]]
            if batch:
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
    for step in _STEPS:
        if step.finish is not None:
            batch = [item for item in items if step in todo[item.id]]
            if batch:
                step.finish(ctx, session, batch)
    report.routed = _route_queued(session, rows, now)
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


# ---- routing of queued messages ------------------------------------------------


def _route_queued(session: Session, rows: dict[int, MessageAnalysis], now: datetime) -> int:
    queued = session.scalars(
        select(Message)
        .where(Message.id.in_(list(rows)), Message.status == "received", Message.office_id.is_(None))
        .order_by(Message.id)
        .with_for_update()
    ).all()
    routed = 0
    for message in queued:
        routed += route_by_analysis(session, message, rows[message.id], now)
    return routed


def route_by_analysis(session: Session, message: Message, row: MessageAnalysis, now: datetime) -> bool:
    """Route a queued message with what the analysis found; True when it was routed.

    The predicted category is used only when the citizen (or intake) gave none
    and the model was confident; the located region only when the citizen
    chose none. Routing itself is the routing table's (the same rules as
    intake); below the threshold, or without a unique office, the message stays
    in the dispatch queue for a person.
    """
    category_id = message.category_id
    region_id = message.region_id
    reasons: list[str] = []
    data: dict[str, Any] = {"by": "analysis"}
    if category_id is None and row.category_id is not None and row.needs_review is False:
        category_id = row.category_id
        reasons.append(f"领域“{row.category_label}”由分类模型识别，置信度 {row.category_confidence or 0:.2f}")
        data.update(category=row.category_label, confidence=row.category_confidence)
    if region_id is None and row.located_region_id is not None:
        region_id = row.located_region_id
        place = (row.evidence or {}).get("place") or {}
        words = "、".join(place.get("evidence") or [])
        reasons.append(f"区域“{place.get('name', '')}”据文中“{words}”")
        data.update(region=place.get("code"))
    if not reasons or category_id is None or region_id is None:
        return False
    office_id = routing_table(session).route(region_id, category_id)
    if office_id is None:
        return False
    office = session.get(Office, office_id)
    assert office is not None
    if message.category_id != category_id:
        message.category = session.get(Category, category_id)
    if message.region_id != region_id:
        message.region = session.get(Region, region_id)
    note = f"智能分派：{office.name}（{'；'.join(reasons)}）"
    do_route(session, message, office, now, note, **data)
    return True


# the built-in steps register themselves on import, in this order ("issues" needs "duplicates")
# isort: off
from massline.services.pipeline import steps as _builtin_steps  # noqa: E402, F401
# isort: on
