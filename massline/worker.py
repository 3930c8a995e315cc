"""The analysis worker: indexes new messages for search, runs the pipeline and stores versioned results.

``Worker(platform).run_once()`` analyses what is pending batch by batch, with
the pipeline steps the platform's plugins registered
(``platform.plugins.steps()``), and returns a report. Before storing each batch it
adds the messages stored meanwhile to the search index
(``services/search_backlog``, a few thousand per transaction). A batch is
read, its pure steps computed holding no lock, and its results stored in one
write transaction whose size adapts to last about ``write_budget`` seconds
(at most ``batch_size`` messages) — or ``quiet_budget`` seconds while no request has waited to write
behind one of its transactions for ``quiet_after`` seconds (larger transactions store a message for
less: ``massline worker`` grows them to 1 s when nobody submits). With ``parallel`` (``massline
worker``, ``massline pipeline run``) the next batches (up to ``ahead`` beyond the one stored next) are planned
and their pure steps computed in turn in a second process while this one stores, indexes and refreshes issues
(``pipeline.ComputeProcess``: so that neither process waits for the other), and while the batch to store
next is not computed yet this one refreshes the issues left dirty for ``refresh_idle`` seconds instead of
waiting; :meth:`Worker.close` ends that process.
Every ``alert_scan_minutes`` it also scans for alerts and sweeps the deadlines
(``sweep_deadlines``: reminders, escalations, closing unrated replied cases) and the
supervision reports (``supervision.sweep_reports``: overdue ones escalated, expired ones deleted).
``run_forever()`` polls every ``interval`` seconds, at once while a cycle of ``max_per_cycle``
messages left more pending (``massline worker``, which
``massline serve`` starts as a process of its own by default); ``start()``/``stop()``
run it in a background thread instead. Heavy analysis therefore never runs in a web
request, and the worker's process runs at a lower scheduling priority (:func:`lower_priority`, the
setting ``worker_nice``): on a machine with few cores a search does not wait behind a batch.
On SQLite its write transactions are ``background`` ones within a process
(requests waiting to write go first, ``db.WriteLock``) and queue with other
processes' writers on the database's lock file; between two write transactions it
reads and computes the next batch, so a waiting request gets in.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from massline.db import write_lock
from massline.platform import Platform
from massline.services import alerts, attachments, casework, issues, notify, supervision
from massline.services import search as search_backlog
from massline.services.pipeline import (
    Batch,
    ComputeProcess,
    PipelineReport,
    PlacesCache,
    Step,
    analysis_context,
    collected_after,
    compute_batch,
    plan_batch,
    store_batch,
)

log = logging.getLogger(__name__)

#: batches computed ahead of the one being stored: the second process kept busy for a couple of seconds
AHEAD = 6


def lower_priority(increment: int) -> int:
    """Add ``increment`` to the niceness of this process, every thread of it (0: unchanged); returns it.

    On Linux niceness belongs to each thread, and the threads a library started at import (OpenBLAS's)
    keep theirs: each one in ``/proc/self/task`` is set. Threads and processes started afterwards (the
    worker's second process, the parent watcher) inherit it.
    """
    now = os.getpriority(os.PRIO_PROCESS, 0)
    if increment <= 0:
        return now
    target = min(19, now + increment)
    tasks = Path("/proc/self/task")
    for tid in [int(t.name) for t in tasks.iterdir()] if tasks.is_dir() else [0]:
        try:
            os.setpriority(os.PRIO_PROCESS, tid, target)
        except ProcessLookupError:  # a thread that ended meanwhile
            pass
    return target


class Worker:
    """Polls for messages whose analysis is missing or out of date and analyses them."""

    def __init__(
        self,
        platform: Platform,
        interval: float = 2.0,
        *,
        batch_size: int = 50,
        max_per_cycle: int = 2000,
        write_budget: float = 0.25,
        quiet_budget: float | None = None,
        quiet_after: float = 10.0,
        parallel: bool = False,
        refresh_every: float = 20.0,
        refresh_idle: float = 2.0,
        ahead: int = AHEAD,
    ) -> None:
        self.platform = platform
        self.interval = interval
        self.batch_size = batch_size
        self.max_per_cycle = max_per_cycle
        self.write_budget = write_budget
        #: the budget while no request waited behind the worker's writes for ``quiet_after`` seconds
        self.quiet_budget = write_budget if quiet_budget is None else quiet_budget
        self.quiet_after = quiet_after
        #: SQLite's one writer (PostgreSQL has no database-wide write lock for a request to wait on)
        self._lock = write_lock(platform.engine) if platform.settings.is_sqlite else None
        self._waited_at = float("-inf")  # when a request was last seen waiting behind a transaction
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_scan = 0.0
        self.alert_params = alerts.AlertParams.from_settings(platform.settings)
        self._places = PlacesCache()  # the gazetteer, rebuilt when the configuration changes
        self._notifier: notify.Notifier | None = None
        #: the pure steps of the next batches computed in a second process meanwhile (``parallel``)
        self._compute = ComputeProcess() if parallel else None
        #: with ``parallel``: batches planned and given to the second process beyond the one stored next
        self.ahead = ahead
        #: while a backlog lasts, the issues its batches touched are refreshed at least this often (seconds)
        self.refresh_every = refresh_every
        #: issues dirty this long are refreshed (a transaction) rather than waiting for the second process
        self.refresh_idle = refresh_idle
        self._refresh_limit = issues.REFRESH_CHUNK  # dirty issues a refresh transaction takes (adapts: budget)
        #: since when issues left dirty by a backlog's batches wait (0: maybe some since before this worker)
        self._dirty_since: float | None = 0.0

    def scan_alerts(self) -> alerts.ScanReport:
        """The periodic pass: burst checks per category and region, and stale issue heats refreshed."""
        with self.platform.write(background=True) as session:
            now = self.platform.now()
            report = alerts.scan(session, now, self.alert_params)
            issues.refresh_heat(session, now)
        return report

    def sweep_deadlines(self) -> casework.SweepReport:
        """The periodic deadline sweep: reminders, escalations and closing of unrated replied cases
        (``casework.sweep``, the deployment's casework policy), a few hundred cases per write
        transaction (``casework.sweep_in_chunks``: after an import of old cases thousands are due)."""
        return casework.sweep_in_chunks(lambda: self.platform.write(background=True), self.platform.now())

    def sweep_supervision(self) -> supervision.SweepResult:
        """The supervision channel's sweep: overdue reports escalated one level up, reports past retention
        deleted with their keys (``supervision.sweep_reports``)."""
        with self.platform.write(background=True) as session:
            return supervision.sweep_reports(session, self.platform.now())

    def run_once(
        self,
        *,
        since: datetime | None = None,
        force: bool = False,
        max_messages: int | None = None,
        progress: Callable[[PipelineReport], None] | None = None,
        meanwhile: Callable[[], object] | None = None,
    ) -> PipelineReport:
        """Analyse pending messages (or, with ``force``, all of them) batch by batch.

        Each batch is read, computed outside any transaction (the pure steps) and stored in one short write
        transaction; with ``parallel`` the next ``ahead`` batches are computed in a second process while this
        one stores (``ComputeProcess``). Stops after ``max_messages`` (default: ``max_per_cycle``; 0 = no
        limit) or when nothing is left; ``progress`` is told each batch's report; ``meanwhile`` is called once
        the first batches are with the second process (``run_forever``'s periodic pass). The issues its
        batches left dirty are refreshed at the end, unless it stopped at ``max_messages`` (more may be
        pending: the next cycle refreshes them). Stopped (:meth:`stop`), it stores the batches the second
        process has started and leaves the others pending.
        """
        cap = self.max_per_cycle if max_messages is None else max_messages
        total = PipelineReport()
        steps = self.platform.plugins.steps()
        after_id = 0  # (with ``force``: the last batch stored; else every pending message is looked at again)
        size = self.batch_size
        ahead: deque[tuple[Batch, Future[Any] | None]] = deque()  # planned and being computed, not stored yet
        while not self._stop.is_set():
            self._plan_ahead(ahead, steps, since, size, force, after_id, cap - total.messages if cap else None)
            total.indexed += self.index_search()  # new messages become searchable between batches
            if meanwhile is not None:
                meanwhile()
                meanwhile = None
            if not ahead:
                break
            batch, future = ahead.popleft()
            if future is not None and not future.done() and self._waiting_for(self.refresh_idle):
                self.refresh_issues(once=True)  # rather than wait for the second process (a chunk less at the end)
            size = self._store((batch, future), total, progress, backlog=bool(ahead))
            after_id = batch.last_id if force else 0
            if self._waiting_for(self.refresh_every):
                self.refresh_issues()  # (a long backlog: its issues are never staler than ``refresh_every``)
        while ahead:  # stopped: the batches being computed are stored, those not started left pending
            batch, future = ahead.popleft()
            if future is None or not future.cancel():
                self._store((batch, future), total, progress, backlog=bool(ahead))
        cut = bool(cap) and total.messages >= cap  # (more may wait: ``run_forever`` starts the next cycle at once)
        if (self._dirty_since is not None or total.messages) and not cut:
            self.refresh_issues()  # (the end of a backlog: nothing it left dirty waits for the next cycle)
        return total

    def _waiting_for(self, seconds: float) -> bool:
        """Whether issues left dirty by a backlog's batches have waited at least ``seconds``."""
        return self._dirty_since is not None and time.monotonic() - self._dirty_since >= seconds

    def _plan_ahead(self, ahead: deque[tuple[Batch, Future[Any] | None]], steps: list[Step], since: datetime | None,
                    size: int, force: bool, after_id: int, room: int | None) -> None:  # fmt: skip
        """Plan the next batches and start their pure phase until ``ahead`` holds the one to store next and
        :attr:`ahead` more (the second process computes them in turn while this one stores, indexes or
        refreshes), or none is left; ``room``: messages the cycle may still take (None: no limit)."""
        depth = self.ahead if self._compute is not None else 1
        while len(ahead) <= depth:
            planned = sum(len(b.items) for b, _ in ahead)
            if room is not None and planned >= room:
                return
            batch = self._plan(steps, since, size, force, ahead[-1][0].last_id if ahead else after_id)
            if not batch.items:
                return
            ahead.append((batch, self._submit(batch, bool(ahead))))
            if len(batch.items) < size:
                return  # (the last of them, for now)

    def refresh_issues(self, *, once: bool = False) -> int:
        """Refresh the issues left dirty (by a backlog's batches, or a worker that stopped before it did),
        ``issues.refresh_dirty`` per write transaction (at most ``REFRESH_CHUNK`` issues, fewer when that
        took longer than :meth:`budget`, as the batches, from one call to the next); returns how many.
        ``once``: one transaction."""
        done, limit = 0, self._refresh_limit
        while not self._stop.is_set():
            started = time.monotonic()
            with self.platform.write(background=True) as session, collected_after():
                language = self._places.get(session)[0].language
                n = issues.refresh_dirty(session, self.platform.now(), self.alert_params, language, limit=limit)
            done += n
            if n < limit:
                self._dirty_since = None
                break
            seconds = time.monotonic() - started
            if seconds > 0:  # (at least 10 a transaction, at most the chunk)
                self._refresh_limit = limit = min(issues.REFRESH_CHUNK, max(10, int(n * self.budget() / seconds)))
            if once:
                break
        return done

    def _plan(self, steps: list[Step], since: datetime | None, size: int, force: bool, after_id: int) -> Batch:
        settings = self.platform.settings
        with self.platform.read() as session:
            ctx = analysis_context(
                session, model_path=settings.classifier_model_path, threshold=settings.classifier_threshold,
                alert_params=self.alert_params,
                places=self._places, understanding_model=settings.understanding_model,
            )  # fmt: skip
            return plan_batch(session, ctx, steps, since=since, limit=size, force=force, after_id=after_id)

    def _submit(self, batch: Batch | None, busy: bool) -> Future[Any] | None:
        """Start the pure phase of ``batch`` in the second process (when there is one and it pays:
        a batch stored meanwhile, or a large one)."""
        if batch is None or not batch.items or self._compute is None:
            return None
        if not busy and len(batch.items) < 10:
            return None  # a quiet worker's small batch: computed here, without the round trip
        return self._compute.submit(batch)

    def _store(self, ahead: tuple[Batch, Future[Any] | None], total: PipelineReport,
               progress: Callable[[PipelineReport], None] | None, *, backlog: bool = False) -> int:  # fmt: skip
        """Collect the pure phase's results of a batch, store it; returns the next batch's size.
        ``backlog``: more batches follow at once (the issues it touches are refreshed later)."""
        batch, future = ahead
        if self._compute is not None:
            self._compute.collect(batch, future)
        else:
            compute_batch(batch)
        batch.ctx.backlog = backlog
        started = time.monotonic()
        with self.platform.write(background=True) as session:
            report = store_batch(session, batch, self.platform.now())
            if self._lock is not None and self._lock.requests_waiting():
                self._waited_at = time.monotonic()  # a request waits for this transaction to end
        if backlog and self._dirty_since is None:
            self._dirty_since = started
        total.add(report)
        if progress is not None:
            progress(report)
        return self._next_size(len(batch.items), time.monotonic() - started)

    def close(self) -> None:
        """End the second process, if one was started (``parallel``)."""
        if self._compute is not None:
            self._compute.close()

    def budget(self) -> float:
        """The write transaction's budget now: ``write_budget`` seconds if a request waited behind one
        of the worker's transactions in the last ``quiet_after`` seconds, else ``quiet_budget``."""
        if time.monotonic() - self._waited_at < self.quiet_after:
            return self.write_budget
        return self.quiet_budget

    def _next_size(self, size: int, seconds: float) -> int:
        """The next batch's size: as many messages as fit in :meth:`budget` seconds of write
        transaction at the pace just measured (at least 5, at most ``batch_size``)."""
        if seconds <= 0:
            return self.batch_size
        return max(5, min(self.batch_size, int(size * self.budget() / seconds)))

    def index_search(self) -> int:
        """Add every message waiting for the search index to it (one transaction per batch); returns how many."""
        return search_backlog.index_backlog(partial(self.platform.write, background=True), self._stop.is_set)

    def recover_attachments(self) -> tuple[int, int]:
        """Finish the attachment files a process that died mid-submission left (``attachments.recover_files``)."""
        root = attachments.attachments_root(self.platform.settings)
        with self.platform.read() as session:
            return attachments.recover_files(session, root, self.platform.now())

    def notify(self) -> None:
        """Derive the notifications of new case events and send what is due (``services.notify``);
        errors are logged, never fatal (an unsent notification stays pending)."""
        if self._notifier is None:
            self._notifier = self.platform.notifier()
        try:
            report = self._notifier.run_once()
            if report.sent or report.failed:
                log.info("notifications: %d sent, %d failed (%d given up)", report.sent, report.failed,
                         report.given_up)  # fmt: skip
        except Exception:
            log.exception("notifier: run failed; retrying in %.1f s", self.interval)

    def run_forever(self) -> None:
        """Analyse every ``interval`` seconds until :meth:`stop`; errors are logged, never fatal.

        Each cycle also sends the notifications of new case events (:meth:`notify`); a cycle that
        analysed ``max_per_cycle`` messages (more are likely pending) is followed by the next at once.
        The search backlog is indexed first (before the first cycle loads the models).
        """
        try:
            renamed, removed = self.recover_attachments()
            if renamed or removed:
                log.info("attachments: %d files finished, %d left-over files removed", renamed, removed)
            self.index_search()
        except Exception:
            log.exception("attachments or search index: recovering files or indexing failed")
        while not self._stop.is_set():
            self.notify()
            report = PipelineReport()
            try:  # (the periodic pass while the second process computes the cycle's first batches)
                report = self.run_once(meanwhile=self._periodic)
                if report.indexed:
                    log.info("indexed %d messages for search", report.indexed)
                if report.messages:
                    log.info(
                        "analysed %d messages (%d routed, %d urgent, %d duplicates)",
                        report.messages, report.routed, report.urgent, report.duplicates,
                    )  # fmt: skip
            except Exception:
                log.exception("analysis worker: run failed; retrying in %.1f s", self.interval)
            self._periodic()  # (when the cycle failed before it)
            if not (self.max_per_cycle and report.messages >= self.max_per_cycle):
                self._stop.wait(self.interval)

    def _periodic(self) -> None:
        """Every ``alert_scan_minutes``: the alert scan, the deadline sweep and the supervision sweep
        (each one's errors logged, never fatal)."""
        if time.monotonic() - self._last_scan < self.platform.settings.alert_scan_minutes * 60:
            return
        self._last_scan = time.monotonic()
        try:
            scan = self.scan_alerts()
            if scan.alerts:
                log.info("alert scan: %d alerts raised or updated", len(scan.alerts))
        except Exception:
            log.exception("alert scan failed")
        try:
            log.info("deadline sweep: %s", self.sweep_deadlines())
        except Exception:
            log.exception("deadline sweep failed")
        try:
            log.info("supervision sweep: %s", self.sweep_supervision())
        except Exception:
            log.exception("supervision sweep failed")

    def start(self) -> threading.Thread:
        """Run :meth:`run_forever` in a daemon thread."""
        if self._thread is not None and self._thread.is_alive():
            return self._thread
        self._stop.clear()
        self._thread = threading.Thread(target=self.run_forever, name="massline-worker", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the thread to stop after the current batch and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
