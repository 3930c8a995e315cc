"""The analysis worker's process runs at a lower scheduling priority than the web processes (``worker_nice``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import massline

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads niceness from Linux /proc")


def _niceness(pid: int) -> set[int]:
    """The niceness of every thread of process ``pid`` (Linux: niceness belongs to each thread)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        found.add(int(fields[16]))  # field 19 of stat, the third after the command name being field 3
    return found


@pytest.mark.parametrize(("setting", "added"), [(None, 10), ("3", 3), ("0", 0)])
def test_the_worker_process_and_its_threads_run_at_the_niceness_set(
    tmp_path: Path, setting: str | None, added: int
) -> None:
    root = str(Path(massline.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": root, "MASSLINE_INSTANCE_DIR": str(tmp_path),
           "MASSLINE_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}"}  # fmt: skip
    env.pop("MASSLINE_WORKER_NICE", None)
    if setting is not None:
        env["MASSLINE_WORKER_NICE"] = setting
    command = [sys.executable, "-m", "massline.cli", "worker", "--interval", "0.2", "--exit-with", str(os.getpid())]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        assert "polling" in proc.stdout.readline()  # running: its threads started
        assert _niceness(proc.pid) == {min(19, os.nice(0) + added)}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
