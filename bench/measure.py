"""Timing and memory readings, and the median-with-range summaries every table shows.

>>> summary([3.0, 1.0, 2.0])
Summary(median=2.0, low=1.0, high=3.0)
>>> percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)
9.55
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """The median of several runs, with the lowest and highest."""

    median: float
    low: float
    high: float


@dataclass(frozen=True)
class Run:
    """What one command took: wall seconds, CPU seconds and peak memory of its processes.

    samples holds (seconds since start, MB) readings; output, what it printed.
    """

    seconds: float
    cpu_seconds: float
    peak_mb: float
    samples: tuple[tuple[float, float], ...] = ()
    output: str = ""

    def peak_until(self, seconds: float) -> float:
        """Return the peak memory of the readings taken in the first seconds of the run."""
        return max((mb for at, mb in self.samples if at <= seconds), default=0.0)


def summary(values: list[float]) -> Summary:
    """Return the median, lowest and highest of values."""
    return Summary(statistics.median(values), min(values), max(values))


def percentile(values: list[float], rank: float) -> float:
    """Return the rank-th percentile of values, interpolated between the nearest two."""
    ordered = sorted(values)
    place = (len(ordered) - 1) * rank / 100
    below = int(place)
    above = min(below + 1, len(ordered) - 1)
    return round(ordered[below] + (ordered[above] - ordered[below]) * (place - below), 6)


def run_measured(command: list[str], interval: float = 0.2) -> Run:
    """Run command; return its wall time, CPU time and the peak summed RSS of its process tree.

    :raises subprocess.CalledProcessError: if it fails.
    """
    import psutil

    # Children's CPU time counts every descendant once it has ended and been waited for.
    cpu_before = _children_cpu()
    started = time.perf_counter()
    # A file, not a pipe: a progress bar would fill a pipe nobody reads and stall the command.
    errors, output = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
    process = psutil.Popen(command, stdout=output, stderr=errors)
    peak, samples = 0, []
    while process.poll() is None:
        rss = 0
        for member in [process, *_children(process)]:
            try:
                rss += member.memory_info().rss
            except psutil.Error:
                continue  # It ended between the listing and the reading.
        peak = max(peak, rss)
        samples.append((time.perf_counter() - started, rss / 2**20))
        time.sleep(interval)
    seconds = time.perf_counter() - started
    if process.returncode:
        errors.seek(0)
        raise subprocess.CalledProcessError(process.returncode, command, stderr=errors.read())
    output.seek(0)
    return Run(seconds, _children_cpu() - cpu_before, peak / 2**20, tuple(samples), output.read())


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _children(process) -> list:
    import psutil

    try:
        return process.children(recursive=True)
    except psutil.Error:
        return []


def directory_mb(path, pattern: str = "*") -> float:
    """Return the size in MB of the files under path whose names match pattern."""
    from pathlib import Path

    return sum(f.stat().st_size for f in Path(path).rglob(pattern) if f.is_file()) / 2**20
