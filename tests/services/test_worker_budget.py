"""The worker's write transactions grow to ``quiet_budget`` while no request waits to write behind
them and shrink to ``write_budget`` for ``quiet_after`` seconds once one does (a request of another
process: its shared lock on the database's wait file, as ``db.WriteLock`` takes it) — on SQLite."""

from __future__ import annotations

import subprocess
import sys

import pytest

from massline import hookimpl
from massline.db import write_lock
from massline.platform import Platform
from massline.services import pipeline
from massline.worker import Worker
from tests.services.pipeline.test_pipeline import SOCIAL, submit


class RequestMeanwhile:
    """A database step that, while the worker's first write transaction is open, has a request of
    another process start waiting to write (for ``seconds``)."""

    def __init__(self, waiting_file: str, seconds: float) -> None:
        self.waiting_file, self.seconds = waiting_file, seconds
        self.request: subprocess.Popen[str] | None = None

    def stored(self, ctx: pipeline.AnalysisContext, session: object, item: pipeline.Item) -> pipeline.StepResult:
        if self.request is None:
            self.request = subprocess.Popen(
                [sys.executable, "-c",
                 "import fcntl, os, time\n"
                 f"fd = os.open({self.waiting_file!r}, os.O_RDWR | os.O_CREAT)\n"
                 "fcntl.flock(fd, fcntl.LOCK_SH)\n"
                 "print('waiting', flush=True)\n"
                 f"time.sleep({self.seconds})\n"],
                stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            assert self.request.stdout is not None and self.request.stdout.readline().strip() == "waiting"
        return pipeline.StepResult(evidence={})

    @hookimpl
    def register_pipeline_steps(self) -> list[pipeline.Step]:
        return [pipeline.Step("request-meanwhile", "v1", self.stored)]


def test_transactions_grow_while_no_request_waits_and_shrink_once_one_did(deployed: Platform) -> None:
    if not deployed.settings.is_sqlite:
        pytest.skip("PostgreSQL has no database-wide write lock to wait on: always quiet_budget")
    worker = Worker(deployed, batch_size=50, write_budget=0.25, quiet_budget=1.0, quiet_after=60.0)
    assert worker.budget() == 1.0 and worker._next_size(50, 2.0) == 25  # nobody waited: 1 s
    submit(deployed, "居住证咨询", SOCIAL + "0")
    assert worker.run_once().messages == 1
    assert worker.budget() == 1.0  # stored while nobody waited
    lock = write_lock(deployed.engine)
    assert lock.lock_file is not None and not lock.requests_waiting()
    spy = RequestMeanwhile(str(lock.lock_file) + "-waiting", 1.0)
    deployed.plugins.register(spy)
    submit(deployed, "居住证咨询", SOCIAL + "1")
    assert worker.run_once().messages == 2  # (the first one again: a new step)
    assert spy.request is not None
    spy.request.wait(10)
    assert worker.budget() == 0.25 and worker._next_size(50, 2.0) == 6  # a request waited: a quarter of a second
    assert not lock.requests_waiting()  # the request is gone
    worker.quiet_after = 0.0
    assert worker.budget() == 1.0  # ... and quiet_after seconds have passed
