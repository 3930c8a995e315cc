"""CPU seconds of the processes a benchmark starts: its waited-for children (``getrusage``) and every
descendant, read from ``/proc`` (``massline serve``'s worker and that worker's second process)."""

from __future__ import annotations

import os
import resource
from pathlib import Path


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children and theirs (the pipeline's second process)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class TreeCPU:
    """CPU seconds (user + system) of this process's descendants, read from ``/proc`` at each
    :meth:`sample` (massline serve's worker and its second process are no children this process waits for)."""

    def __init__(self) -> None:
        self.seen: dict[tuple[int, int], float] = {}  # (pid, start time) -> its own CPU seconds, last read
        self.tick = os.sysconf("SC_CLK_TCK")

    def sample(self) -> None:
        """Read the CPU time of every descendant now."""
        parent_of: dict[int, int] = {}
        stat: dict[int, list[str]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:  # ended meanwhile
                    continue
                parent_of[int(entry.name)], stat[int(entry.name)] = int(fields[1]), fields
        mine = {os.getpid()}
        changed = True
        while changed:  # (a child's pid may be lower than its parent's: until nothing is added)
            changed = False
            for pid, parent in parent_of.items():
                if parent in mine and pid not in mine:
                    mine.add(pid)
                    changed = True
        for pid in mine - {os.getpid()}:
            fields = stat[pid]  # fields[11], [12]: utime, stime; [19]: start time (fields 14, 15, 22 of stat)
            self.seen[(pid, int(fields[19]))] = (int(fields[11]) + int(fields[12])) / self.tick

    def total(self) -> float:
        """CPU seconds of every descendant seen, as last read."""
        return sum(self.seen.values())
