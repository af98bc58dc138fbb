"""Build a sharded index: read and check the input once, route each article to its shard.

The indexing process (the driver) does what it does for one index: it reads the files that
are new or changed, checks every record, and decides for each article whether it is added,
replaced or unchanged (``store/syncing.py``). Each change goes to the writer of the
article's shard (``shard_of``), in the indexing process or a Ray actor; every batch_size
changes, all shards commit, and only then are the files they came from recorded. The one
record of files, ``fouille-sources.json``, sits beside ``fouille-cluster.json``: a file's
articles are spread over the shards, and it is read again unless every shard holds them.
"""

from __future__ import annotations

import functools
import shutil
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from ..errors import InvalidInput, ShardsMismatch
from ..models import Article
from ..store.indexing import BATCH_SIZE, committed_ids
from ..store.lock import LOCK, writing
from ..store.sources import Sources, clear_sources
from ..store.syncing import SyncPlan, SyncReport, check_sync, write_changes
from ..store.writer import SegmentCounts
from .derived import update_shared_derived
from .layout import CLUSTER_FILE, read_shards, shard_of, shard_paths, write_shards
from .shard_writer import LocalShards

# Changes sent to a shard's writer at once.
CHUNK = 500


@dataclass
class ShardedReport(SyncReport):
    """What a pass over a sharded index did, and how many articles each shard holds."""

    shard_articles: list[int] = field(default_factory=list)


def shard_count(index_dir: Path, shards: int | None, rebuild: bool = False) -> int | None:
    """Return how many shards index_dir is built with; None for one ordinary index.

    :raises ShardsMismatch: if shards differs from the index's own without rebuild.
    :raises IndexIncompatible: if its description of the shards cannot be read.
    """
    if shards is not None and rebuild:
        return shards  # Whatever the index was, it is split again.
    recorded = read_shards(index_dir)
    if shards is None or shards == recorded:
        return recorded
    if recorded is not None:
        raise ShardsMismatch(
            f"{index_dir}: the index is split into {recorded} shards, not {shards}; run "
            f"without --shards to keep {recorded}, or split it again with: "
            f"fouille index --rebuild --shards {shards} PATH"
        )
    if whoosh_index.exists_in(str(index_dir)):
        raise ShardsMismatch(
            f"{index_dir}: this is one index, not split into shards; split it with: "
            f"fouille index --rebuild --shards {shards} PATH"
        )
    return shards


def check_sharded(
    index_dir: Path, paths: list[Path | str], shards: int, *, rebuild: bool = False
) -> SyncPlan:
    """Find the new and changed files under paths and check their records (``check_sync``)."""
    held = functools.partial(sharded_ids, shards=shards)
    return check_sync(index_dir, paths, rebuild=rebuild, held=held)


def sharded_ids(index_dir: Path, shards: int) -> set[str]:
    """Return the ids of the articles every shard of index_dir holds."""
    return set().union(*(committed_ids(folder) for folder in shard_paths(index_dir, shards)))


def apply_sharded(
    plan: SyncPlan,
    shards: int,
    *,
    prune: bool = False,
    skip_invalid: bool = False,
    batch_size: int = BATCH_SIZE,
    procs: int = 1,
    cluster: str | None = None,
    progress: Callable[[int], None] | None = None,
    phase: Callable[[str, int], None] | None = None,
) -> ShardedReport:
    """Index a checked plan into shards, then bring what the shards share up to date.

    With cluster (``local`` or a Ray address), each shard is written by a Ray actor, with
    procs processes; without, in this process, with a pool of procs shared by the shards.
    Options and errors are those of ``apply_sync``.

    :raises ClusterUnavailable: if the Ray cluster cannot be started or reached.
    """
    if plan.errors and not skip_invalid:
        raise InvalidInput(plan.errors[0].path, plan.errors)
    folders = shard_paths(plan.index_dir, shards)
    with writing(plan.index_dir):
        started = time.perf_counter()
        # The cluster first: nothing is changed unless it can be reached.
        with _writers(folders, procs, cluster) as writers:
            if plan.rebuild:
                clear_layout(plan.index_dir)
            write_shards(plan.index_dir, shards)
            writers.wait([writers.call(shard, "open", plan.rebuild) for shard in range(shards)])
            committed = ShardedCommitted(writers, shards, list(plan.claims))
            batch = ShardedBatch(writers, shards, batch_size)
            report = write_changes(plan, batch, committed, prune, progress, phase)
        report = ShardedReport(**vars(report))
        report.seconds = time.perf_counter() - started
        report.derive(update_shared_derived(plan.index_dir, folders, phase))
        report.shard_articles = [len(committed_ids(folder)) for folder in folders]
    return report


def delete_sharded(index_dir: Path, shards: int, ids: list[str]) -> list[str]:
    """Remove the articles with these ids from their shards; return the ids none held."""
    folders = shard_paths(index_dir, shards)
    with writing(index_dir):
        sources = Sources.load(index_dir)
        with LocalShards(folders, procs=1) as writers:
            writers.wait([writers.call(shard, "open", False) for shard in range(shards)])
            with ShardedBatch(writers, shards, len(ids) + 1) as batch:
                missing = [article_id for article_id in ids if not batch.delete(article_id)]
        # As for one index: a deleted article stays deleted until its file changes.
        if sources.disown(ids):
            sources.save()
        update_shared_derived(index_dir, folders)
    return missing


def clear_layout(index_dir: Path) -> None:
    """Delete the shards, the record of files and any one index that index_dir held."""
    folder = Path(index_dir)
    clear_sources(folder)
    for path in folder.glob("shard-[0-9]*"):
        if path.is_dir():
            shutil.rmtree(path)
    # An index split into shards: its own files go (the same names as ``make clean``).
    kept = {LOCK, CLUSTER_FILE}
    for pattern in ("_MAIN_*", "MAIN_*", "*.seg", "fouille-*", ".fouille-*"):
        for path in folder.glob(pattern):
            if path.is_file() and path.name not in kept:
                path.unlink()
    shutil.rmtree(folder / "MAIN.tmp", ignore_errors=True)


def _writers(folders: list[Path], procs: int, cluster: str | None):
    if cluster is None:
        return LocalShards(folders, procs)
    from .ray_shards import RayShards

    return RayShards(folders, max(1, procs // len(folders)), cluster)


class ShardedCommitted:
    """The fingerprints the shards held when the run began, of the articles it reads."""

    def __init__(self, writers, shards: int, ids: list[str]):
        self.writers, self.shards = writers, shards
        wanted = defaultdict(list)
        for article_id in ids:
            wanted[shard_of(article_id, shards)].append(article_id)
        calls = [writers.call(s, "fingerprints", wanted[s]) for s in range(shards)]
        self.asked = set(ids)
        self.known = {i: digest for found in writers.wait(calls) for i, digest in found.items()}

    def fingerprint(self, article_id: str) -> str | None:
        """Return the committed fingerprint of article_id, or None if it is not indexed."""
        if article_id in self.asked:
            return self.known.get(article_id)
        # A file that changed since it was checked may hold an id not asked for.
        shard = shard_of(article_id, self.shards)
        [found] = self.writers.wait([self.writers.call(shard, "fingerprints", [article_id])])
        return found.get(article_id)


class ShardedBatch:
    """A batch writer over the shards: each change goes to its article's shard.

    Every batch_size changes, every shard commits, then on_commit is called: a file is
    recorded only once each shard has committed the articles it gave.
    """

    def __init__(self, writers, shards: int, batch_size: int):
        self.writers, self.shards, self.batch_size = writers, shards, batch_size
        self.on_commit: Callable[[], None] | None = None
        self.waiting: list[list[tuple[Article, str, bool]]] = [[] for _ in range(shards)]
        self.sent: list = []
        self.pending = 0
        self.segments = SegmentCounts()

    def write(self, article: Article, digest: str, replace: bool) -> None:
        """Add article, or replace the article with its id, in its shard."""
        shard = shard_of(article.id, self.shards)
        self.waiting[shard].append((article, digest, replace))
        if len(self.waiting[shard]) >= CHUNK:
            self._send(shard)
        self._count()

    def delete(self, article_id: str) -> int:
        """Delete the article with this id from its shard; return how many were deleted."""
        shard = shard_of(article_id, self.shards)
        self._send(shard)
        [deleted] = self.writers.wait([self.writers.call(shard, "delete", [article_id])])
        self._count()
        return deleted

    def commit(self, phase: Callable[[str, int], None] | None = None) -> None:
        """Commit every shard's changes since the last commit, if any."""
        if not self.pending:
            return
        for shard in range(self.shards):
            self._send(shard)
        if phase:
            phase("Writing", self.pending)
        self.writers.wait(self.sent)
        self.sent = []
        self.writers.wait([self.writers.call(s, "commit") for s in range(self.shards)])
        self.pending = 0
        if self.on_commit:
            self.on_commit()

    def __enter__(self) -> ShardedBatch:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        # As one index's batch: the last batch is committed on success, dropped otherwise.
        try:
            if kind is None:
                self.commit()
            else:
                self.writers.wait([self.writers.call(s, "cancel") for s in range(self.shards)])
        finally:
            counts = self.writers.wait([self.writers.call(s, "close") for s in range(self.shards)])
            for count in counts:
                self.segments.add(count)
            # The sharded index holds every shard's segments, not the last shard's.
            self.segments.held = sum(count.held for count in counts)

    def _send(self, shard: int) -> None:
        if self.waiting[shard]:
            self.sent.append(self.writers.call(shard, "write", self.waiting[shard]))
            self.waiting[shard] = []

    def _count(self) -> None:
        self.pending += 1
        if self.pending >= self.batch_size:
            self.commit()
