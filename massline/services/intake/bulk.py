"""Bulk import: rows of a hotline or message-board export become routed messages.

Every row goes through the web form's validation (``intake.validate_input``),
the registered category suggesters, ``routing.route_office`` and
``routing.deadline_days`` and gets a tracking code from ``intake.new_tracking_code``
— what a web submission gets; like a web submission, it is stored
``search_pending`` and indexed for search by the worker (or by ``--index-now``),
found by substring meanwhile. What is batch-specific is only *how* the rows are
written:

* names are resolved once (regions by code, name or alias; categories by path),
  route results are cached per (region, category) and deadline days per
  (category, kind), since routing depends on nothing else for an import;
* rows are written in batches, one transaction each, by ``intake.store_submissions``
  (the writer of every channel: Core ``INSERT`` executemany, see ``bulk_write``),
  in a writer thread while this one reads and plans the next batch (``writer_thread``);
* with ``on_error="stop"`` a first streaming pass validates the whole file and
  nothing is written when any row is bad.

Re-running an import is idempotent: a row whose (source, external_id) already
exists is skipped. The case history of an imported message is ``submitted``
(at the row's time, ``data={"source": ...}``), ``routed`` when an office was
found, and ``replied`` when the row carries a reply.
"""

from __future__ import annotations

import gc
import pickle
import queue
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from typing import IO, TypeVar, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session, sessionmaker

from massline.db import refresh_statistics, transaction
from massline.io.importers import ImportMapping
from massline.models import Message, MessageContact, MessageEvent, Office, Reply
from massline.services import audit
from massline.services.crypto import FieldCipher
from massline.services.intake.bulk_prepare import (
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
from massline.services.intake.bulk_write import Planned, Writer

__all__ = ["ImportAborted", "ImportOptions", "ImportReport", "deployment_timezone", "run_import"]

_T = TypeVar("_T", PreparedRow, Planned)
_Item = list[Planned]
#: what an import writes (``Writer.insert``), analysed afterwards on PostgreSQL (``db.refresh_statistics``)
_WRITTEN = cast(list[Table], [Message.__table__, MessageEvent.__table__, MessageContact.__table__, Reply.__table__])


#: seconds the importer leaves the database to other writers after each batch (SQLite, see _write_batch)
LET_OTHERS_WRITE = 0.11


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


def _external_id(item: PreparedRow | Planned) -> str | None:
    return (item.prepared if isinstance(item, Planned) else item).row.external_id


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


class _Spool:
    """The validated batches of the first pass, in a temporary file (read back once by the second)."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file

    def add(self, batch: list[PreparedRow]) -> None:
        """Spool ``batch``."""
        pickle.dump(batch, self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def batches(self) -> Iterator[list[PreparedRow]]:
        """Every spooled batch, in order."""
        self.file.seek(0)
        while True:
            try:
                yield pickle.load(self.file)  # noqa: S301 - written by this process moments ago
            except EOFError:
                return


def _write_batch(
    sessions: sessionmaker[Session],
    writer: Writer,
    planned: list[Planned],
    seen: set[str],
    report: ImportReport,
    progress: Callable[[ImportReport], None] | None,
) -> None:
    """Write one planned batch in its own transaction (duplicates dropped first).

    On SQLite the writer then pauses for :data:`LET_OTHERS_WRITE` seconds: another process's
    writer (a web request) waits in SQLite's busy handler, which polls at most every 100 ms, and
    would otherwise lose every race against the next batch for the whole import.
    """
    with transaction(sessions, write=True) as session:
        fresh = _new_rows(session, planned, writer.options.source, seen, report)
        if fresh:
            writer.insert(session, fresh, report)
        report.batches += 1
        sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        time.sleep(LET_OTHERS_WRITE)
    report.written = report.written or bool(fresh)
    if progress is not None:
        progress(report)


@contextmanager
def _fewer_gc_passes() -> Iterator[None]:
    """Run the collector less often while importing (restored afterwards).

    An import allocates millions of short-lived containers (rows, dicts, value
    lists) and keeps a few batches alive at a time; with the default thresholds
    the collector's passes over them took ~5 of 30 CPU-seconds for 100,000
    messages. The import creates no reference cycles worth collecting early.
    """
    old = gc.get_threshold()
    gc.set_threshold(50_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*old)


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
        stack.enter_context(_fewer_gc_passes())
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
    _check_options(options)
    spool: _Spool | None = None
    check = ImportReport()
    with transaction(sessions, write=False) as session:
        lookups = Lookups(session)
        tz = deployment_timezone(session, default_timezone)
        writer = _writer(session, lookups, cipher, mapping, options, now)
        if options.on_error == "stop" or options.dry_run:
            # first pass: validate everything (spooling the batches) before writing anything
            spool = None if options.dry_run else _Spool(stack.enter_context(tempfile.TemporaryFile()))
            seen: set[str] = set()
            rows = prepared_rows(session, lookups, open_records(), mapping, options, tz, now, check)
            for batch in batched_rows(rows, options.batch_size):
                _new_rows(session, batch, options.source, seen, check)
                if spool is not None and not check.bad_rows:
                    spool.add(batch)
            if check.bad_rows or options.dry_run:
                return check
    report = ImportReport()
    reader = stack.enter_context(sessions())
    if spool is not None:
        # The validated rows were spooled by the first pass: the file is read only once.
        report.rows = check.rows
        batches = spool.batches()
    else:
        batches = batched_rows(
            prepared_rows(reader, lookups, open_records(), mapping, options, tz, now, report), options.batch_size
        )
    _write_all(sessions, reader, writer, batches, options, report, progress)
    if report.imported:
        with transaction(sessions, write=True) as session:
            audit.record(
                session, None, "bulk_import", "message", None, source=options.source, imported=report.imported,
                duplicates=report.duplicates, bad_rows=report.bad_rows, mapping=mapping.name,
            )  # fmt: skip
        with transaction(sessions, write=False) as session:
            refresh_statistics(session, *_WRITTEN)  # PostgreSQL: plan searches and pages for what is now there
    return report


def _check_options(options: ImportOptions) -> None:
    if options.batch_size < 1:
        raise ImportAborted("batch size must be at least 1")
    if len(options.source) > 20 or not options.source:
        raise ImportAborted("source must be 1 to 20 characters")


def _writer(
    session: Session, lookups: Lookups, cipher: FieldCipher, mapping: ImportMapping, options: ImportOptions,
    now: datetime,
) -> Writer:  # fmt: skip
    """The batch writer, once the options that name records of the deployment are checked."""
    if options.default_region:
        try:
            lookups.region(options.default_region)
        except ValueError as exc:
            raise ImportAborted(f"--region: {exc}") from exc
    writer = Writer(lookups, cipher, options, now)
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
    return writer


def _write_all(
    sessions: sessionmaker[Session],
    reader: Session,
    writer: Writer,
    batches: Iterable[list[PreparedRow]],
    options: ImportOptions,
    report: ImportReport,
    progress: Callable[[ImportReport], None] | None,
) -> None:
    """Plan each batch with ``reader`` and write it in a transaction of its own (pipelined in a
    writer thread with ``options.writer_thread``: SQLite works outside the GIL while the next batch is read)."""
    seen: set[str] = set()

    def write(item: _Item) -> None:
        _write_batch(sessions, writer, item, seen, report, progress)

    pipe = _Pipe(write) if options.writer_thread else None
    try:
        for batch in batches:
            planned = writer.plan(reader, batch)
            reader.rollback()  # hold no read snapshot while the writer commits
            if pipe is None:
                write(planned)
            else:
                pipe.put(planned)
        if pipe is not None:
            pipe.close()
    finally:
        if pipe is not None:
            pipe.abort()
