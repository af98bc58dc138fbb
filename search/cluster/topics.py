"""One topic space for every shard: fitted on a sample across them, its basis in each.

The sample is the one a single index of the same articles would draw (the SAMPLE smallest
fingerprints, ``topic_fitting.sample_positions``), its stem counts read from each shard and
put in the columns of the stems of all shards. The basis is written once and copied, under
the same name, into every shard, each of which then gets the vectors of its own articles;
the same name in every shard's record is how a later run knows that they share one space.
Between fits, each shard folds its new articles in (``store/topics.py``); the space is
fitted again once the shards together hold GROWTH times the articles it was fitted on.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse

from ..store import topics as topic_space
from ..store.arrays import table_path
from ..store.clustering import live_fingerprints
from ..store.index import open_index
from ..store.topic_files import (
    FINGERPRINT,
    Record,
    RowWriter,
    new_name,
    read_record,
    write_record,
    write_space,
)
from ..store.topic_fitting import TextPostings, basis_of, sample_positions, unit, weighted
from ..store.topics import TopicsReport, clear_topics, fold_in_topics


def update_shared_topics(
    folders: list[Path], begin: Callable[[int], None] | None = None
) -> TopicsReport:
    """Fit the shards' space again across them when due, or fold each shard's new articles in.

    begin, if given, is told the number of articles before a fit. The caller holds the
    shards' locks.
    """
    started = time.perf_counter()
    report = TopicsReport()
    with ExitStack() as searchers:
        readers = [searchers.enter_context(open_index(f).searcher()).reader() for f in folders]
        lives = [live_fingerprints(reader) for reader in readers]
        report.articles = sum(len(live) for live in lives)
        if report.articles < topic_space.MIN_ARTICLES:
            for folder in folders:
                clear_topics(folder)
        elif _fit_due(folders, report.articles):
            if begin:
                begin(report.articles)
            fit_across(folders, readers, lives)
            report.fitted = True
    if report.articles >= topic_space.MIN_ARTICLES and not report.fitted:
        report.folded = sum(fold_in_topics(folder) for folder in folders)
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class _Shard:
    """What a fit reads of one shard: its text postings, its live articles, its stems' places."""

    folder: Path
    texts: TextPostings
    docnums: np.ndarray
    fingerprints: np.ndarray
    columns: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def counts(self, docnums: np.ndarray, width: int) -> sparse.csr_matrix:
        """Return the stem counts of docnums in the columns of the stems of every shard."""
        found = self.texts.counts(docnums).tocoo()
        return sparse.csr_matrix(
            (found.data, (found.row, self.columns[found.col])), shape=(found.shape[0], width)
        )


def fit_across(folders: list[Path], readers: list, lives: list[dict[str, int]]) -> None:
    """Fit one space on a sample of all shards' live articles; write it into every shard."""
    shards = [
        _Shard(
            folder,
            TextPostings(reader),
            np.fromiter(live.values(), dtype=np.int64, count=len(live)),
            np.array(list(live), dtype=f"S{FINGERPRINT}"),
        )
        for folder, reader, live in zip(folders, readers, lives, strict=True)
    ]
    stems = sorted(set().union(*(shard.texts.stems for shard in shards)))
    column = {stem: number for number, stem in enumerate(stems)}
    for shard in shards:
        shard.columns = np.array([column[s] for s in shard.texts.stems], dtype=np.int64)
    kept, idf, basis = basis_of(_sample_counts(shards, len(stems)), topic_space.DIMENSIONS)
    total = sum(len(shard.docnums) for shard in shards)
    space = write_space(folders[0], [stems[n] for n in kept.tolist()], idf, basis, total)
    for shard in shards[1:]:
        for name in (space, table_path(Path(space)).name):
            shutil.copyfile(folders[0] / name, shard.folder / name)
    for shard in shards:
        rows_file = new_name()
        with RowWriter(shard.folder, rows_file, 0, len(basis)) as rows:
            # In document order, a block reads only the segments that hold its articles.
            order = np.argsort(shard.docnums, kind="stable")
            for block in np.array_split(order, max(1, -(-len(order) // topic_space.BLOCK))):
                if len(block):
                    found = shard.counts(shard.docnums[block], len(stems))[:, kept]
                    rows.append(shard.fingerprints[block], unit(weighted(found, idf) @ basis.T))
        write_record(shard.folder, Record(space, rows_file, rows.rows, len(basis)))


def _sample_counts(shards: list[_Shard], width: int) -> sparse.csr_matrix:
    """Return the stem counts of the articles one index of all shards' would fit on."""
    sizes = [len(shard.fingerprints) for shard in shards]
    owners = np.repeat(np.arange(len(shards)), sizes)
    starts = np.cumsum([0, *sizes])
    chosen = sample_positions(np.concatenate([s.fingerprints for s in shards]), topic_space.SAMPLE)
    parts, places = [], []
    for number, shard in enumerate(shards):
        mine = np.flatnonzero(owners[chosen] == number)
        parts.append(shard.counts(shard.docnums[chosen[mine] - starts[number]], width))
        places.append(mine)
    # Rows in the sample's order, as one index's fit has them.
    return sparse.vstack(parts).tocsr()[np.argsort(np.concatenate(places))]


def _fit_due(folders: list[Path], articles: int) -> bool:
    """Tell whether the shards lack one shared space, or have grown past GROWTH since it."""
    records = [read_record(folder) for folder in folders]
    if any(record is None for record in records) or len({r.space for r in records}) > 1:
        return True
    topics = topic_space.load_topics(folders[0])
    return topics is None or articles >= topic_space.GROWTH * topics.fitted
