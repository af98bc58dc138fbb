"""What one request may cost: a time budget and caps on wildcards, and what they cut.

A search engine shared by many readers must not let one query hold a worker: Lucene caps the
clauses a query may expand to, Elasticsearch the terms a prefix expands to and the time a
search may take. The archive runs each request inside :func:`request_limits`; the query path
asks :func:`over_time` at the points where more work could be skipped (a posting list not yet
read, a snippet, a suggestion) and records what it left out, so that the result says so.

>>> with request_limits(None) as limits:
...     over_time(), limits.partial
(False, False)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Limits:
    """One request's deadline, and whether anything was left out to meet its limits."""

    deadline: float | None = None
    # The time budget ran out: some words or passages were not read.
    partial: bool = False
    # A wildcard matched more words than are searched, or a query held too many wildcards.
    capped: bool = False


_CURRENT: ContextVar[Limits | None] = ContextVar("fouille_limits", default=None)


@contextmanager
def request_limits(seconds: float | None) -> Iterator[Limits]:
    """Run the enclosed work with a time budget of seconds (None: no budget)."""
    deadline = None if seconds is None else time.monotonic() + seconds
    token = _CURRENT.set(Limits(deadline))
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def over_time() -> bool:
    """Return whether the current request's budget is spent, noting that work was left out."""
    limits = _CURRENT.get()
    if limits is None or limits.deadline is None:
        return False
    if limits.partial or time.monotonic() > limits.deadline:
        limits.partial = True
        return True
    return False


def note_capped() -> None:
    """Record that a wildcard was searched with fewer words than it matches."""
    limits = _CURRENT.get()
    if limits is not None:
        limits.capped = True


def current() -> Limits:
    """Return the current request's limits (an unlimited one outside any request)."""
    return _CURRENT.get() or Limits()
