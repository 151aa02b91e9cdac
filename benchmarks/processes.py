"""Running a command as a process of its own and timing it whole: wall time from start to exit,
and the CPU time and peak resident memory of the process as the kernel accounted them
(``os.wait4``)."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class Run:
    argv: tuple[str, ...]
    seconds: float
    cpu_seconds: float  # user + system
    max_rss_mib: float
    returncode: int
    stdout: str
    stderr: str


def run(argv: Sequence[str], env: dict[str, str] | None = None, cwd: str | None = None) -> Run:
    """Start ``argv``, wait for it, and return its wall time, peak RSS, exit code and output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; Popen must not wait again
        out.seek(0)
        err.seek(0)
        return Run(tuple(argv), seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


@dataclass(frozen=True)
class Timing:
    """Several runs of one command: the median wall time, the spread, the largest peak RSS."""

    runs: tuple[Run, ...]

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def low(self) -> float:
        return min(r.seconds for r in self.runs)

    @property
    def high(self) -> float:
        return max(r.seconds for r in self.runs)

    @property
    def max_rss_mib(self) -> float:
        return max(r.max_rss_mib for r in self.runs)
