"""Group commit for submissions: concurrent submissions share one write transaction.

A commit is the largest fixed cost of a submission (on SQLite, one writer at
a time appends to the WAL). ``SubmissionWriter`` runs one writer thread per
process: callers queue a submission and wait on a future; the thread takes
every submission queued so far (up to ``max_batch``), prepares and stores them
with ``intake.prepare_submit`` and ``intake.do_store_submissions`` — the same
two steps as ``intake.check_submit`` — in ONE transaction, commits, and only
then resolves the futures. Batches form by themselves: while one commits, the
next ones queue; a lone submission is written at once. Threads wait on a
``concurrent.futures.Future`` (``submit``); an event loop awaits ``stored``,
and the writer wakes that loop once per batch, not once per submission. In a
web server the event loop's submissions go to a writer process instead
(``submission_process``), which stores batches with the same ``store_jobs``.

Guarantees:

* a future is resolved only after its submission is committed (or has failed);
* a submission that fails validation fails alone: ``prepare_submit`` raises
  before any of its rows exist, and the others go on;
* when the database rejects a batch (nothing of it is kept: one transaction),
  its submissions are retried one by one, each in its own transaction, so
  only the bad one fails.
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import threading
import weakref
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from massline.models import KINDS
from massline.services.crypto import FieldCipher
from massline.services.errors import ServiceError
from massline.services.intake.submit import MessageInput, Submitted, do_store_submissions, prepare_submit
from massline.services.intake.writer_process import StoreProcess

WriteFactory = Callable[[], AbstractContextManager[Session]]
log = logging.getLogger(__name__)


Outcome = tuple[Submitted | None, BaseException | None]


class _Waiter:
    """Where a submission's outcome goes: a thread's ``Future`` or an event loop's future."""

    def live(self) -> bool:
        """False when the caller gave up (cancelled) before the writer took the submission."""
        raise NotImplementedError

    def deliver(self, outcome: Outcome) -> None:
        """Called once, in the writer thread, after commit (or failure)."""
        raise NotImplementedError


class _FutureWaiter(_Waiter):
    def __init__(self) -> None:
        self.future: Future[Submitted] = Future()

    def live(self) -> bool:
        return self.future.set_running_or_notify_cancel()

    def deliver(self, outcome: Outcome) -> None:
        result, error = outcome
        if error is not None:
            self.future.set_exception(error)
        else:
            self.future.set_result(result)  # type: ignore[arg-type]


class _LoopWaker:
    """Hands outcomes to one event loop: one wake-up for a whole batch, not one per submission."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.ready: deque[tuple[asyncio.Future[Submitted], Outcome]] = deque()
        self.scheduled = False

    def add(self, target: asyncio.Future[Submitted], outcome: Outcome) -> None:
        """Called in the writer thread."""
        self.ready.append((target, outcome))
        if not self.scheduled:  # checked after appending: a running drain() still sees the item
            self.scheduled = True
            self.loop.call_soon_threadsafe(self.drain)

    def drain(self) -> None:
        """Called in the loop: copy every outcome to its future."""
        self.scheduled = False
        while self.ready:
            target, (result, error) = self.ready.popleft()
            if target.cancelled():
                continue
            if error is not None:
                target.set_exception(error)
            else:
                target.set_result(result)  # type: ignore[arg-type]


_wakers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopWaker] = weakref.WeakKeyDictionary()


class _LoopWaiter(_Waiter):
    def __init__(self, waker: _LoopWaker, target: asyncio.Future[Submitted]) -> None:
        self.waker = waker
        self.target = target

    def live(self) -> bool:
        return not self.target.cancelled()

    def deliver(self, outcome: Outcome) -> None:
        self.waker.add(self.target, outcome)


Job = tuple[MessageInput, datetime, tuple[str, ...]]
"""One submission to store: the input, its time, the kinds it may have."""


@dataclass
class _Pending:
    job: Job
    waiter: _Waiter
    answered: bool = False

    def deliver(self, outcome: Outcome) -> None:
        if not self.answered:  # once, even if a failing callback is followed by the error path
            self.answered = True
            self.waiter.deliver(outcome)


def store_jobs(write: WriteFactory, cipher: FieldCipher, jobs: list[Job]) -> list[Outcome]:
    """Store ``jobs`` in one transaction; one outcome per job, in order.

    A job that fails validation fails alone (``prepare_submit`` raises before
    any of its rows exist). When the database rejects the transaction (nothing
    of it is kept), the jobs are retried one by one, each in its own
    transaction, so only the bad one fails.
    """
    outcomes: list[Outcome | None] = [None] * len(jobs)
    try:
        with write() as session:
            prepared = []
            for i, (data, now, allowed_kinds) in enumerate(jobs):
                try:
                    prepared.append((i, prepare_submit(session, cipher, data, now, allowed_kinds=allowed_kinds)))
                except ServiceError as exc:
                    outcomes[i] = (None, exc)
            stored = do_store_submissions(session, [p for _i, p in prepared])
            for submitted in stored:
                submitted._session = None  # answered outside this transaction
            results = [(i, s) for (i, _p), s in zip(prepared, stored, strict=True)]
    except Exception as exc:
        if len(jobs) == 1:
            return [(None, exc)]
        return [  # find the bad one: each alone, in its own transaction
            outcome if outcome is not None else store_jobs(write, cipher, [job])[0]
            for job, outcome in zip(jobs, outcomes, strict=True)
        ]
    for i, submitted in results:  # committed
        outcomes[i] = (submitted, None)
    return [outcome or (None, RuntimeError("submission not stored")) for outcome in outcomes]


class SubmissionWriter:
    """Stores submissions from many threads or tasks in shared transactions (group commit).

    ``write`` opens one write transaction (``Platform.write``); ``cipher``
    encrypts contacts. The writer thread starts on the first submission and
    stops with ``close()``; after a fork the child starts its own. With
    ``process`` (a ``StoreProcess``), submissions from an event loop
    (``stored``) are stored by a writer process of that loop instead, which
    runs the same ``store_jobs`` on its own connection (the database work then
    no longer shares this process's interpreter lock with the loop); thread
    callers (``submit``) keep the writer thread.
    """

    def __init__(
        self,
        write: WriteFactory,
        cipher: FieldCipher,
        *,
        max_batch: int = 64,
        process: StoreProcess | None = None,
    ) -> None:
        self._write = write
        self._cipher = cipher
        self.max_batch = max_batch
        self.process = process
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def submit(self, data: MessageInput, now: datetime, *, allowed_kinds: tuple[str, ...] = KINDS) -> Future[Submitted]:
        """Queue a submission; the future gives its ``Submitted`` once committed, or its error
        (``ValidationFailed`` for bad input). ``Submitted.message`` is not available."""
        waiter = _FutureWaiter()
        self._put(_Pending((data, now, allowed_kinds), waiter))
        return waiter.future

    async def stored(self, data: MessageInput, now: datetime, *, allowed_kinds: tuple[str, ...] = KINDS) -> Submitted:
        """From an event loop: queue a submission and wait until it is committed (as ``submit``).

        The writer wakes the loop once per batch, not once per submission.
        """
        if self.process is not None:
            return await self.process.stored((data, now, allowed_kinds))
        loop = asyncio.get_running_loop()
        waker = _wakers.get(loop)
        if waker is None:
            waker = _wakers[loop] = _LoopWaker(loop)
        target: asyncio.Future[Submitted] = loop.create_future()
        self._put(_Pending((data, now, allowed_kinds), _LoopWaiter(waker, target)))
        return await target

    def _put(self, item: _Pending) -> None:
        with self._lock:
            if self._thread is None or self._pid != os.getpid():
                self._start()
            self._queue.put(item)

    def close(self, timeout: float = 10.0) -> None:
        """Store what is queued, then stop the writer thread and the writer processes (they
        restart on the next submission)."""
        if self.process is not None:
            self.process.close(timeout)
        with self._lock:
            thread, self._thread = self._thread, None
            if thread is None or self._pid != os.getpid():
                return
            self._queue.put(None)
            thread.join(timeout)

    @property
    def running(self) -> bool:
        """Whether this process's writer thread is running."""
        return self._thread is not None and self._thread.is_alive() and self._pid == os.getpid()

    def _start(self) -> None:
        self._queue = queue.SimpleQueue()
        self._pid = os.getpid()
        self._thread = threading.Thread(
            target=self._run, args=(self._queue,), name="massline-submission-writer", daemon=True
        )
        self._thread.start()

    def _run(self, q: queue.SimpleQueue[_Pending | None]) -> None:
        stop = False
        while not stop:
            first = q.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    item = q.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            live = [item for item in batch if item.waiter.live()]
            if not live:
                continue
            try:
                outcomes = store_jobs(self._write, self._cipher, [item.job for item in live])
                for item, outcome in zip(live, outcomes, strict=True):
                    item.deliver(outcome)
            except BaseException as exc:  # never leave a caller waiting, never let the thread die
                log.exception("submission writer failed")
                for item in live:
                    item.deliver((None, exc))
