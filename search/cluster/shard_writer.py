"""One shard's writes in a sharded build, and the shards' writers run in the indexing process.

A ShardWriter holds a shard's lock and its batch writer from ``open`` to ``close``: it adds,
replaces and deletes the articles it is sent and commits when told, as one index does. It
runs in the indexing process (``LocalShards``: shards written one after another) or as a Ray
actor where the shard lives (``ray_shards.py``); the process that reads the input routes the
articles and decides when every shard commits (``building.py``).
"""

from __future__ import annotations

import dataclasses
import sys
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from ..models import Article
from ..store.index import discard_uncommitted
from ..store.indexing import Batch, Committed, fresh_index, open_or_create_index, worker_pool
from ..store.lock import writing
from ..store.writer import SegmentCounts


class ShardWriter:
    """The writer of one shard, driven by the process that reads the input."""

    def __init__(self, folder: str, procs: int = 1, pool: ProcessPoolExecutor | None = None):
        self.folder, self.procs, self.pool = Path(folder), procs, pool
        self._held = ExitStack()
        self.batch: Batch | None = None
        self.committed: Committed | None = None

    def open(self, rebuild: bool) -> None:
        """Take the shard's lock and open it (emptied first with rebuild) for changes."""
        with ExitStack() as held:
            held.enter_context(writing(self.folder))
            ix = fresh_index(self.folder) if rebuild else open_or_create_index(self.folder)
            discard_uncommitted(ix)
            self.committed = Committed(held.enter_context(ix.searcher()))
            # The driver decides when to commit: every shard at once, so that the record
            # of files never names one whose articles a shard lacks.
            batch = Batch(ix, sys.maxsize, procs=self.procs, pool=self.pool)
            self.batch = held.enter_context(batch)
            self._held = held.pop_all()

    def fingerprints(self, ids: list[str]) -> dict[str, str]:
        """Return the committed fingerprint of each of these ids that the shard holds."""
        found = {i: self.committed.fingerprint(i) for i in ids}
        return {i: digest for i, digest in found.items() if digest is not None}

    def write(self, items: list[tuple[Article, str, bool]]) -> None:
        """Add each (article, fingerprint, replace): replace, to replace the committed one."""
        for article, digest, replace in items:
            self.batch.write(article, digest, replace)

    def delete(self, ids: list[str]) -> int:
        """Delete the articles with these ids; return how many there were."""
        return sum(self.batch.delete(i) for i in ids)

    def commit(self) -> None:
        """Commit what was written since the last commit."""
        self.batch.commit()

    def cancel(self) -> None:
        """Drop what was written since the last commit."""
        if self.batch is not None:
            self.batch.cancel()

    def close(self) -> SegmentCounts:
        """Release the shard; return the segments its commits wrote and merged, and it holds."""
        self._held.close()
        if self.batch is None:
            return SegmentCounts()
        counts = dataclasses.replace(self.batch.segments)
        # Counted as well when no commit of this run changed the shard.
        counts.held = len(self.batch.ix._segments())
        return counts


class LocalShards:
    """The writers of every shard in this process: a call runs at once, one after another.

    They share one pool of procs processes, which analyse and write each shard's batches.
    """

    def __init__(self, folders: list[Path], procs: int):
        self.pool = worker_pool(procs) if procs > 1 else None
        self.writers = [ShardWriter(str(folder), procs, self.pool) for folder in folders]

    def call(self, shard: int, method: str, *args):
        """Run a method of a shard's writer; return its result (``wait`` reads it)."""
        return getattr(self.writers[shard], method)(*args)

    def wait(self, calls: list) -> list:
        """Return the results of calls."""
        return list(calls)

    def __enter__(self) -> LocalShards:
        return self

    def __exit__(self, *error) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
