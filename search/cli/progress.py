"""What ``fouille index`` shows on stderr while it works: a bar, then a line per step.

The bar counts the articles read. Once the last is read, each step that has work to do
(writing the last batch, merging segments, duplicates, topics, view) prints its own line,
its count first and its time when it ends; on a terminal the time runs while it works.
"""

from __future__ import annotations

import sys
import threading
import time

import click

from ..wording import counted

# What each step counts; the others count articles.
UNITS = {"Merging": "segment"}
# Seconds between two updates of a running step's time on a terminal.
TICK = 1.0


class Steps:
    """The steps after the bar, one line each; call it with a step's name and count."""

    def __init__(self, bar=None):
        self.bar = bar
        self.shown = 0
        self._line = ""
        self._started = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def __call__(self, name: str, count: int) -> None:
        """End the bar or the step before, and show this step unless it has nothing to do."""
        self.end()
        if not count:
            return
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        self._line = f"{name}: {counted(count, UNITS.get(name, 'article'))} …"
        self._started = time.perf_counter()
        self.shown += 1
        click.echo(self._line, err=True, nl=False)
        if sys.stderr.isatty():
            self._stop.clear()
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()

    def end(self) -> None:
        """Finish the line of the running step with its time."""
        if not self._line:
            return
        if self._ticker is not None:
            self._stop.set()
            self._ticker.join()
            self._ticker = None
        self._write(f"{time.perf_counter() - self._started:.1f} s\n")
        self._line = ""

    def __enter__(self) -> Steps:
        return self

    def __exit__(self, *error) -> None:
        self.end()

    def _tick(self) -> None:
        while not self._stop.wait(TICK):
            self._write(f"{time.perf_counter() - self._started:.0f} s")

    def _write(self, seconds: str) -> None:
        # On a terminal the line is written again whole; elsewhere the time is appended once.
        with self._lock:
            if sys.stderr.isatty():
                click.echo(f"\r{self._line} {seconds}", err=True, nl=False)
            else:
                click.echo(f" {seconds}", err=True, nl=False)
