"""Database engine and sessions.

SQLite gets WAL, a busy timeout and foreign keys in a connection hook (as
Datasette does); PostgreSQL is used through the same models. Write
transactions are short: one service call, one ``session.begin()``.

No string parameter reaches the driver with a NUL character or a lone
surrogate (:func:`_storable_parameters`): PostgreSQL refuses NUL in text and
neither database can encode a surrogate, so such a character in any looked-up
or stored value (a username, a tracking code, a filter) would end a request
with a 500. Free text is cleaned earlier and more thoroughly where it enters
(``analysis.text.clean_text``); this is the net under every other value.
"""

from __future__ import annotations

import fcntl
import os
import re
import threading
import time
import weakref
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.compiler import SQLCompiler


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; for SQLite, create the file's folder and set pragmas."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        kwargs.setdefault("pool_pre_ping", True)
        engine = create_engine(url, **kwargs)
    event.listen(engine, "before_cursor_execute", _storable_parameters, retval=True)
    return engine


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable(value: Any) -> bool:
    # (a printable string has no NUL and no surrogate: the usual case costs one check)
    return type(value) is str and not value.isprintable() and _UNSTORABLE.search(value) is not None


def _storable(value: Any) -> Any:
    return _UNSTORABLE.sub("", value) if _unstorable(value) else value


def _storable_parameters(
    _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _executemany: bool
) -> tuple[str, Any]:
    """Remove NUL and lone surrogates from every string parameter (see the module).

    ``parameters`` is a dict or a sequence of values, or (executemany) a sequence of
    those; a batched insert may pass one flat sequence for many rows.
    """
    if not parameters or not any(_unstorable(v) for v in _flat(parameters)):
        return statement, parameters
    return statement, _cleaned(parameters)


def _flat(parameters: Any) -> Iterator[Any]:
    for item in parameters.values() if isinstance(parameters, dict) else parameters:
        if isinstance(item, (dict, list, tuple)):
            yield from item.values() if isinstance(item, dict) else item
        else:
            yield item


def _cleaned(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _cleaned(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cleaned(v) for v in value)
    return _storable(value)


#: SQLite reads the database file through a memory map of up to this many bytes (SQLite caps it at 2 GB) instead
#: of a read() into its own page cache per page: board search looks up to 1,001 matches up by id, each on a page
#: of its own (its server CPU per search at 100,000 messages: x0.81-0.93)
MMAP_SIZE = 1 << 30


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (see _sqlite_begin) so that write
    # transactions take the lock up front instead of failing on upgrade.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA mmap_size={MMAP_SIZE}")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    write = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory that keeps loaded objects usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


WRITE_OPTION = "massline_write"


@contextmanager
def transaction(factory: sessionmaker[Session], *, write: bool = True) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on error.

    A write transaction takes SQLite's write lock up front (``BEGIN IMMEDIATE``)
    so that concurrent writers queue on the busy timeout instead of failing
    when a read would be upgraded to a write.
    """
    with factory() as session, session.begin():
        if write:
            session.connection(execution_options={WRITE_OPTION: True})
        yield session


class WriteLock:
    """A reentrant lock for SQLite's one writer: requests first, first come first served.

    Writers of one process queue here rather than in SQLite's busy handler
    (which sleeps and retries, so a thread that writes in a loop — the
    analysis worker — starves the others), and a released lock is handed to
    the thread that has waited longest, not to the thread that released it and
    asks again at once (what ``threading.RLock`` allows). A ``background``
    writer (the worker: long transactions that nobody waits for) goes after
    the waiting requests, but never waits more than ``patience`` seconds.
    """

    def __init__(self, patience: float = 30.0, lock_file: Path | None = None) -> None:
        self.patience = patience
        #: a file whose ``flock`` the holder of this lock also takes: writers of other processes
        #: (a worker process, an import) queue in the kernel instead of polling in SQLite's busy handler
        self.lock_file = lock_file
        self._fd: int | None = None
        self._mutex = threading.Lock()
        self._waiting: deque[tuple[int, threading.Lock]] = deque()
        self._background: deque[tuple[int, threading.Lock, float]] = deque()
        self._owner: int | None = None
        self._depth = 0
        _all_write_locks.add(self)

    def forget_in_child(self) -> None:
        """In a forked child: close the inherited lock file (an ``flock`` belongs to the open file, so a
        child keeping it open would keep its parent's lock after the parent died) and start unlocked."""
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
        self._fd = None
        self._mutex = threading.Lock()
        self._waiting.clear()
        self._background.clear()
        self._owner, self._depth = None, 0

    def acquire(self, *, background: bool = False) -> None:
        """Wait for the lock (at once when this thread holds it already)."""
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                self._depth += 1
                return
        # a request says it waits (a shared lock on the wait file) for as long as it waits, and a
        # background writer lets the waiting requests of every process go first (before it queues here)
        if background and self.lock_file is not None:
            self._let_requests_go_first()
        waiting = self._open(self._wait_file()) if not background and self.lock_file is not None else None
        if waiting is not None:
            fcntl.flock(waiting, fcntl.LOCK_SH)
        try:
            self._acquire(me, background)
        finally:
            if waiting is not None:
                os.close(waiting)

    def _acquire(self, me: int, background: bool) -> None:
        with self._mutex:
            if self._owner is None:  # a free lock has nobody waiting
                self._owner, self._depth = me, 1
                turn = None
            else:
                turn = threading.Lock()
                turn.acquire()
                if background:
                    self._background.append((me, turn, time.monotonic()))
                else:
                    self._waiting.append((me, turn))
        if turn is not None:
            turn.acquire()  # released by the thread that hands the lock over (ownership already set)
        self._lock_file()

    def _wait_file(self) -> Path:
        assert self.lock_file is not None
        return self.lock_file.with_name(self.lock_file.name + "-waiting")

    @staticmethod
    def _open(path: Path) -> int:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    def _lock_file(self) -> None:
        if self.lock_file is None:
            return
        if self._fd is None:
            self._fd = self._open(self.lock_file)
        fcntl.flock(self._fd, fcntl.LOCK_EX)  # blocks while another process writes

    def _let_requests_go_first(self) -> None:
        """Wait (at most ``patience`` seconds) until no request of any process waits to write."""
        deadline = time.monotonic() + self.patience
        probe = self._open(self._wait_file())
        try:
            while True:
                try:
                    fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)  # nobody holds it shared: nobody waits
                    return
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        return
                    time.sleep(0.005)
        finally:
            os.close(probe)

    def requests_waiting(self) -> bool:
        """Whether a request (not a background writer) waits for this lock now, in this process or,
        for a database file, in another (its shared lock on the wait file)."""
        with self._mutex:
            if self._waiting:
                return True
        if self.lock_file is None:
            return False
        probe = self._open(self._wait_file())
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)  # nobody holds it shared: nobody waits
            return False
        except BlockingIOError:
            return True
        finally:
            os.close(probe)

    def _unlock_file(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def release(self) -> None:
        """Release once; the last release hands the lock to the next writer."""
        with self._mutex:
            if self._owner != threading.get_ident():
                raise RuntimeError("release of a WriteLock not held by this thread")
            self._depth -= 1
            if self._depth:
                return
            self._unlock_file()  # another process's writer may go before this process's next one
            turn = None
            if self._background and (
                not self._waiting or time.monotonic() - self._background[0][2] >= self.patience
            ):
                self._owner, turn, _since = self._background.popleft()
            elif self._waiting:
                self._owner, turn = self._waiting.popleft()
            else:
                self._owner = None
            if turn is not None:
                self._depth = 1
                turn.release()

    @contextmanager
    def held(self, *, background: bool = False) -> Iterator[None]:
        """The lock for the ``with`` block."""
        self.acquire(background=background)
        try:
            yield
        finally:
            self.release()

    def __enter__(self) -> WriteLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


_all_write_locks: weakref.WeakSet[WriteLock] = weakref.WeakSet()


def _forget_write_locks() -> None:
    for lock in list(_all_write_locks):
        lock.forget_in_child()


os.register_at_fork(after_in_child=_forget_write_locks)  # (the pipeline's second process is forked)

_write_locks: dict[str, WriteLock] = {}
_write_locks_guard = threading.Lock()


def write_lock(engine: Engine) -> WriteLock:
    """The process's write lock of ``engine``'s database: every platform of the process that
    opens the same file shares it;
    for a database file, writers of other processes queue on ``<file>.writelock`` as well."""
    key = engine.url.render_as_string(hide_password=True)
    path = engine.url.database
    lock_file = Path(f"{path}.writelock") if path and path != ":memory:" and not path.startswith("file:") else None
    with _write_locks_guard:
        return _write_locks.setdefault(key, WriteLock(lock_file=lock_file))


#: a batch run that wrote at least this many rows refreshes the planner's statistics (:func:`refresh_statistics`)
BULK_ROWS = 5000


def refresh_statistics(session: Session, *tables: Table) -> None:
    """PostgreSQL: ``VACUUM (ANALYZE)`` ``tables`` after a bulk write; SQLite: nothing.

    PostgreSQL plans from statistics that autovacuum refreshes only after about
    10 % of a table changed and up to a minute later: a database just written in
    bulk (an import, the search index of a backlog) is planned meanwhile as the
    empty or smaller one it was. Board search then read a common word's page by
    scanning every public message (508-613 ms instead of 26 ms at 100,000
    messages). ``ANALYZE`` reads a sample of each table (a bounded cost, a
    fraction of a second at 100,000 messages) and blocks no reader or writer.
    ``VACUUM`` marks the pages written as visible to all in the visibility map, without
    which an index-only scan still reads each row's page: board search's count reads
    ``messages`` through its covering indexes (migrations 0027, 0028), and for a common
    word with a region and a kind filter took 153 ms reading the rows until ``VACUUM``,
    30 ms after it (100,000 messages). It runs on a connection of its own (``VACUUM``
    cannot run in a transaction): call it once what ``session`` wrote is committed.

    SQLite is left alone: its planner has no statistics unless ``ANALYZE`` (or
    ``PRAGMA optimize``) writes ``sqlite_stat1``, and the platform's queries are
    written and measured for the plans it makes without them (board search names
    its indexes with ``INDEXED BY``); statistics would change every other plan.
    """
    bind = session.get_bind()
    if bind.dialect.name != "postgresql" or not tables:
        return
    quote = bind.dialect.identifier_preparer.format_table
    names = ", ".join(quote(table) for table in tables)
    with bind.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        _wait_for_wal_flush(connection)
        connection.exec_driver_sql(f"VACUUM (ANALYZE) {names}")


def _wait_for_wal_flush(connection: Connection, most: float = 2.0) -> None:
    """PostgreSQL: wait (up to ``most`` seconds) until the WAL written so far is flushed.

    With ``synchronous_commit = off`` a commit returns before its WAL is flushed
    (the WAL writer does it within a fraction of a second), and until then VACUUM
    cannot mark the rows it committed visible to all: a VACUUM right after a bulk
    write left the visibility map of those pages empty.
    """
    written = connection.exec_driver_sql("SELECT pg_current_wal_insert_lsn()").scalar()
    deadline = time.monotonic() + most
    flushed = "SELECT pg_current_wal_flush_lsn() >= %(lsn)s::pg_lsn"
    while not connection.exec_driver_sql(flushed, {"lsn": written}).scalar() and time.monotonic() < deadline:
        time.sleep(0.02)


@compiles(Table, "sqlite")
def _table_with_hint(table: Table, compiler: SQLCompiler, **kw: Any) -> str:
    """A table as SQLite's compiler writes it, followed by its ``with_hint(..., dialect_name="sqlite")`` text
    in a FROM clause, e.g. ``INDEXED BY`` (SQLAlchemy's SQLite dialect renders no table hints of its own;
    statements without such a hint compile as before)."""
    text = compiler.visit_table(table, **kw)
    hints = kw.get("fromhints")
    if kw.get("asfrom") and hints and table in hints:
        text += " " + hints[table]
    return text
