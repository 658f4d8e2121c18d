"""The peak memory of a process and all its descendants, sampled from /proc while it runs.

Each process counts its proportional set size (PSS): a page shared by n processes counts 1/n in
each, so forked workers that share their parent's pages are not charged for them again, and the sum
over the tree is what the run takes from the machine. Where the kernel gives no PSS, the resident
set is counted instead, which overstates forked workers.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType

PROC = Path("/proc")
INTERVAL = 0.1


class PeakMemory:
    """While entered, samples the memory of `pid`'s process tree every INTERVAL seconds; `mib` is the peak."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name=f"peak-memory-{pid}", daemon=True)

    @property
    def mib(self) -> float:
        return self.peak_kib / 1024

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        # A sample costs a few ms of CPU (listing /proc, and the kernel walking each process's page
        # tables for smaps_rollup): at the lowest priority, it takes no CPU a measured process wants.
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        while True:
            self.peak_kib = max(self.peak_kib, sum(_kib(pid) for pid in _tree(self.pid)))
            if self._stop.wait(INTERVAL):
                return


def _tree(root: int) -> list[int]:
    """`root` and its descendants that are alive now."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                # The command name in parentheses may hold spaces; the parent comes second after it.
                parent = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, waiting = [], [root]
    while waiting:
        pid = waiting.pop()
        found.append(pid)
        waiting += children.get(pid, [])
    return found


def _kib(pid: int) -> int:
    """The process's PSS in KiB (else its resident set); 0 once it has gone."""
    for file, field in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            text = (PROC / str(pid) / file).read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    return 0
