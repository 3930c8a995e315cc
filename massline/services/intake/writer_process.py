"""A writer process for submissions: group commit's database work, out of the web process.

In a web process the submission writer thread shares the interpreter lock
with the event loop, and every batch costs two hand-overs of that lock
(loop → thread → loop), each of which can wait for Python's switch interval
while the loop is busy. ``StoreProcess`` gives each event loop a child
process of its own (started with *spawn*, so it inherits no threads or
connections) and talks to it without threads: the loop pickles a batch into
a pipe as soon as fewer than ``depth`` batches are in flight — the first
submissions of a burst are being stored while the loop still reads the rest
— and reads the answers when the pipe is readable (``add_reader``). The
child stores each batch with ``submissions.store_jobs`` on its own database
connection and answers one outcome per submission.

Guarantees are those of ``store_jobs``: one transaction per batch, a bad
submission fails alone. Errors cross the pipe with their type and fields
(``ValidationFailed.errors`` included). If the child dies, what is in flight
or waiting fails with ``WriterUnavailable`` and the next submission starts a
new child; a batch the child committed just before dying is then reported
as failed although stored — as with any server that dies between its commit
and its answer. The child exits when the pipe closes (the parent stopped or
died). Sending blocks the loop only while the pipe is full (``depth`` batches
of at most ``max_batch`` submissions).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
import threading
import weakref
from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from massline.services.crypto import FieldCipher
from massline.services.errors import Unavailable

if TYPE_CHECKING:
    from massline.services.intake.submit import Submitted
    from massline.services.intake.writer import Job

StoreFactory = Callable[[], tuple[Callable[[], AbstractContextManager[Session]], FieldCipher]]
"""Builds, in the child, what ``store_jobs`` needs: a write-transaction factory and the cipher.
Must pickle (a module-level function, or a ``functools.partial`` of one)."""

log = logging.getLogger(__name__)


class WriterUnavailable(Unavailable):
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
    from massline.services.intake.writer import store_jobs

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


class _Link:
    """One event loop's link to a writer process: its own child and pipe, no threads.

    The loop sends a batch as soon as fewer than ``depth`` are in flight (so the
    first submissions of a burst are stored while the loop still reads the
    rest), and reads answers when the pipe is readable (``add_reader``).
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, factory: StoreFactory, depth: int, max_batch: int) -> None:
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        self.proc = context.Process(
            target=_child_main, args=(theirs, factory), name="massline-submission-store", daemon=True
        )
        self.proc.start()
        theirs.close()
        self.conn = ours
        self.loop = loop
        self.depth = depth
        self.max_batch = max_batch
        self.pending: list[tuple[Job, asyncio.Future[Submitted]]] = []
        self.inflight: deque[list[asyncio.Future[Submitted]]] = deque()
        self.open = True
        self.idle: threading.Event | None = None  # set by close(): signalled once nothing is in flight
        self.owner = os.getpid()  # a forked copy must not touch the parent's child
        loop.add_reader(ours.fileno(), self._answer)

    def submit(self, job: Job) -> asyncio.Future[Submitted]:
        """Queue ``job``; the future gives its ``Submitted`` once committed (or its error)."""
        future: asyncio.Future[Submitted] = self.loop.create_future()
        self.pending.append((job, future))
        self._send()
        return future

    def _send(self) -> None:
        while self.open and self.pending and len(self.inflight) < self.depth:
            batch = [(job, f) for job, f in self.pending[: self.max_batch] if not f.cancelled()]
            del self.pending[: self.max_batch]
            if not batch:
                continue
            self.inflight.append([f for _job, f in batch])
            try:
                self.conn.send([job for job, _f in batch])
            except (OSError, ValueError) as exc:
                log.error("submission store process stopped: %s", exc)
                self._fail()

    def _answer(self) -> None:
        try:
            answer = self.conn.recv()
        except (EOFError, OSError) as exc:
            if self.inflight or self.pending:
                log.error("submission store process stopped: %s", exc or "end of pipe")
            self._fail()
            return
        for future, (result, error) in zip(self.inflight.popleft(), answer, strict=True):
            if future.cancelled():
                continue
            if error is not None:
                future.set_exception(_unpack_error(error))
            else:
                future.set_result(result)
        self._send()
        self._check_idle()

    def _fail(self, stopped: threading.Event | None = None) -> None:
        """The child is gone (or being stopped): stop reading its pipe; every submission in
        flight or waiting fails with ``WriterUnavailable``. Runs in the loop (or after it closed)."""
        futures = [f for batch in self.inflight for f in batch] + [f for _job, f in self.pending]
        self.inflight.clear()
        self.pending.clear()
        if self.loop.is_closed():  # nobody waits on a closed loop's futures
            self.open = False
        else:
            if self.open:
                self.open = False
                self.loop.remove_reader(self.conn.fileno())
            for future in futures:
                if not future.done():
                    future.set_exception(WriterUnavailable())
        self._check_idle()
        if stopped is not None:
            stopped.set()

    def _check_idle(self) -> None:
        if self.idle is not None and not self.inflight and not self.pending:
            self.idle.set()

    def _begin_close(self, idle: threading.Event) -> None:
        self.idle = idle
        self._check_idle()

    def _in_loop(self) -> bool:
        try:
            return asyncio.get_running_loop() is self.loop
        except RuntimeError:
            return False

    def close(self, timeout: float) -> None:
        """From any thread: wait for what is in flight (while the loop runs), then stop the child."""
        if self.loop.is_running() and not self._in_loop():
            idle, stopped = threading.Event(), threading.Event()
            self.loop.call_soon_threadsafe(self._begin_close, idle)
            idle.wait(timeout)
            self.loop.call_soon_threadsafe(self._fail, stopped)  # the loop stops reading the pipe
            stopped.wait(timeout)
        else:
            self._fail()
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.proc.join(timeout)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(1)
        self.conn.close()


class StoreProcess:
    """Stores submissions from event loops in writer processes (see the module): one child per
    loop (a web process has one), started on its first submission."""

    def __init__(self, factory: StoreFactory, *, depth: int = 2, max_batch: int = 64) -> None:
        self.factory = factory
        self.depth = depth
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._links: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Link] = weakref.WeakKeyDictionary()

    async def stored(self, job: Job) -> Submitted:
        """Store ``job`` in this loop's writer process; its ``Submitted`` once committed."""
        loop = asyncio.get_running_loop()
        with self._lock:
            link = self._links.get(loop)
            if link is None or not link.open or link.owner != os.getpid():
                if link is not None and link.owner == os.getpid():
                    link.close(0)
                link = self._links[loop] = _Link(loop, self.factory, self.depth, self.max_batch)
        return await link.submit(job)

    @property
    def pids(self) -> list[int]:
        """Process ids of the running writer processes."""
        with self._lock:
            return [link.proc.pid for link in self._links.values() if link.open and link.proc.pid is not None]

    def close(self, timeout: float = 10.0) -> None:
        """Wait for what is in flight, then stop every writer process (they restart when needed)."""
        with self._lock:
            links = [link for link in self._links.values() if link.owner == os.getpid()]
            self._links.clear()
        for link in links:
            link.close(timeout)
