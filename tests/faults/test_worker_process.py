"""``massline serve`` runs its analysis worker in a process of its own: the worker never outlives the
server, and on SQLite the writers of the two processes queue on the database's lock file."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from massline.db import write_lock
from massline.platform import Platform


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
def test_the_worker_stops_when_the_server_that_started_it_is_killed(deployed: Platform) -> None:
    s = deployed.settings
    env = dict(os.environ, MASSLINE_INSTANCE_DIR=str(s.instance_dir), MASSLINE_DATABASE_URL=s.database_url)
    server = subprocess.Popen(  # stands in for massline serve: starts the worker as serve does, then waits
        [sys.executable, "-c",
         "import os, subprocess, sys, time\n"
         "w = subprocess.Popen([sys.executable, '-m', 'massline.cli', 'worker', '--exit-with', str(os.getpid())])\n"
         "print(w.pid, flush=True)\n"
         "time.sleep(120)\n"],
        env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stdout is not None
    worker = int(server.stdout.readline())
    time.sleep(1.0)
    assert _alive(worker)
    server.send_signal(signal.SIGKILL)  # no chance to stop its child
    server.wait(10)
    deadline = time.monotonic() + 15
    while _alive(worker) and time.monotonic() < deadline:
        try:
            os.waitpid(worker, os.WNOHANG)  # reaped here if this process adopted it
        except ChildProcessError:
            pass
        time.sleep(0.1)
    assert not _alive(worker), "the worker outlived the server"


def test_writers_of_two_processes_queue_on_the_lock_file(deployed: Platform, tmp_path: Path) -> None:
    if not deployed.settings.is_sqlite:
        pytest.skip("the lock file is SQLite's")
    lock_file = write_lock(deployed.engine).lock_file
    assert lock_file is not None and lock_file.name.endswith(".writelock")
    holder = subprocess.Popen(  # another process holds the write lock for a second
        [sys.executable, "-c",
         "import fcntl, os, sys, time\n"
         f"fd = os.open({str(lock_file)!r}, os.O_RDWR | os.O_CREAT)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX)\n"
         "print('held', flush=True)\n"
         "time.sleep(1.0)\n"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    started = time.monotonic()
    with deployed.write() as session:  # waits in the kernel, then writes at once
        waited = time.monotonic() - started
        session.connection().exec_driver_sql("SELECT 1")
    holder.wait(10)
    assert 0.5 <= waited < 5
    fd = os.open(lock_file, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released after the transaction
    finally:
        os.close(fd)


def test_a_background_writer_lets_another_process_waiting_request_go_first(deployed: Platform) -> None:
    if not deployed.settings.is_sqlite:
        pytest.skip("the lock files are SQLite's")
    lock = write_lock(deployed.engine)
    assert lock.lock_file is not None
    waiting = lock.lock_file.with_name(lock.lock_file.name + "-waiting")
    request = subprocess.Popen(  # a request of another process waits to write for a second
        [sys.executable, "-c",
         "import fcntl, os, time\n"
         f"fd = os.open({str(waiting)!r}, os.O_RDWR | os.O_CREAT)\n"
         "fcntl.flock(fd, fcntl.LOCK_SH)\n"
         "print('waiting', flush=True)\n"
         "time.sleep(1.0)\n"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert request.stdout is not None and request.stdout.readline().strip() == "waiting"
    started = time.monotonic()
    with deployed.write():  # a request of this process does not wait for it
        pass
    assert time.monotonic() - started < 0.5
    started = time.monotonic()
    with deployed.write(background=True):  # the worker does
        waited = time.monotonic() - started
    request.wait(10)
    assert 0.5 <= waited < 5


def _children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds the worker in Linux /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_its_worker_before_it_ends_on_sigterm_and_sigint(
    deployed: Platform, tmp_path: Path, signum: signal.Signals
) -> None:
    from tests.faults.served import Server

    s = deployed.settings
    env = dict(os.environ, MASSLINE_INSTANCE_DIR=str(s.instance_dir), MASSLINE_DATABASE_URL=s.database_url)
    server = Server(env, tmp_path / "serve.log")
    server.start()
    assert server.proc is not None
    deadline = time.monotonic() + 30
    while not (workers := _children(server.proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(workers) == 1, server.tail()
    worker = workers[0]
    time.sleep(1.0)  # the worker has started polling
    server.proc.send_signal(signum)
    assert server.proc.wait(timeout=40) == -signum, server.tail()  # ends by the signal, as uvicorn intends
    # serve waited for its worker (and reaped it): not a worker left behind to notice it alone
    assert not _alive(worker), server.tail()
