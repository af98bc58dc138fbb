"""One writer at a time: a lock held for a whole write run, its end phase included.

Whoosh locks the index only while one batch is written; between batches, and while the
duplicates and the topic space are brought up to date, a second ``fouille index`` could start
and redo (or overwrite) that work. This lock is held from the first batch to the last file
beside the index. It is an operating-system lock on ``fouille-write.lock`` (``flock``): the
system releases it when its process ends, however it ends, so a crash never leaves the index
locked and there is never a file to delete by hand. The file names who holds it.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh.util.filelock import FileLock

from ..errors import IndexLocked

LOCK = "fouille-write.lock"
# Held by this process, by folder: the passes a run calls (duplicates, topics) take it again.
_HELD: dict[Path, int] = {}


@contextmanager
def writing(index_dir: Path) -> Iterator[None]:
    """Hold the index's write lock for the enclosed run.

    :raises IndexLocked: if another process holds it.
    """
    folder = Path(index_dir).resolve()
    if folder in _HELD:
        _HELD[folder] += 1
        try:
            yield
        finally:
            _HELD[folder] -= 1
        return
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / LOCK))
    if not lock.acquire(blocking=False):
        raise IndexLocked(_busy_message(folder))
    try:
        _sign(lock.fd)
        _HELD[folder] = 1
        yield
    finally:
        _HELD.pop(folder, None)
        lock.release()


def under_lock(function):
    """Run function(index_dir, …) holding index_dir's write lock."""

    @functools.wraps(function)
    def locked(index_dir, *args, **kwargs):
        with writing(index_dir):
            return function(index_dir, *args, **kwargs)

    return locked


def _sign(fd: int) -> None:
    """Write who holds the lock into its file, for the message a second writer gets."""
    holder = {
        "pid": os.getpid(),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:300],
        "since": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    os.ftruncate(fd, 0)
    os.write(fd, json.dumps(holder).encode("utf-8"))


def _busy_message(folder: Path) -> str:
    try:
        holder = json.loads((folder / LOCK).read_text("utf-8"))
        who = f"process {holder['pid']} ({holder['command']}), since {holder['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        who = "another process"
    return (
        f"{folder}: {who} is writing to this index; wait for it to finish. The lock ends "
        "with that process, even if it is killed: there is no file to delete"
    )
