"""Write articles into the on-disk index: check every input first, then commit in batches."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import NO_SPACE, DiskFull, IndexMissing, InputError, InvalidInput
from ..ingest import collect_files, fingerprint, read_articles
from ..models import Article, InputNote
from ..wording import counted
from .clustering import DuplicateReport, clear_duplicates
from .codec import reader_segments
from .definitions import clear_definitions
from .derived import DerivedReport, update_derived
from .index import create_index, discard_uncommitted, open_index
from .lock import under_lock, writing
from .sources import Sources, clear_sources
from .topics import TopicsReport, clear_topics
from .view import clear_view
from .writer import SegmentCounts, SegmentWriter

Outcome = Literal["added", "updated", "unchanged"]
# Articles per commit. Each commit makes a segment per writer process; fewer, larger segments
# make a smaller index (each holds its own term dictionary) that is quicker to search.
BATCH_SIZE = 10_000


@dataclass
class IndexPlan:
    """What a set of input paths holds, checked before anything is written."""

    files: list[Path]
    passed_over: list[Path]
    valid: int = 0
    errors: list[InputError] = field(default_factory=list)
    notes: list[InputNote] = field(default_factory=list)


@dataclass
class IndexReport:
    """What an indexing run did."""

    files: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[InputError] = field(default_factory=list)
    passed_over: list[Path] = field(default_factory=list)
    # How files were read when that was not as expected (a text file's encoding guessed).
    notes: list[InputNote] = field(default_factory=list)
    seconds: float = 0.0
    segments: SegmentCounts = field(default_factory=SegmentCounts)
    # The record of duplicates, the topic space and the view brought up to date after the
    # commits (view: whether it was written).
    duplicates: DuplicateReport | None = None
    topics: TopicsReport | None = None
    view: bool = False

    def derive(self, derived: DerivedReport) -> None:
        """Keep what bringing the derived files up to date did."""
        self.duplicates, self.topics, self.view = derived.duplicates, derived.topics, derived.view

    def count(self, outcome: Outcome) -> None:
        """Count one article as added, updated or unchanged."""
        if outcome == "added":
            self.added += 1
        elif outcome == "updated":
            self.updated += 1
        else:
            self.unchanged += 1


def check_files(paths: list[Path]) -> IndexPlan:
    """Read every input once and list the records that cannot be indexed.

    :raises UnsupportedInput: for a missing path or an unknown format.
    """
    files, passed_over = collect_files(paths)
    plan = IndexPlan(files=files, passed_over=passed_over)
    for _ in _valid_articles(files, plan.errors, plan.notes):
        plan.valid += 1
    return plan


def index_plan(
    index_dir: Path,
    plan: IndexPlan,
    *,
    rebuild: bool = False,
    skip_invalid: bool = False,
    batch_size: int = BATCH_SIZE,
    procs: int = 1,
    progress: Callable[[int], None] | None = None,
    phase: Callable[[str, int], None] | None = None,
) -> IndexReport:
    """Add, update or keep each valid article of a checked plan, committing every batch.

    With procs above 1, that many processes analyse and write the articles (see Batch).
    progress is told of each article read; phase, of each step after the last is read that
    has work to do, with its count (Writing, Merging, then ``derived.PHASES``).

    :raises InvalidInput: if the plan holds errors and skip_invalid is false; nothing is written.
    :raises IndexLocked: if another process is writing to the index.
    :raises DiskFull: if the disk fills up; committed batches are kept, the last is dropped.
    :raises DuplicatesUnreadable: if the record of duplicates cannot be read (articles are kept).
    """
    if plan.errors and not skip_invalid:
        raise InvalidInput(plan.errors[0].path, plan.errors)
    with writing(index_dir):
        return _index_plan(index_dir, plan, rebuild, batch_size, procs, progress, phase)


def _index_plan(index_dir, plan, rebuild, batch_size, procs, progress, phase) -> IndexReport:
    started = time.perf_counter()
    report = IndexReport(
        files=len(plan.files),
        skipped=plan.errors,
        passed_over=plan.passed_over,
        notes=plan.notes,
    )
    ix = fresh_index(index_dir) if rebuild else open_or_create_index(index_dir)
    discard_uncommitted(ix)
    with ix.searcher() as searcher, Batch(ix, batch_size, procs=procs) as batch:
        committed = Committed(searcher)
        for article in _valid_articles(plan.files, []):
            report.count(store_article(batch, committed, article))
            if progress:
                progress(1)
        batch.commit(phase)
    report.segments = batch.segments
    report.seconds = time.perf_counter() - started
    report.derive(update_derived(index_dir, phase))
    return report


def index_files(index_dir: Path, paths: list[Path], **options) -> IndexReport:
    """Check then index the articles under paths; options are those of index_plan."""
    return index_plan(index_dir, check_files(paths), **options)


@under_lock
def build_index(
    index_dir: Path,
    articles: Iterable[Article],
    *,
    batch_size: int = BATCH_SIZE,
    procs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Create a fresh index in index_dir holding articles with unique ids; return their count."""
    count = 0
    with Batch(fresh_index(index_dir), batch_size, procs=procs) as batch:
        for article in articles:
            batch.write(article, fingerprint(article), replace=False)
            count += 1
            if progress:
                progress(1)
    return count


@under_lock
def delete_articles(index_dir: Path, ids: list[str]) -> list[str]:
    """Remove the articles with these ids and return the ids that were not in the index."""
    ix = open_index(index_dir)
    discard_uncommitted(ix)
    sources = Sources.load(index_dir)
    with Batch(ix, batch_size=len(ids) + 1) as batch:
        missing = [i for i in ids if not batch.delete(i)]
    # A deleted article stays deleted until its file changes: no file holds it any more.
    if sources.disown(ids):
        sources.save()
    update_derived(index_dir)
    return missing


def store_article(batch: Batch, committed: Committed, article: Article) -> Outcome:
    """Add article, replace its committed version or keep it; return which was done."""
    digest = fingerprint(article)
    known = committed.fingerprint(article.id)
    if known == digest:
        return "unchanged"
    batch.write(article, digest, replace=known is not None)
    return "added" if known is None else "updated"


def fresh_index(index_dir: Path):
    """Create an empty index in index_dir, forgetting the files the previous one held."""
    # Forgotten first: should the rebuild stop half-way, every file is read again next time.
    clear_sources(index_dir)
    clear_duplicates(index_dir)
    clear_topics(index_dir)
    clear_view(index_dir)
    clear_definitions(index_dir)
    return create_index(index_dir)


def open_or_create_index(index_dir: Path):
    """Return the index in index_dir, created empty if there is none."""
    try:
        return open_index(index_dir)
    except IndexMissing:
        return create_index(index_dir)


def committed_ids(index_dir: Path) -> set[str]:
    """Return the ids of the articles the index in index_dir holds; none if it has no index.

    :raises IndexIncompatible: if another version of Fouille wrote the index.
    """
    try:
        ix = open_index(index_dir)
    except IndexMissing:
        return set()
    held: set[str] = set()
    with ix.searcher() as searcher:
        for data, segment, _ in reader_segments(searcher.reader()):
            deleted = set(segment.deleted_docs())
            held.update(i for docnum, i in enumerate(data.ids) if docnum not in deleted)
    return held


def _valid_articles(
    files: list[Path], errors: list[InputError], notes: list[InputNote] | None = None
) -> Iterator[Article]:
    """Yield each valid article of the files, appending every problem found to errors."""
    seen: dict[str, str] = {}
    for path in files:
        yield from file_articles(path, seen, errors, notes)


def file_articles(
    path: Path | str,
    seen: dict[str, str],
    errors: list[InputError],
    notes: list[InputNote] | None = None,
) -> Iterator[Article]:
    """Yield the valid articles of one file whose id is not in seen, recording where each was.

    Every problem found, including an id already seen, is appended to errors; every note on
    how the file was read, to notes when given.
    """
    for line, item in read_articles(path):
        if isinstance(item, InputNote):
            if notes is not None:
                notes.append(item)
        elif isinstance(item, InputError):
            errors.append(item)
        elif item.id in seen:
            errors.append(
                InputError(
                    str(path),
                    line,
                    "id",
                    f"id {item.id!r} is already used at "
                    f"{seen[item.id]}; give each article its own id",
                )
            )
        else:
            seen[item.id] = f"{path}, line {line}"
            yield item


class Committed:
    """The fingerprint of each article as the index held it when the searcher was opened."""

    def __init__(self, searcher):
        self.segments = [(data, seg) for data, seg, _ in reader_segments(searcher.reader())]

    def fingerprint(self, article_id: str) -> str | None:
        """Return the committed fingerprint of article_id, or None if it is not indexed."""
        term = article_id.encode("utf-8")
        for data, segment in self.segments:
            index = data.find("id", term)
            if index is None:
                continue
            for docnum in data.docs("id", index).tolist():
                if not segment.is_deleted(docnum):
                    return data.fingerprint(docnum)
        return None


class Batch:
    """A writer that commits every batch_size changes, so a crash loses one batch at most.

    on_commit is called after each commit, once the changes written so far are on disk.
    With procs above 1, each commit's articles are analysed and written by that many
    processes, each adding its own segment to the index; the processes last as long as the
    batch writer, so that what they learn of the vocabulary serves every commit. A pool
    given (the shards of one index share theirs) is left running for its owner.
    """

    def __init__(
        self,
        ix,
        batch_size: int,
        on_commit: Callable[[], None] | None = None,
        procs: int = 1,
        pool: ProcessPoolExecutor | None = None,
    ):
        self.ix, self.batch_size, self.on_commit = ix, batch_size, on_commit
        self.procs = procs
        self.pending, self.writer, self.pool = 0, None, pool
        self._owns_pool = pool is None
        # Changes committed by this batch writer, for the message should the disk fill up.
        self.committed = 0
        self.segments = SegmentCounts()

    def write(self, article: Article, digest: str, replace: bool) -> None:
        """Add article, or replace the article with its id."""
        writer = self._open()
        if replace:
            writer.delete(article.id)
        writer.add(article, digest)
        self._count()

    def delete(self, article_id: str) -> int:
        """Delete the committed article with this id; return how many were deleted (0 or 1)."""
        deleted = self._open().delete(article_id)
        self._count()
        return deleted

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        # Commit the last batch on success; on any error or interruption drop it, whole.
        try:
            if kind is None:
                self.commit()
            else:
                self.cancel()
        finally:
            if self.pool is not None and self._owns_pool:
                self.pool.shutdown(cancel_futures=True)

    def commit(self, phase: Callable[[str, int], None] | None = None) -> None:
        """Commit what was written since the last commit, if anything.

        phase, if given, is told the steps of the commit (``SegmentWriter.commit``).

        :raises DiskFull: if the disk fills up; the batch is dropped, its files deleted.
        """
        if self.writer is None:
            return
        writer, self.writer = self.writer, None
        try:
            self.segments.add(writer.commit(phase))
        except OSError as error:
            discard_uncommitted(self.ix)
            if error.errno in NO_SPACE:
                raise DiskFull(self._full_message()) from None
            raise
        self.committed += self.pending
        self.pending = 0
        if self.on_commit:
            self.on_commit()

    def cancel(self) -> None:
        """Drop what was written since the last commit, and delete its files."""
        writer, self.writer = self.writer, None
        if writer is not None:
            writer.cancel()
            discard_uncommitted(self.ix)

    def _full_message(self) -> str:
        return (
            f"no space left on the disk of {self.ix.storage.folder}: "
            f"{counted(self.committed, 'change')} of this run committed and kept, the last "
            f"{counted(self.pending, 'change')} dropped; free some space and run the same "
            "command again to write the rest"
        )

    def _open(self) -> SegmentWriter:
        if self.writer is None:
            if self.procs > 1 and self.pool is None:
                self.pool = worker_pool(self.procs)
            self.writer = SegmentWriter(self.ix, self.pool, self.procs)
        return self.writer

    def _count(self) -> None:
        self.pending += 1
        if self.pending >= self.batch_size:
            self.commit()


def worker_pool(procs: int) -> ProcessPoolExecutor:
    """Return a pool of procs processes that analyse and write parts of a batch."""
    return ProcessPoolExecutor(
        procs, mp_context=_WORKERS, initializer=_end_with, initargs=(os.getpid(),)
    )


def _end_with(parent: int) -> None:
    """Make this worker process end as soon as the indexing process does, however it ends."""

    def watch() -> None:
        while True:
            time.sleep(0.5)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                # Killed (kill -9, a crash): nobody will ever send this worker more work.
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


# Worker processes start from a server that has imported the indexing code already (fork is
# quicker but unsafe once the parent runs threads, as the progress bar does).
_WORKERS = multiprocessing.get_context("forkserver")
_WORKERS.set_forkserver_preload(["search.store.building"])
