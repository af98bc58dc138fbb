"""A topic space of the archive: which articles speak of the same things, in other words.

A passage pasted as a query (a lead, a paragraph) paraphrases the article it comes from as much
as it quotes it, and word matching alone ranks above it the articles of the same story that
happen to repeat more of its words. Latent semantic analysis (Deerwester et al., 1990) places
articles and queries in a space of DIMENSIONS topics learnt from the archive itself: a
truncated SVD of the article-by-stem matrix (stem frequencies of title, lead and text weighted
as BM25F weighs them, then ``(1 + log tf) × log(N / df)``, rows of unit length), computed by a
randomized SVD (Halko, Martinsson and Tropp, 2011). The cosine of a query and an article in
that space is one of the signals ``ranking/ranker.py`` rescores sentence-long queries with
(docs/RELEVANCE.md).

The space lives beside the index (``topic_files.py``): the fitted basis and vocabulary in a
file written once per fit, each article's unit vector under its fingerprint (as the record of
duplicates keys them) in files that folding in appends to. Bringing it up to date reads the
stems of articles new to it from their stored text and projects them on the basis (folding
in); once the archive holds GROWTH times the articles it held when the basis was fitted, or
when it holds none yet, the basis is fitted again from the postings, on a sample of SAMPLE
articles.
Under MIN_ARTICLES articles there is no space: too few articles to learn topics from.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import numpy as np

from ..analysis.french import analyze
from .clustering import live_fingerprints
from .index import open_index
from .lock import under_lock
from .schema import TEXT_FIELDS
from .topic_files import (
    FINGERPRINT,
    Record,
    RowWriter,
    clear_files,
    new_name,
    read_record,
    read_rows,
    read_space,
    record_stamp,
    write_record,
    write_space,
)
from .topic_fitting import TextPostings, fit_basis, sample_positions, unit, weighted
from .view import load_view

# The name of the rows of the articles' topic vectors in an index version's view.
TOPIC = "topic_rows"
DIMENSIONS = 400
MIN_ARTICLES = 1000
# Articles the basis is fitted on, and articles projected at once: the fit's memory is bounded
# by these, not by the archive (docs/RELEVANCE.md gives the sample's effect on relevance).
SAMPLE = 40_000
BLOCK = 50_000
# Articles folded in between two writes.
FOLD = 1_000
GROWTH = 1.25


@dataclass(frozen=True)
class Topics:
    """A fitted topic space and the unit vectors of the articles it holds."""

    vocabulary: dict[str, int]
    idf: np.ndarray  # per stem of the vocabulary
    basis: np.ndarray  # topics × stems
    fingerprints: np.ndarray  # bytes, one per row of vectors
    vectors: np.ndarray  # articles × topics, unit length
    fitted: int  # how many articles the archive held when the basis was fitted

    def project(self, counts: Counter) -> np.ndarray:
        """Return the unit topic vector of weighted stem counts (zero if none is known)."""
        held = [(self.vocabulary[t], c) for t, c in counts.items() if t in self.vocabulary]
        vector = np.zeros(len(self.basis), dtype=np.float32)
        if held:
            columns = [column for column, _ in held]
            weights = (1 + np.log([c for _, c in held])) * self.idf[columns]
            vector = self.basis[:, columns].astype(np.float32) @ weights.astype(np.float32)
        return unit(vector)


class TopicVectors:
    """A topic space with the row of each article's vector, by document number of a searcher.

    The space (basis, vocabulary, the vectors' file) is mapped when a query first needs it.
    """

    def __init__(self, space: Callable[[], Topics | None], rows: np.ndarray):
        self._space = space
        self.rows = rows  # per docnum, -1 for an article the space does not hold

    @cached_property
    def topics(self) -> Topics | None:
        return self._space()

    def similarity(self, counts: Counter, docnums: np.ndarray) -> np.ndarray:
        """Return the cosine of weighted query stems and each of the documents."""
        found = np.zeros(len(docnums), dtype=np.float64)
        if self.topics is None:
            return found
        rows = self.rows[docnums]
        held = rows >= 0
        vectors = self.topics.vectors[rows[held]].astype(np.float64)
        # Row by row, not a matrix product: BLAS rounds a row differently as the rows it
        # is given vary, and a shard's part of a window must score as the whole window does.
        found[held] = (vectors * self.topics.project(counts).astype(np.float64)).sum(axis=1)
        return found


class TopicsCache:
    """The topic vectors of an index's latest searcher, read again when either changes.

    The rows come mapped from the index version's view (``view.py``) when it has one.
    """

    def __init__(self, index_dir: Path | str):
        self.index_dir = index_dir
        self._topics: tuple[tuple[int, int] | None, Topics | None] | None = None
        self._key = None
        self._vectors: TopicVectors | None = None

    def get(self, searcher, generation) -> TopicVectors | None:
        """Return the topic vectors of searcher, whose index is at generation; None if none."""
        current = topics_stamp(self.index_dir)
        if self._key == (generation, current):
            return self._vectors
        self._key, self._vectors = (generation, current), None
        if current is None:
            return None
        view = load_view(self.index_dir, generation)
        fits = view is not None and view.fits(searcher.reader())
        space = lambda: self._space(current)  # noqa: E731
        if fits and view.made_from("topics", current) and TOPIC in view.arrays:
            self._vectors = TopicVectors(space, view.arrays[TOPIC])
        elif (topics := space()) is not None:
            self._vectors = TopicVectors(space, aligned_rows(searcher.reader(), topics))
        return self._vectors

    def _space(self, current: tuple[int, int]) -> Topics | None:
        # Held: the space of this record.
        if self._topics is None or self._topics[0] != current:
            topics = load_topics(self.index_dir)
            # Replaced while read: this request's rows belong to the former space.
            if topics_stamp(self.index_dir) != current:
                return None
            self._topics = current, topics
        return self._topics[1]


@dataclass
class TopicsReport:
    """What bringing the topic space up to date did."""

    articles: int = 0
    fitted: bool = False
    folded: int = 0
    seconds: float = 0.0


@under_lock
def update_topics(
    index_dir: Path | str, begin: Callable[[int], None] | None = None
) -> TopicsReport:
    """Fold the articles new to the topic space in, or fit it again once the archive has grown.

    begin, if given, is told the number of articles to fit on or fold in, before it is done.

    :raises IndexMissing: if index_dir holds no index.
    :raises IndexIncompatible: if the index cannot be read.
    """
    started = time.perf_counter()
    folder = Path(index_dir)
    record = read_record(folder)
    topics = _load(folder, record) if record else None
    report = TopicsReport()
    with open_index(folder).searcher() as searcher:
        reader = searcher.reader()
        live = live_fingerprints(reader)
        report.articles = len(live)
        if len(live) < MIN_ARTICLES:
            clear_topics(folder)
        elif topics is None or len(live) >= GROWTH * topics.fitted:
            if begin:
                begin(len(live))
            fit_topics(folder, reader, live)
            report.fitted = True
        else:
            report.folded = _fold_in(folder, record, topics, searcher, live, begin)
    report.seconds = time.perf_counter() - started
    return report


def fold_in_topics(index_dir: Path | str, begin: Callable[[int], None] | None = None) -> int:
    """Fold the live articles the index's topic space lacks into it; return how many.

    A shard's space is fitted across shards: it is never fitted again from one shard.
    """
    folder = Path(index_dir)
    record = read_record(folder)
    topics = _load(folder, record) if record else None
    if topics is None:
        return 0
    with open_index(folder).searcher() as searcher:
        live = live_fingerprints(searcher.reader())
        return _fold_in(folder, record, topics, searcher, live, begin)


def fit_topics(index_dir: Path | str, reader, live: dict[str, int]) -> None:
    """Fit a topic space on a sample of the live articles and write it with all their vectors.

    The basis is learnt from at most SAMPLE articles; every article, sampled or not, is then
    projected on it BLOCK articles at a time and its vector appended to the file, so that
    memory does not grow with the archive.
    """
    folder = Path(index_dir)
    texts = TextPostings(reader)
    fingerprints = np.array(list(live), dtype=f"S{FINGERPRINT}")
    docnums = np.fromiter(live.values(), dtype=np.int64, count=len(live))
    sample = docnums[sample_positions(fingerprints, SAMPLE)]
    kept, idf, basis = fit_basis(texts, sample, DIMENSIONS)
    stems = [texts.stems[column] for column in kept.tolist()]
    space, name = write_space(folder, stems, idf, basis, fitted=len(docnums)), new_name()
    with RowWriter(folder, name, 0, len(basis)) as rows:
        # In document order, a block reads only the segments that hold its articles.
        order = np.argsort(docnums, kind="stable")
        for block in np.array_split(order, max(1, -(-len(order) // BLOCK))):
            if len(block):
                counts = weighted(texts.counts(docnums[block])[:, kept], idf)
                rows.append(fingerprints[block], unit(counts @ basis.T))
    write_record(folder, Record(space, name, rows.rows, len(basis)))


def load_topics(index_dir: Path | str) -> Topics | None:
    """Return the topic space beside an index; None if it has none or it cannot be read.

    Its files are mapped, not read. An unreadable space is only derived data: the next
    update fits it again.
    """
    folder = Path(index_dir)
    record = read_record(folder)
    return _load(folder, record) if record else None


def clear_topics(index_dir: Path | str) -> None:
    """Forget the topic space of the index in index_dir."""
    clear_files(Path(index_dir))


def topics_stamp(index_dir: Path | str) -> tuple[int, int] | None:
    """Return the size and time of the topic space's record, None if there is none.

    Every fit and every append replaces the record, so the stamp changes with the vectors.
    """
    return record_stamp(Path(index_dir))


def aligned_rows(reader, topics: Topics) -> np.ndarray:
    """Return the row of each document of reader in the space's vectors (-1 if it lacks it)."""
    rows = np.full(reader.doc_count_all(), -1, dtype=np.int32)
    live = live_fingerprints(reader)
    found, held = _rows_of(topics.fingerprints, live)
    rows[np.fromiter(live.values(), dtype=np.int64, count=len(live))[found]] = held
    return rows


def _load(folder: Path, record: Record) -> Topics | None:
    try:
        vocabulary, idf, basis, fitted = read_space(folder, record)
        fingerprints, rows = read_rows(folder, record)
        return Topics(vocabulary, idf, basis, fingerprints, rows, fitted)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _fold_in(folder: Path, record: Record, topics: Topics, searcher, live: dict, begin) -> int:
    """Append the vectors of the live articles the space lacks; return how many.

    Deleted articles' rows stay (they are looked up by fingerprint) until they outnumber the
    live ones: the live rows are then copied into new files.
    """
    found, rows = _rows_of(topics.fingerprints, live)
    new = [fingerprint for fingerprint, held in zip(live, found, strict=True) if not held]
    if len(topics.fingerprints) - len(rows) > len(rows) + len(new):
        name, first = new_name(), 0
    elif new:
        name, first = record.rows_file, record.rows
    else:
        return 0
    if begin:
        begin(len(new) or len(rows))
    with RowWriter(folder, name, first, record.dimensions) as writer:
        if first == 0:
            for start in range(0, len(rows), BLOCK):
                kept = np.sort(rows[start : start + BLOCK])
                writer.append(topics.fingerprints[kept], topics.vectors[kept])
        for start in range(0, len(new), FOLD):
            chunk = new[start : start + FOLD]
            stems = [_stems(searcher.stored_fields(live[f])) for f in chunk]
            writer.append(chunk, np.array([topics.project(s) for s in stems]))
    write_record(folder, replace(record, rows_file=name, rows=writer.rows))
    return len(new)


def _rows_of(fingerprints: np.ndarray, live: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Return which live articles (in live's order) have a row, and the rows of those that do."""
    wanted = np.array(list(live), dtype=f"S{FINGERPRINT}")
    if not len(fingerprints):
        return np.zeros(len(wanted), dtype=bool), np.zeros(0, np.int64)
    order = np.argsort(fingerprints, kind="stable")
    place = np.minimum(np.searchsorted(fingerprints, wanted, sorter=order), len(order) - 1)
    rows = order[place]
    found = fingerprints[rows] == wanted
    return found, rows[found]


def _stems(fields: dict) -> Counter:
    """Return a stored article's stems with their frequencies weighted as in the index."""
    counts: Counter = Counter()
    for fieldname, weight in TEXT_FIELDS.items():
        for stem in analyze(fields.get(fieldname) or ""):
            counts[stem] += weight
    return counts
