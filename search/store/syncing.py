"""Keep an index in step with folders that grow, reading only new or changed files.

A pass compares each input file with what the index's record of files (``sources.py``) says
it held. A file whose size and modification time are unchanged is not opened; one whose
content hash is unchanged is not parsed. New and changed files are checked, then their articles
added or updated, and the articles that left a changed file are deleted. With prune, so are
the articles of files gone from the folders given. A watch repeats passes until interrupted.
Feed URLs are not files: they are fetched and compared article by article on every pass.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import DiskFull, IndexLocked, InputError, InvalidInput
from ..ingest import collect_files
from ..models import InputNote
from .derived import update_derived
from .index import discard_uncommitted
from .indexing import (
    BATCH_SIZE,
    Batch,
    Committed,
    IndexReport,
    committed_ids,
    file_articles,
    fresh_index,
    open_or_create_index,
    store_article,
)
from .lock import writing
from .sources import SourceFile, Sources, hash_file, source_key, stat_file


@dataclass
class SyncPlan:
    """What a pass will read, skip and remove, checked before anything is written."""

    index_dir: Path
    sources: Sources
    rebuild: bool
    passed_over: list[Path]
    # New or changed files, and feed URLs, with the size, mtime and hash of each file.
    read: list[Path | str] = field(default_factory=list)
    states: dict[str, SourceFile] = field(default_factory=dict)
    # Files not read, and the new mtime of those whose content is the same.
    unchanged: list[str] = field(default_factory=list)
    touched: dict[str, SourceFile] = field(default_factory=dict)
    # Where each id is: in a file not read (for duplicate checks), or in one read now.
    known: dict[str, str] = field(default_factory=dict)
    claims: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    # Recorded files whose articles the index had lost, with how many: they are read again.
    stale: dict[str, int] = field(default_factory=dict)
    valid: int = 0
    errors: list[InputError] = field(default_factory=list)
    notes: list[InputNote] = field(default_factory=list)


@dataclass
class SyncReport(IndexReport):
    """What a pass did: an indexing run's counts, plus the files it did not read or lost."""

    read_files: int = 0
    unchanged_files: int = 0
    unread_articles: int = 0
    invalid_earlier: int = 0
    removed: int = 0
    pruned: int = 0
    pruned_files: list[Path] = field(default_factory=list)
    missing_files: list[Path] = field(default_factory=list)
    missing_articles: int = 0
    stale_files: int = 0
    stale_articles: int = 0


@dataclass
class WatchReport:
    """What a watch did over all its passes."""

    passes: int = 0
    busy: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    pruned: int = 0
    skipped: int = 0
    interrupted: bool = False

    def add(self, report: SyncReport) -> None:
        """Count one pass."""
        self.passes += 1
        self.added += report.added
        self.updated += report.updated
        self.removed += report.removed
        self.pruned += report.pruned
        self.skipped += len(report.skipped)


def check_sync(
    index_dir: Path,
    paths: list[Path | str],
    *,
    rebuild: bool = False,
    held: Callable[[Path], set[str]] = committed_ids,
) -> SyncPlan:
    """Find the new and changed files under paths and check their records.

    held gives the ids of the articles the index holds (a sharded index: all its shards').

    :raises UnsupportedInput: for a missing path or an unknown format.
    :raises IndexIncompatible: if the index's record of files cannot be read.
    """
    files, passed_over = collect_files(paths)
    sources = Sources(index_dir) if rebuild else Sources.load(index_dir)
    plan = SyncPlan(Path(index_dir), sources, rebuild, passed_over)
    if not rebuild:
        # The segments are the truth: a record naming articles they lack is made to follow.
        plan.stale = sources.keep_held(held(Path(index_dir)))
    for file in files:
        _classify(plan, file)
    seen = dict(plan.known)
    for file in plan.read:
        for article in file_articles(file, seen, plan.errors, plan.notes):
            plan.claims[article.id] = _key(file)
            plan.valid += 1
    present = {_key(file) for file in files}
    folders = [Path(path) for path in paths if Path(path).is_dir()]
    plan.missing = [key for key in sources.under(folders) if key not in present]
    return plan


def apply_sync(
    plan: SyncPlan,
    *,
    prune: bool = False,
    skip_invalid: bool = False,
    batch_size: int = BATCH_SIZE,
    procs: int = 1,
    progress: Callable[[int], None] | None = None,
    phase: Callable[[str, int], None] | None = None,
) -> SyncReport:
    """Index the new and changed files of a checked plan and delete what left them.

    progress is told of each article read; phase, of each step after the last is read that
    has work to do, with its count (Writing, Merging, then ``derived.PHASES``).

    :raises InvalidInput: if the plan holds errors and skip_invalid is false; nothing is written.
    :raises IndexLocked: if another process is writing to the index.
    :raises DiskFull: if the disk fills up; committed batches are kept, the last is dropped.
    :raises DuplicatesUnreadable: if the record of duplicates cannot be read (articles are kept).
    """
    if plan.errors and not skip_invalid:
        raise InvalidInput(plan.errors[0].path, plan.errors)
    with writing(plan.index_dir):
        return _apply(plan, prune, batch_size, procs, progress, phase)


def _apply(plan: SyncPlan, prune, batch_size, procs, progress, phase=None) -> SyncReport:
    started = time.perf_counter()
    ix = fresh_index(plan.index_dir) if plan.rebuild else open_or_create_index(plan.index_dir)
    discard_uncommitted(ix)
    with ix.searcher() as searcher:
        batch = Batch(ix, batch_size, procs=procs)
        report = write_changes(plan, batch, Committed(searcher), prune, progress, phase)
    report.seconds = time.perf_counter() - started
    report.derive(update_derived(plan.index_dir, phase))
    return report


def write_changes(
    plan: SyncPlan,
    batch: Batch,
    committed: Committed,
    prune: bool = False,
    progress: Callable[[int], None] | None = None,
    phase: Callable[[str, int], None] | None = None,
) -> SyncReport:
    """Write a checked plan's changes through batch, recording each file once committed.

    batch is entered here and committed at the end; committed tells what the index held.
    """
    report = _new_report(plan)
    # Files are recorded only once a commit holds all they gave: see _remember.
    done: list[tuple[str, SourceFile | None]] = list(plan.touched.items())
    batch.on_commit = functools.partial(_remember, plan.sources, done)
    with batch:
        seen = dict(plan.known)
        for file in plan.read:
            _sync_file(plan, file, batch, committed, seen, report, done, progress)
        _remove_missing(plan, batch, report, done, prune)
        batch.commit(phase)
    _remember(plan.sources, done)
    report.segments = batch.segments
    return report


def sync_folders(
    index_dir: Path, paths: list[Path | str], *, rebuild: bool = False, **options
) -> SyncReport:
    """Check then index the new and changed files under paths; options are apply_sync's."""
    return apply_sync(check_sync(index_dir, paths, rebuild=rebuild), **options)


def watch_folders(
    index_dir: Path,
    paths: list[Path | str],
    *,
    interval: float = 30.0,
    passes: int | None = None,
    after_pass: Callable[[SyncReport], None] | None = None,
    on_busy: Callable[[IndexLocked | DiskFull], None] | None = None,
    rebuild: bool = False,
    **options,
) -> WatchReport:
    """Sync paths every interval seconds, skipping invalid records, until passes or Ctrl-C."""
    totals = WatchReport()
    try:
        while passes is None or totals.passes + totals.busy < passes:
            if totals.passes or totals.busy:
                time.sleep(interval)
            try:
                first = rebuild and not totals.passes
                report = sync_folders(
                    index_dir, paths, rebuild=first, skip_invalid=True, **options
                )
            except (IndexLocked, DiskFull) as error:
                # Another writer (fouille delete, say) holds the lock, or the disk is full:
                # what is committed stays, and the next pass tries again.
                totals.busy += 1
                if on_busy:
                    on_busy(error)
                continue
            totals.add(report)
            if after_pass:
                after_pass(report)
    except KeyboardInterrupt:
        # Ctrl-C is how a watch ends: what was committed stays, and the totals say what it was.
        totals.interrupted = True
    return totals


def _classify(plan: SyncPlan, file: Path | str) -> None:
    if isinstance(file, str):
        plan.read.append(file)
        return
    key = source_key(file)
    entry = plan.sources.files.get(key)
    try:
        size, mtime_ns = stat_file(file)
        if entry is not None and (entry.size, entry.mtime_ns) == (size, mtime_ns):
            _skip(plan, key, entry, file)
            return
        digest = hash_file(file)
    except OSError as error:
        message = f"cannot read it ({error.strerror}); check that it exists and is readable"
        plan.errors.append(InputError(str(file), None, None, message))
        return
    if entry is not None and entry.sha256 == digest:
        plan.touched[key] = replace(entry, size=size, mtime_ns=mtime_ns, ids=set(entry.ids))
        _skip(plan, key, entry, file)
    else:
        plan.read.append(file)
        plan.states[key] = SourceFile(size, mtime_ns, digest)


def _skip(plan: SyncPlan, key: str, entry: SourceFile, file: Path) -> None:
    plan.unchanged.append(key)
    plan.known.update(dict.fromkeys(entry.ids, str(file)))


def _sync_file(plan, file, batch, committed, seen, report, done, progress) -> None:
    errors: list[InputError] = []
    found: set[str] = set()
    for article in file_articles(file, seen, errors):
        report.count(store_article(batch, committed, article))
        found.add(article.id)
        if progress:
            progress(1)
    if isinstance(file, str):
        return
    key = source_key(file)
    old = plan.sources.files.get(key)
    kept: set[str] = set()
    for article_id in sorted(old.ids - found) if old else ():
        claimant = plan.claims.get(article_id)
        if claimant not in (None, key):
            continue  # It moved to another file of this pass, which now holds it.
        if errors or claimant == key:
            # An invalid record may be this article half-written: keep it until the file
            # reads cleanly, rather than lose it.
            kept.add(article_id)
        else:
            report.removed += batch.delete(article_id)
    done.append((key, replace(plan.states[key], ids=found | kept, invalid=len(errors))))


def _remove_missing(plan, batch, report, done, prune: bool) -> None:
    for key in plan.missing:
        # An id that a file of this pass now holds has moved there; it is not lost.
        ids = sorted(i for i in plan.sources.files[key].ids if i not in plan.claims)
        if not ids and key in plan.stale:
            done.append((key, None))  # Gone from the folder and from the index alike.
            continue
        if not prune:
            report.missing_files.append(Path(key))
            report.missing_articles += len(ids)
            continue
        for article_id in ids:
            report.pruned += batch.delete(article_id)
        report.pruned_files.append(Path(key))
        done.append((key, None))


def _remember(sources: Sources, done: list[tuple[str, SourceFile | None]]) -> None:
    """Record the files whose articles are all committed, and write the record."""
    if not done:
        return
    for key, entry in done:
        if entry is None:
            sources.forget(key)
        else:
            sources.record(key, entry)
    done.clear()
    sources.save()


def _new_report(plan: SyncPlan) -> SyncReport:
    entries = [plan.sources.files[key] for key in plan.unchanged]
    unread = sum(len(entry.ids) for entry in entries)
    return SyncReport(
        files=len(plan.read) + len(plan.unchanged),
        unchanged=unread,
        skipped=plan.errors,
        passed_over=plan.passed_over,
        notes=plan.notes,
        read_files=len(plan.read),
        unchanged_files=len(plan.unchanged),
        unread_articles=unread,
        invalid_earlier=sum(entry.invalid for entry in entries),
        stale_files=len(plan.stale),
        stale_articles=sum(plan.stale.values()),
    )


def _key(file: Path | str) -> str:
    return file if isinstance(file, str) else source_key(file)
