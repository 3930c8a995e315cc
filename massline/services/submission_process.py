"""A writer process for submissions: the database work of group commit, out of the web process.

In a web process the submission writer thread shares the interpreter lock
with the event loop: every millisecond it spends building rows, binding
parameters and committing is a millisecond the loop cannot serve requests.
``StoreProcess`` moves that work to a child process (started with *spawn*,
so it inherits no threads or connections): the writer thread sends each
batch through a pipe, the child stores it with ``submissions.store_jobs``
on its own database connection, and sends back one outcome per submission.
The writer thread only pickles and waits (the wait releases the lock).

Guarantees are those of ``store_jobs``: one transaction per batch, a bad
submission fails alone. Errors cross the pipe with their type and fields
(``ValidationFailed.errors`` included). If the child dies, the batch in
flight fails with ``WriterUnavailable`` and the next batch starts a new
child; a batch the child committed just before dying is then reported as
failed although stored — as with any server that dies between its commit
and its answer. The child exits when the pipe closes (the parent stopped or
died).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from massline.services.crypto import FieldCipher
from massline.services.errors import ServiceError

if TYPE_CHECKING:
    from massline.services.submissions import Job, Outcome

StoreFactory = Callable[[], tuple[Callable[[], AbstractContextManager[Session]], FieldCipher]]
"""Builds, in the child, what ``store_jobs`` needs: a write-transaction factory and the cipher.
Must pickle (a module-level function, or a ``functools.partial`` of one)."""

log = logging.getLogger(__name__)


class WriterUnavailable(ServiceError):
    """The writer process stopped while storing a batch; the submission may be retried."""

    def __init__(self, message: str = "提交暂时无法保存，请稍后重试 (the submission store is unavailable)") -> None:
        super().__init__(message)


def _pack_error(exc: BaseException) -> tuple[Any, ...]:
    """An exception as (type, args, fields) when that pickles; otherwise its type name and text."""
    packed = (type(exc), exc.args, dict(vars(exc)))
    try:
        pickle.dumps(packed)
    except Exception:
        return (None, (f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}",), {})
    return packed


def _unpack_error(packed: tuple[Any, ...]) -> BaseException:
    cls, args, fields = packed
    if cls is None:
        return RuntimeError(*args)
    exc: BaseException = cls.__new__(cls)
    BaseException.__init__(exc, *args)
    exc.__dict__.update(fields)
    return exc


def _child_main(conn: Connection, factory: StoreFactory) -> None:
    """The child's loop: a batch in, its outcomes out, until the pipe closes."""
    from massline.services.submissions import store_jobs

    write, cipher = factory()
    while True:
        try:
            jobs = conn.recv()
        except (EOFError, OSError):
            return
        if jobs is None:
            return
        try:
            outcomes = store_jobs(write, cipher, jobs)
        except Exception as exc:  # store_jobs answers per job; this is a last resort
            log.exception("submission store failed")
            outcomes = [(None, exc)] * len(jobs)
        conn.send([(result, None if error is None else _pack_error(error)) for result, error in outcomes])


class StoreProcess:
    """Stores batches of submissions in a child process (see the module). Called by one thread."""

    def __init__(self, factory: StoreFactory) -> None:
        self.factory = factory
        self._lock = threading.Lock()
        self._proc: Any = None
        self._conn: Connection | None = None
        self._owner = os.getpid()

    def start(self) -> None:
        """Start the child unless it runs (spawning takes about a second: the child imports Massline)."""
        with self._lock:
            if self._owner != os.getpid():  # forked: the child belongs to the parent
                self._proc, self._conn, self._owner = None, None, os.getpid()
            if self._proc is not None and self._proc.is_alive():
                return
            context = multiprocessing.get_context("spawn")
            ours, theirs = context.Pipe()
            self._proc = context.Process(
                target=_child_main, args=(theirs, self.factory), name="massline-submission-store", daemon=True
            )
            self._proc.start()
            theirs.close()
            self._conn = ours

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs."""
        proc = self._proc
        return proc.pid if proc is not None and proc.is_alive() else None

    def __call__(self, jobs: list[Job]) -> list[Outcome]:
        """Store ``jobs`` in the child; one outcome per job, in order."""
        self.start()
        assert self._conn is not None
        try:
            self._conn.send(jobs)
            answer = self._conn.recv()
        except (EOFError, OSError) as exc:
            log.error("submission store process stopped: %s", exc)
            self._stop(0.5)
            return [(None, WriterUnavailable())] * len(jobs)
        return [(result, None if error is None else _unpack_error(error)) for result, error in answer]

    def close(self, timeout: float = 10.0) -> None:
        """Stop the child after the batch it is storing."""
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.send(None)
                except OSError:
                    pass
        self._stop(timeout)

    def _stop(self, timeout: float) -> None:
        with self._lock:
            proc, conn, self._proc, self._conn = self._proc, self._conn, None, None
        if proc is not None:
            proc.join(timeout)
            if proc.is_alive():
                proc.kill()
                proc.join(1)
        if conn is not None:
            conn.close()
