"""The pure phase computed in a second process while the worker stores (``pipeline.ComputeProcess``,
``Worker(parallel=True)``), and the document frequencies kept between batches — on a real database
(mini deployment)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from sqlalchemy import func, insert, select

from massline import hookimpl
from massline.db import WriteLock
from massline.models import IssueTermDf, IssueVocabulary, Message, MessageAnalysis
from massline.platform import Platform
from massline.services import pipeline
from massline.services.issues.places import StoredVocabulary
from massline.worker import Worker
from tests.services.pipeline.test_pipeline import GAS, GAS_AGAIN, SOCIAL, run, submit

COLUMNS = ("kind_guess", "urgency_level", "urgency_score", "sentiment_score", "located_region_id", "duplicate_of_id",
           "category_label")  # fmt: skip


class Pid:
    """A plugin with one pure step noting the process that computed it."""

    @staticmethod
    def pid(ctx: pipeline.AnalysisContext, item: pipeline.Item) -> pipeline.StepResult:
        return pipeline.StepResult(evidence={"pid": os.getpid()})

    @hookimpl
    def register_pipeline_steps(self) -> list[pipeline.Step]:
        return [pipeline.Step("pid", "v1", compute=self.pid)]


def _results(platform: Platform) -> dict[int, tuple[object, ...]]:
    with platform.read() as s:
        rows = s.scalars(select(MessageAnalysis).order_by(MessageAnalysis.message_id)).all()
        issues = {mid: iid for mid, iid in s.execute(select(Message.id, Message.issue_id))}
        return {r.message_id: (*(getattr(r, c) for c in COLUMNS), issues[r.message_id]) for r in rows}


def _context(platform: Platform, session: object) -> pipeline.AnalysisContext:
    return pipeline.analysis_context(session, model_path=None)  # type: ignore[arg-type]


def test_parallel_worker_computes_ahead_in_a_second_process_with_the_same_results(deployed: Platform) -> None:
    deployed.plugins.register(Pid())
    texts = [("楼道煤气味", GAS), ("楼道煤气味", GAS_AGAIN), ("居住证咨询", SOCIAL)]
    ids = [submit(deployed, *texts[i % 3]) for i in range(24)]
    worker = Worker(deployed, batch_size=5, parallel=True)
    try:
        report = worker.run_once(max_messages=0)
    finally:
        worker.close()
    assert report.messages == 24 and report.failed == {}
    with deployed.read() as s:
        pids = Counter(row.evidence["pid"]["pid"] for row in s.scalars(select(MessageAnalysis)))
    assert sum(pids.values()) == 24
    assert sum(n for pid, n in pids.items() if pid != os.getpid()) >= 15  # every batch but the first: the child
    parallel = _results(deployed)
    assert set(parallel) == set(ids) and all(r[-1] is not None for r in parallel.values())  # all in an issue
    run(deployed, force=True)  # the same steps again, in this process, in one transaction
    assert _results(deployed) == parallel


def test_the_second_process_computes_several_batches_ahead_and_outlives_the_cycle(deployed: Platform) -> None:
    deployed.plugins.register(Pid())
    texts = [("楼道煤气味", GAS), ("楼道煤气味", GAS_AGAIN), ("居住证咨询", SOCIAL)]
    ids = [submit(deployed, *texts[i % 3]) for i in range(30)]
    worker = Worker(deployed, batch_size=5, parallel=True, ahead=3)
    in_flight: list[int] = []  # batches planned, not stored, each time one is stored
    plan = worker._plan

    def planned(*args: object) -> pipeline.Batch:
        batch = plan(*args)  # type: ignore[arg-type]
        in_flight.append(len(batch.items))
        return batch

    worker._plan = planned  # type: ignore[method-assign]
    try:
        first = worker.run_once(max_messages=0, progress=lambda r: in_flight.append(-1))
        ids += [submit(deployed, *texts[i % 3]) for i in range(10)]  # the next cycle: new Step objects, same versions
        second = worker.run_once(max_messages=0)
    finally:
        worker.close()
    assert (first.messages, second.messages) == (30, 10)
    # before the first batch is stored, it and three more are planned (and given to the second process)
    assert in_flight[:5] == [5, 5, 5, 5, -1]
    with deployed.read() as s:
        pids = Counter(row.evidence["pid"]["pid"] for row in s.scalars(select(MessageAnalysis)))
    assert sum(pids.values()) == 40 and len(pids) == 2  # this process (a first small batch), one child for both
    parallel = _results(deployed)
    assert set(parallel) == set(ids) and all(r[-1] is not None for r in parallel.values())
    run(deployed, force=True)  # the same steps again, in this process, in one transaction
    assert _results(deployed) == parallel


def test_a_worker_stopped_with_batches_ahead_loses_nothing(deployed: Platform) -> None:
    texts = [("楼道煤气味", GAS), ("居住证咨询", SOCIAL)]
    ids = [submit(deployed, *texts[i % 2]) for i in range(40)]
    worker = Worker(deployed, batch_size=5, parallel=True, ahead=4)
    try:
        stopped = worker.run_once(max_messages=0, progress=lambda r: worker._stop.set())
        worker._stop.clear()
        rest = worker.run_once(max_messages=0)
    finally:
        worker.close()
    # the batches the second process had started were stored; those not started were left pending
    assert 5 <= stopped.messages < 40 and stopped.messages + rest.messages == 40
    with deployed.read() as s:
        assert s.scalar(select(func.count()).select_from(Message).where(Message.analysis_pending)) == 0
    assert set(_results(deployed)) == set(ids)


def test_a_dead_second_process_means_computing_here(deployed: Platform) -> None:
    ids = [submit(deployed, "楼道煤气味", GAS), submit(deployed, "居住证咨询", SOCIAL)]
    steps = deployed.plugins.steps()
    computer = pipeline.ComputeProcess()
    try:
        with deployed.read() as s:
            batch = pipeline.plan_batch(s, _context(deployed, s), steps)
        future = computer.submit(batch)
        assert future is not None
        future.result()
        with deployed.read() as s:
            batch = pipeline.plan_batch(s, _context(deployed, s), steps)
        pool = computer._pool
        assert pool is not None
        for process in list(pool._processes.values()):  # the child is killed (out of memory, an operator)
            process.kill()
            process.join()
        computer.collect(batch, computer.submit(batch))
        assert set(batch.computed) == set(ids) and all("kind" in r for r in batch.computed.values())
    finally:
        computer.close()


def test_document_frequencies_kept_between_batches_until_the_table_changes(deployed: Platform) -> None:
    kept = StoredVocabulary()
    frequencies = (Counter({"煤气": 3, "": 7}), {"煤气", ""}, 7)
    with deployed.read() as s:
        assert kept.frequencies(s) is None  # nothing kept yet
        kept.saved(s, frequencies)
        assert kept.frequencies(s) is frequencies  # the table unchanged: the next batch starts from them
        assert kept.frequencies(s) is None  # in use by that batch: gone unless it saves again
        kept.saved(s, frequencies)
    with deployed.write() as s:  # another process counts a document (its terms and the number of documents)
        s.execute(insert(IssueTermDf), [{"term": "楼道", "df": 1}, {"term": "", "df": 1}])
    with deployed.read() as s:
        assert kept.frequencies(s) is None
        kept.saved(s, frequencies)
    with deployed.write() as s:  # a rebuild rewrites the place vocabulary (and the frequencies)
        s.execute(insert(IssueVocabulary), [{"place_key": "翠竹园", "kind": "compound", "count": 1}])
    with deployed.read() as s:
        kept.current(s)
        assert kept.frequencies(s) is None


def test_a_forked_child_does_not_keep_its_parents_write_lock(tmp_path: Path) -> None:
    lock = WriteLock(lock_file=tmp_path / "db.writelock")
    lock.acquire()  # the parent writes (its lock file open, flock taken)
    try:
        child = os.fork()
        if child == 0:  # the child: its copy of the lock file closed, the lock free for it
            os._exit(0 if lock._fd is None and lock._owner is None else 1)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        lock.release()


def test_the_periodic_pass_runs_once_a_cycle_while_the_second_process_computes(deployed: Platform) -> None:
    ids = [submit(deployed, "楼道煤气味", GAS) for _ in range(20)]
    worker = Worker(deployed, batch_size=5, parallel=True)
    seen: list[tuple[int, int]] = []  # when it ran: messages analysed, batches being computed

    def periodic() -> None:
        with deployed.read() as s:
            analysed = s.scalar(select(func.count()).select_from(MessageAnalysis)) or 0
        pool = worker._compute._pool if worker._compute is not None else None
        seen.append((analysed, len(pool._pending_work_items) if pool is not None else 0))

    try:
        report = worker.run_once(max_messages=0, meanwhile=periodic)
        idle = worker.run_once(max_messages=0, meanwhile=periodic)  # nothing pending: it runs all the same
    finally:
        worker.close()
    assert report.messages == len(ids) and idle.messages == 0
    assert len(seen) == 2 and seen[0][0] == 0 and seen[0][1] >= 1 and seen[1][0] == len(ids)
