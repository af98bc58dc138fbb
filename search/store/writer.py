"""Add, replace and delete articles, then commit them as Fouille segments in one step.

A writer holds Whoosh's write lock from its first change to its commit. Deletions mark
documents of the committed segments (their sets of deleted docnums travel in Whoosh's table
of contents); additions wait in memory until the commit, which writes them as one segment,
or as one per process when a pool of processes is given (``building.py``), lets the merge
policy run (``merging.py``), and writes the next table of contents: until that file is
renamed into place, readers and a crash see the previous version, whole.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

from whoosh.index import TOC, clean_files

from ..errors import IndexIncompatible, IndexLocked
from ..models import Article
from .building import build_segment
from .codec import FouilleSegment, arrays_of
from .definitions import add_definitions, article_definitions, has_definitions
from .merging import apply_policy, merges_due
from .segment import FORMAT

# Under this many articles a batch is written by one process: a pool costs more than it saves.
SPLIT_FROM = 1_000
# A process writes at most this many articles at once: its memory grows with the part, while
# a smaller part only means one more small segment for the merges to fold in.
PART = 2_500


@dataclass
class SegmentCounts:
    """The segments commits wrote and merged, and how many the index held after the last."""

    written: int = 0
    merged: int = 0
    made: int = 0
    held: int = 0

    def add(self, other: SegmentCounts) -> None:
        """Count another commit's segments."""
        self.written += other.written
        self.merged += other.merged
        self.made += other.made
        self.held = other.held


class SegmentWriter:
    """Changes to an index, written as Fouille segments when committed."""

    def __init__(self, ix, pool: Executor | None = None, procs: int = 1):
        self._lock = ix.lock("WRITELOCK")
        if not self._lock.acquire(blocking=False):
            raise IndexLocked(
                f"{ix.storage.folder}: another process is writing to this index (it holds "
                "Whoosh's write lock); wait for it to finish. The lock ends with that "
                "process, even if it is killed: deleting MAIN_WRITELOCK does not help"
            )
        try:
            toc = ix._read_toc()
            self.segments = [_own(segment, ix.storage.folder) for segment in toc.segments]
        except BaseException:
            self._lock.release()
            raise
        self.ix, self.folder = ix, Path(ix.storage.folder)
        self.schema, self.generation = toc.schema, toc.generation
        self.pool, self.procs = pool, procs
        self.pending: list[tuple[Article, str] | None] = []
        self._pending_at: dict[str, int] = {}

    def add(self, article: Article, digest: str) -> None:
        """Add an article (with its fingerprint) to the next commit."""
        self._pending_at[article.id] = len(self.pending)
        self.pending.append((article, digest))

    def delete(self, article_id: str) -> int:
        """Delete every live document with this id; return how many there were."""
        found = 0
        waiting = self._pending_at.pop(article_id, None)
        if waiting is not None:
            self.pending[waiting] = None
            found += 1
        term = article_id.encode("utf-8")
        for segment in self.segments:
            data = arrays_of(self.folder, segment)
            index = data.find("id", term)
            if index is None:
                continue
            for docnum in data.docs("id", index).tolist():
                if not segment.is_deleted(docnum):
                    segment.delete_document(docnum)
                    found += 1
        return found

    def commit(self, phase: Callable[[str, int], None] | None = None) -> SegmentCounts:
        """Write the added articles and the deletions as the index's next version.

        phase, if given, is told ("Writing", articles) and ("Merging", segments) as each
        step begins, when it has anything to do.
        """
        try:
            documents = [d for d in self.pending if d is not None]
            self._define(documents)
            if phase and documents:
                phase("Writing", len(documents))
            built = self._build(documents) if documents else []
            before = [s for s in self.segments + built if s.doc_count() > 0]
            if phase and (due := merges_due(before)):
                phase("Merging", sum(len(group) for group in due))
            segments = apply_policy(self.folder, self.ix.indexname, before)
            generation = self.generation + 1
            TOC(self.schema, segments, generation).write(self.ix.storage, self.ix.indexname)
            clean_files(self.ix.storage, self.ix.indexname, generation, segments)
        finally:
            self._lock.release()
        kept = {id(s) for s in before} & {id(s) for s in segments}
        return SegmentCounts(
            written=len(built),
            merged=len(before) - len(kept),
            made=len(segments) - len(kept),
            held=len(segments),
        )

    def cancel(self) -> None:
        """Drop every change; files a commit left half-written go with the next write."""
        self._lock.release()

    def _define(self, documents: list[tuple[Article, str]]) -> None:
        """Add the acronyms the new articles define to the index's file, before the commit."""
        # An index that has articles but no file (written before it existed) gets its file
        # from every stored text at the end of the run (``derived.py``), not from a few.
        if documents and (has_definitions(self.folder) or not self.segments):
            add_definitions(self.folder, article_definitions(a for a, _ in documents))

    def _build(self, documents: list[tuple[Article, str]]) -> list[FouilleSegment]:
        name = self.ix.indexname
        if self.pool is None or self.procs < 2 or len(documents) < SPLIT_FROM:
            return [build_segment(self.folder, name, documents)]
        size = min(-(-len(documents) // self.procs), PART)
        parts = [documents[i : i + size] for i in range(0, len(documents), size)]
        jobs = [self.pool.submit(build_segment, self.folder, name, part) for part in parts]
        return [job.result() for job in jobs]


def _own(segment, folder) -> FouilleSegment:
    """Return a copy of a committed segment whose deletions this writer may change."""
    if not isinstance(segment, FouilleSegment) or getattr(segment, "format", None) != FORMAT:
        raise IndexIncompatible(
            f"{folder}: this index was built by another version of Fouille (its segments "
            "are in another format); rebuild it with: fouille index --rebuild PATH"
        )
    mine = copy.copy(segment)
    mine._deleted = set(segment._deleted) if segment._deleted else None
    return mine
