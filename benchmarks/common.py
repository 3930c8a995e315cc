"""Shared helpers for benchmarks: machine description, a server in a subprocess."""

from __future__ import annotations

import os
import platform
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data" / "tipdm2020c"


def machine() -> str:
    """CPU model, core count, Python version and date, for docs/benchmarks.md."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}"
    )


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_env(instance: Path, **extra: str) -> dict[str, str]:
    """Environment for a benchmark platform in ``instance`` (rate limits off)."""
    env = dict(os.environ)
    env.update(
        MASSLINE_INSTANCE_DIR=str(instance),
        MASSLINE_SUBMIT_RATE_LIMIT="0",
        MASSLINE_LOGIN_RATE_LIMIT="0",
        MASSLINE_ARGON2_TIME_COST="1",
        MASSLINE_ARGON2_MEMORY_KIB="64",
    )
    env.update(extra)
    return env


def massline(*args: str, env: dict[str, str], root: Path = ROOT) -> str:
    """Run the massline CLI of this checkout (or of the checkout ``root``); returns its output."""
    cmd = [sys.executable, "-m", "massline.cli.__main__", *args]
    env = {**env, "PYTHONPATH": str(root)}
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, cwd=root).stdout


@contextmanager
def server(env: dict[str, str], workers: int = 1, *, worker: bool = False, root: Path = ROOT) -> Iterator[str]:
    """``massline serve`` (of this checkout, or of the checkout ``root``) in a subprocess, with the
    analysis worker when ``worker``; yields the base URL and stops it afterwards."""
    port = free_port()
    cmd = [sys.executable, "-m", "massline.cli", "serve", "--worker" if worker else "--no-worker",
           "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]  # fmt: skip
    # a session of its own: stopping it stops its analysis worker too, never leaving one behind that
    # goes on writing into an instance the benchmark is about to remove
    proc = subprocess.Popen(cmd, env={**env, "PYTHONPATH": str(root)}, cwd=root, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(url + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        else:
            raise RuntimeError("server did not start")
        yield url
    finally:
        stop_session(proc)


def stop_session(proc: subprocess.Popen[bytes], timeout: float = 40) -> None:
    """Stop ``proc`` (started with ``start_new_session``) and every process of its session.

    ``massline serve`` ends by re-raising the SIGTERM uvicorn caught (uvicorn's way), so its own
    clean-up, which stops its analysis worker, does not run: the worker stops by itself once its
    server is gone, after its batch. The benchmark removes the instance afterwards, so it waits here
    until no process of the session is left (SIGKILL after ``timeout`` seconds).
    """
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:  # e.g. stuck behind a long write transaction
        pass
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline + 5:  # (a process nobody has reaped yet stays in the group)
        try:
            os.killpg(proc.pid, signal.SIGTERM if time.monotonic() < deadline else signal.SIGKILL)
        except ProcessLookupError:  # the session is empty
            break
        time.sleep(0.2)
    proc.wait()
