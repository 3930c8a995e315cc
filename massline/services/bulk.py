"""Bulk import: rows of a hotline or message-board export become routed messages.

Every row goes through the web form's validation (``intake.validate_input``),
the registered category suggesters, ``routing.route_office`` and
``routing.deadline_days``, gets a tracking code from ``intake.new_tracking_code``
and search terms from ``intake.search_text`` — the same functions a web
submission uses. What is batch-specific is only *how* the rows are written:

* names are resolved once (regions by code, name or alias; categories by path),
  route results are cached per (region, category) and deadline days per
  (category, kind), since routing depends on nothing else for an import;
* rows are written in batches (one transaction each) with Core ``INSERT``
  executemany for messages, search rows, events and replies;
* with ``on_error="stop"`` a first streaming pass validates the whole file and
  nothing is written when any row is bad.

Re-running an import is idempotent: a row whose (source, external_id) already
exists is skipped. The case history of an imported message is ``submitted``
(at the row's time, ``data={"source": ...}``), ``routed`` when an office was
found, and ``replied`` when the row carries a reply.
"""

from __future__ import annotations

import pickle
import queue
import secrets
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any, TypeVar, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session, sessionmaker

from massline.db import transaction
from massline.io.importers import ImportMapping
from massline.models import (
    Message,
    MessageEvent,
    MessageSearch,
    Office,
    Reply,
)
from massline.services import audit
from massline.services.access import secret_digest
from massline.services.bulk_prepare import (
    ImportAborted,
    ImportOptions,
    ImportReport,
    Lookups,
    OfficeRef,
    PreparedRow,
    Records,
    batched_rows,
    deployment_timezone,
    prepared_rows,
)
from massline.services.crypto import FieldCipher
from massline.services.intake import new_tracking_code, search_text
from massline.services.routing import suggest_category

_T = TypeVar("_T", "PreparedRow", "_Planned")
_Item = tuple[list["_Planned"], "Future[list[str]] | None"]
# Core tables: batches are written with executemany, bypassing the ORM unit of work.
_MESSAGES = cast(Table, Message.__table__)
_SEARCH = cast(Table, MessageSearch.__table__)
_EVENTS = cast(Table, MessageEvent.__table__)
_REPLIES = cast(Table, Reply.__table__)


def _existing_ids(session: Session, source: str, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(
            session.scalars(select(Message.external_id).where(Message.source == source, Message.external_id.in_(chunk)))
        )
    return found


def _new_rows(session: Session, batch: list[_T], source: str, seen: set[str], report: ImportReport) -> list[_T]:
    """Drop rows already imported (same source and external_id) or repeated in this run."""
    ids = [ext for p in batch if (ext := _external_id(p))]
    existing = _existing_ids(session, source, ids) if ids else set()
    fresh: list[_T] = []
    for p in batch:
        ext = _external_id(p)
        if ext is not None and (ext in existing or ext in seen):
            report.duplicates += 1
            continue
        if ext is not None:
            seen.add(ext)
        fresh.append(p)
    return fresh


def _external_id(item: PreparedRow | _Planned) -> str | None:
    return (item.prepared if isinstance(item, _Planned) else item).row.external_id


def _ids_by_code(session: Session, codes: list[str]) -> list[int]:
    """Ids of just-inserted messages, in the order of ``codes`` (portable, unlike
    executemany + RETURNING, which SQLite runs row by row when order matters)."""
    found: dict[str, int] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        rows = session.execute(select(Message.tracking_code, Message.id).where(Message.tracking_code.in_(chunk)))
        found.update((code, mid) for code, mid in rows)
    return [found[c] for c in codes]


def _reply_ids(session: Session, message_ids: list[int]) -> dict[int, int]:
    """Reply id per message for just-inserted replies (an imported message has one)."""
    found: dict[int, int] = {}
    for start in range(0, len(message_ids), 500):
        chunk = message_ids[start : start + 500]
        rows = session.execute(select(Reply.message_id, Reply.id).where(Reply.message_id.in_(chunk)))
        found.update((mid, rid) for mid, rid in rows)
    return found


def _event(
    message_id: int, type_: str, at: datetime, frm: str, to: str, office_id: int | None, **kw: Any
) -> dict[str, Any]:
    note = kw.pop("note", None)
    return {
        "message_id": message_id,
        "type": type_,
        "from_status": frm,
        "to_status": to,
        "actor_id": None,
        "office_id": office_id,
        "note": note,
        "is_public": True,
        "data": kw,
        "created_at": at,
    }


@dataclass
class _Planned:
    prepared: PreparedRow
    message: dict[str, Any]
    office: OfficeRef | None
    replier: OfficeRef | None
    created: datetime


class _Writer:
    """Plans and writes batches of prepared rows; one instance per import run."""

    def __init__(self, lookups: Lookups, cipher: FieldCipher, options: ImportOptions, now: datetime) -> None:
        self.lookups = lookups
        self.cipher = cipher
        self.options = options
        self.now = now
        self.codes: set[str] = set()
        self.reply_office: OfficeRef | None = None

    def _code(self) -> str:
        code = new_tracking_code()
        while code in self.codes:
            code = new_tracking_code()
        self.codes.add(code)
        return code

    def plan(self, session: Session, batch: list[PreparedRow]) -> list[_Planned]:
        """Route each row and compose its message row (no writing; ``session`` only reads)."""
        source = self.options.source
        planned: list[_Planned] = []
        for p in batch:
            row = p.row
            category_id = p.category_id
            if category_id is None:
                suggested = suggest_category(session, row.title + "\n" + row.body)
                category_id = suggested.id if suggested is not None else None
            office = self.lookups.office_for(session, p.region_id, category_id)
            created = row.created_at or self.now
            replier = office
            if row.reply and replier is None:
                replier = self.reply_office or self.lookups.dispatch_office(p.region_id)
            replied_at = (row.replied_at or created) if row.reply and replier else None
            status = "replied" if replied_at else ("assigned" if office else "received")
            owner = office or (replier if replied_at else None)
            due = created + timedelta(days=self.lookups.days_for(session, category_id, row.kind)) if office else None
            message = {
                "tracking_code": self._code(),
                "secret_hash": secret_digest(secrets.token_urlsafe(16)),
                "title": row.title.strip(),
                "body": row.body.strip(),
                "kind": row.kind,
                "region_id": p.region_id,
                "category_id": category_id,
                "addressee_office_id": None,
                "addressee_leader_id": None,
                "office_id": owner.id if owner else None,
                "assignee_id": None,
                "status": status,
                "is_public": row.is_public,
                "author_name": row.author_name.strip() or "匿名网友",
                "contact_encrypted": self.cipher.encrypt(p.phone) if p.phone else None,
                "source": source,
                "external_id": row.external_id,
                "support_count": row.supports,
                "reopen_count": 0,
                "escalated": False,
                "reject_reason": None,
                "created_at": created,
                "updated_at": replied_at or created,
                "due_at": due,
                "replied_at": replied_at,
                "closed_at": None,
            }
            planned.append(_Planned(p, message, office, replier if replied_at else None, created))
        return planned

    def insert(self, session: Session, planned: list[_Planned], report: ImportReport) -> None:
        """Insert planned rows with their search rows, events and replies."""
        source = self.options.source
        messages = [x.message for x in planned]
        session.execute(insert(_MESSAGES), messages)
        ids = _ids_by_code(session, [m["tracking_code"] for m in messages])
        search = [
            {"message_id": mid, "terms": x.terms if x.terms is not None else search_text(m["title"], m["body"])}
            for mid, m, x in zip(ids, messages, (x.prepared for x in planned), strict=True)
        ]
        session.execute(insert(_SEARCH), search)
        events: list[dict[str, Any]] = []
        replies: list[dict[str, Any]] = []
        reply_events: list[tuple[int, dict[str, Any]]] = []
        for mid, x in zip(ids, planned, strict=True):
            p, office, replier, created = x.prepared, x.office, x.replier, x.created
            events.append(_event(mid, "submitted", created, "received", "received", None, source=source))
            status = "received"
            if office is not None:
                events.append(
                    _event(
                        mid,
                        "routed",
                        created,
                        "received",
                        "assigned",
                        office.id,
                        note=office.name,
                        office_code=office.code,
                    )
                )
                status = "assigned"
                report.routed += 1
            else:
                report.queued += 1
            if replier is not None:
                at = p.row.replied_at or created
                replies.append(
                    {
                        "message_id": mid,
                        "office_id": replier.id,
                        "author_id": None,
                        "body": p.row.reply,
                        "status": "published",
                        "created_at": at,
                        "published_at": at,
                    }
                )
                reply_events.append(
                    (len(replies) - 1, _event(mid, "replied", at, status, "replied", replier.id, source=source))
                )
                report.replied += 1
        if replies:
            session.execute(insert(_REPLIES), replies)
            reply_ids = _reply_ids(session, [r["message_id"] for r in replies])
            for index, event in reply_events:
                event["data"]["reply_id"] = reply_ids[replies[index]["message_id"]]
                events.append(event)
        session.execute(insert(_EVENTS), events)
        report.imported += len(ids)


class _Pipe:
    """A writer thread fed through a short queue; its first error is re-raised."""

    def __init__(self, consume: Callable[[_Item], None]) -> None:
        self._queue: queue.Queue[_Item | None] = queue.Queue(maxsize=2)
        self._consume = consume
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="massline-import-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain after a failure
            try:
                self._consume(item)
            except BaseException as exc:  # handed to the producer thread
                self._error = exc

    def put(self, item: _Item) -> None:
        """Queue a batch (blocks while two are waiting); raises the writer's error."""
        self._raise()
        self._queue.put(item)

    def close(self) -> None:
        """Wait until every queued batch is written; raise the writer's error."""
        self._queue.put(None)
        self._thread.join()
        self._raise()

    def abort(self) -> None:
        """Stop the writer after the queued batches (no-op when already closed)."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error


def _unspool(spool: IO[bytes]) -> Iterator[list[PreparedRow]]:
    """The batches the validation pass wrote to ``spool`` (our own temporary file)."""
    while True:
        try:
            yield pickle.load(spool)  # noqa: S301 - written by this process moments ago
        except EOFError:
            return


def _search_terms(texts: list[tuple[str, str]]) -> list[str]:
    """``intake.search_text`` of each (title, body); runs in a helper process."""
    return [search_text(title.strip(), body.strip()) for title, body in texts]


def _write_batch(
    sessions: sessionmaker[Session],
    writer: _Writer,
    planned: list[_Planned],
    terms: Future[list[str]] | None,
    seen: set[str],
    report: ImportReport,
    progress: Callable[[ImportReport], None] | None,
) -> None:
    """Write one planned batch in its own transaction (duplicates dropped first)."""
    if terms is not None:
        for x, text in zip(planned, terms.result(), strict=True):
            x.prepared.terms = text
    with transaction(sessions, write=True) as session:
        fresh = _new_rows(session, planned, writer.options.source, seen, report)
        if fresh:
            writer.insert(session, fresh, report)
        report.batches += 1
    report.written = report.written or bool(fresh)
    if progress is not None:
        progress(report)


def run_import(
    sessions: sessionmaker[Session],
    cipher: FieldCipher,
    open_records: Callable[[], Records],
    mapping: ImportMapping,
    options: ImportOptions,
    *,
    default_timezone: str = "Asia/Shanghai",
    now: datetime,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import the records that ``open_records()`` streams, in batches.

    Each batch commits on its own. With ``on_error="stop"`` a first pass
    validates every row (spooling the validated batches to a temporary file)
    and nothing is written when any row is bad; ``dry_run`` writes nothing.
    """
    with ExitStack() as stack:
        return _run_import(stack, sessions, cipher, open_records, mapping, options, default_timezone, now, progress)


def _run_import(
    stack: ExitStack,
    sessions: sessionmaker[Session],
    cipher: FieldCipher,
    open_records: Callable[[], Records],
    mapping: ImportMapping,
    options: ImportOptions,
    default_timezone: str,
    now: datetime,
    progress: Callable[[ImportReport], None] | None,
) -> ImportReport:
    spool: IO[bytes] | None = None
    check = ImportReport()
    if options.batch_size < 1:
        raise ImportAborted("batch size must be at least 1")
    if len(options.source) > 20 or not options.source:
        raise ImportAborted("source must be 1 to 20 characters")
    with transaction(sessions, write=False) as session:
        lookups = Lookups(session)
        tz = deployment_timezone(session, default_timezone)
        if options.default_region:
            try:
                lookups.region(options.default_region)
            except ValueError as exc:
                raise ImportAborted(f"--region: {exc}") from exc
        writer = _Writer(lookups, cipher, options, now)
        if options.reply_office:
            office = session.scalar(select(Office).where(Office.code == options.reply_office))
            if office is None:
                raise ImportAborted(f"--reply-office: no office with code {options.reply_office!r}")
            writer.reply_office = OfficeRef(office.id, office.code, office.name)
        if "reply" in mapping.fields and writer.reply_office is None and not lookups.dispatch:
            raise ImportAborted(
                "the mapping has a reply column but the deployment has no dispatch office to answer "
                "unrouted messages; give --reply-office CODE"
            )
        if options.on_error == "stop" or options.dry_run:
            check_seen: set[str] = set()
            spool = stack.enter_context(tempfile.TemporaryFile()) if not options.dry_run else None
            for batch in batched_rows(
                prepared_rows(session, lookups, open_records(), mapping, options, tz, now, check), options.batch_size
            ):
                _new_rows(session, batch, options.source, check_seen, check)
                if spool is not None and not check.bad_rows:
                    pickle.dump(batch, spool, protocol=pickle.HIGHEST_PROTOCOL)
            if check.bad_rows or options.dry_run:
                return check
    report = ImportReport()
    reader = stack.enter_context(sessions())
    if spool is not None:
        # The validated rows were spooled by the first pass: the file is read only once.
        report.rows = check.rows
        spool.seek(0)
        batches = _unspool(spool)
    else:
        batches = batched_rows(
            prepared_rows(reader, lookups, open_records(), mapping, options, tz, now, report), options.batch_size
        )
    seen: set[str] = set()

    def write(item: _Item) -> None:
        _write_batch(sessions, writer, *item, seen, report, progress)

    pool = ProcessPoolExecutor(options.workers) if options.workers > 0 else None
    pipe = _Pipe(write) if pool is not None else None
    try:
        for batch in batches:
            planned = writer.plan(reader, batch)
            reader.rollback()  # hold no read snapshot while the writer commits
            if pool is None or pipe is None:
                write((planned, None))
                continue
            # Pipelined: a helper process computes the batch's search terms and a
            # writer thread inserts it (SQLite works outside the GIL) while this
            # thread reads, validates and plans the next batch.
            pipe.put((planned, pool.submit(_search_terms, [(p.row.title, p.row.body) for p in batch])))
        if pipe is not None:
            pipe.close()
    finally:
        if pipe is not None:
            pipe.abort()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if report.imported:
        with transaction(sessions, write=True) as session:
            audit.record(
                session,
                None,
                "bulk_import",
                "message",
                None,
                source=options.source,
                imported=report.imported,
                duplicates=report.duplicates,
                bad_rows=report.bad_rows,
                mapping=mapping.name,
            )
    return report
