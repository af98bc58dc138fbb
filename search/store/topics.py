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

The space lives beside the index in ``fouille-topics.npz``: the fitted basis and vocabulary,
then each article's unit vector under its fingerprint (as the record of duplicates keys them).
Bringing it up to date reads the stems of articles new to it from their stored text and
projects them on the basis (folding in); once the archive holds GROWTH times the articles it
held when the basis was fitted, or when it holds none yet, the basis is fitted again from the
postings, on a sample of SAMPLE articles.
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
from scipy import sparse

from ..analysis.french import analyze
from .arrays import release, term_chunks, unpack_runs
from .clustering import live_fingerprints
from .codec import reader_segments
from .index import open_index
from .lock import under_lock
from .schema import TEXT_FIELDS
from .sidecar import replacing, stamp
from .view import load_view

SIDECAR = "fouille-topics.npz"
# The name of the topic vectors in an index version's view.
TOPIC = "topic_vectors"
FORMAT = 1
DIMENSIONS = 400
MIN_ARTICLES = 1000
# Articles the basis is fitted on, and articles projected at once: the fit's memory is bounded
# by these, not by the archive (docs/RELEVANCE.md gives the sample's effect on relevance).
SAMPLE = 40_000
BLOCK = 50_000
# Postings decoded at once.
CHUNK_POSTINGS = 1_000_000
GROWTH = 1.25
# The randomized SVD's extra dimensions and power iterations (Halko et al.'s p and q).
OVERSAMPLING = 20
ITERATIONS = 4


@dataclass(frozen=True)
class Topics:
    """A fitted topic space and the unit vectors of the articles it holds."""

    vocabulary: dict[str, int]
    idf: np.ndarray  # per stem of the vocabulary
    basis: np.ndarray  # topics × stems
    fingerprints: np.ndarray  # one per row of vectors
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
        return _unit(vector)


class TopicVectors:
    """A topic space with its article vectors by document number of one searcher.

    The space itself (basis and vocabulary) is read when a query first needs it.
    """

    def __init__(self, space: Callable[[], Topics | None], vectors: np.ndarray):
        self._space = space
        self.vectors = vectors  # per docnum, zero for an article the space does not hold

    @cached_property
    def topics(self) -> Topics | None:
        return self._space()

    def similarity(self, counts: Counter, docnums: np.ndarray) -> np.ndarray:
        """Return the cosine of weighted query stems and each of the documents."""
        if self.topics is None:
            return np.zeros(len(docnums), dtype=np.float32)
        return self.vectors[docnums].astype(np.float32) @ self.topics.project(counts)


class TopicsCache:
    """The topic vectors of an index's latest searcher, read again when either changes.

    The vectors come mapped from the index version's view (``view.py``) when it has one.
    """

    def __init__(self, index_dir: Path | str):
        self.index_dir = index_dir
        self._topics: tuple[tuple[int, int] | None, bool, Topics | None] | None = None
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
        if fits and view.made_from("topics", current) and TOPIC in view.arrays:
            query_space = lambda: self._space(current, vectors=False)  # noqa: E731
            self._vectors = TopicVectors(query_space, view.arrays[TOPIC])
        elif (topics := self._space(current)) is not None:
            vectors = aligned_vectors(searcher.reader(), topics)
            self._vectors = TopicVectors(lambda: topics, vectors)
        return self._vectors

    def _space(self, current: tuple[int, int], vectors: bool = True) -> Topics | None:
        # Held: the space of this file, read with its vectors or without them.
        if self._topics is None or self._topics[:2] not in ((current, True), (current, vectors)):
            topics = load_topics(self.index_dir, vectors)
            # Replaced while read: this request's vectors belong to the former space.
            if topics_stamp(self.index_dir) != current:
                return None
            self._topics = current, vectors, topics
        return self._topics[2]


@dataclass
class TopicsReport:
    """What bringing the topic space up to date did."""

    articles: int = 0
    fitted: bool = False
    folded: int = 0
    seconds: float = 0.0


@under_lock
def update_topics(index_dir: Path | str) -> TopicsReport:
    """Fold the articles new to the topic space in, or fit it again once the archive has grown.

    :raises IndexMissing: if index_dir holds no index.
    :raises IndexIncompatible: if the index cannot be read.
    """
    started = time.perf_counter()
    path = Path(index_dir) / SIDECAR
    topics = load_topics(index_dir)
    report = TopicsReport()
    with open_index(Path(index_dir)).searcher() as searcher:
        reader = searcher.reader()
        live = live_fingerprints(reader)
        report.articles = len(live)
        if len(live) < MIN_ARTICLES:
            path.unlink(missing_ok=True)
        elif topics is None or len(live) >= GROWTH * topics.fitted:
            _save(path, fit_topics(reader, live))
            report.fitted = True
        else:
            kept = np.isin(topics.fingerprints, list(live))
            known = set(topics.fingerprints[kept].tolist())
            new = [f for f in live if f not in known]
            report.folded = len(new)
            if new or not kept.all():
                rows = [topics.project(_stems(searcher.stored_fields(live[f]))) for f in new]
                vectors = np.vstack([topics.vectors[kept], *rows]).astype(np.float16)
                fingerprints = np.concatenate([topics.fingerprints[kept], np.array(new, str)])
                _save(path, replace(topics, fingerprints=fingerprints, vectors=vectors))
    report.seconds = time.perf_counter() - started
    return report


def fit_topics(reader, live: dict[str, int]) -> Topics:
    """Return a topic space fitted on a sample of the live articles, holding them all.

    The basis is learnt from at most SAMPLE articles; every article, sampled or not, is then
    projected on it BLOCK articles at a time, so that memory does not grow with the archive
    beyond the vectors themselves.
    """
    texts = _TextPostings(reader)
    fingerprints = np.array(list(live), dtype=str)
    docnums = np.fromiter(live.values(), dtype=np.int64, count=len(live))
    sample = docnums[_sample(fingerprints)]
    counts = texts.counts(sample)
    frequency = np.diff(counts.tocsc().indptr)
    # A stem in one article or in more than half of them tells nothing of topics.
    kept = np.flatnonzero((frequency >= 2) & (frequency <= len(sample) / 2))
    idf = np.log(len(sample) / frequency[kept]).astype(np.float32)
    weighted = _weighted(counts[:, kept], idf).astype(np.float32)
    del counts
    dimensions = min(DIMENSIONS, min(weighted.shape) // 2)
    basis = _randomized_basis(weighted, dimensions)
    del weighted
    vectors = np.zeros((len(docnums), dimensions), dtype=np.float16)
    # In document order, a block reads only the segments that hold its articles.
    order = np.argsort(docnums, kind="stable")
    for block in np.array_split(order, max(1, -(-len(order) // BLOCK))):
        if len(block):
            rows = _weighted(texts.counts(docnums[block])[:, kept], idf)
            vectors[block] = _unit(rows @ basis.T).astype(np.float16)
    return Topics(
        vocabulary={texts.stems[c]: i for i, c in enumerate(kept.tolist())},
        idf=idf,
        basis=basis.astype(np.float16),
        fingerprints=fingerprints,
        vectors=vectors,
        fitted=len(docnums),
    )


def load_topics(index_dir: Path | str, vectors: bool = True) -> Topics | None:
    """Return the topic space beside an index; None if it has none or it cannot be read.

    Without vectors, only what projects a query is read (the articles' vectors are the
    bulk of the file, and a search maps them from the view instead).
    An unreadable space is only derived data: the next update fits it again.
    """
    try:
        with np.load(Path(index_dir) / SIDECAR) as data:
            if int(data["format"]) != FORMAT:
                return None
            basis = data["basis"]
            return Topics(
                vocabulary={t: i for i, t in enumerate(data["vocabulary"].tolist())},
                idf=data["idf"],
                basis=basis,
                fingerprints=data["fingerprints"] if vectors else np.zeros(0, str),
                vectors=data["vectors"] if vectors else np.zeros((0, len(basis)), np.float16),
                fitted=int(data["fitted"]),
            )
    except (OSError, ValueError, KeyError, EOFError):
        return None


def clear_topics(index_dir: Path | str) -> None:
    """Forget the topic space of the index in index_dir."""
    (Path(index_dir) / SIDECAR).unlink(missing_ok=True)


def topics_stamp(index_dir: Path | str) -> tuple[int, int] | None:
    """Return the size and modification time of the topic space, None if there is none."""
    return stamp(Path(index_dir) / SIDECAR)


def aligned_vectors(reader, topics: Topics) -> np.ndarray:
    """Return the topic vector of each document of reader (zero if the space lacks it)."""
    rows = {fingerprint: row for row, fingerprint in enumerate(topics.fingerprints.tolist())}
    vectors = np.zeros((reader.doc_count_all(), topics.vectors.shape[1]), dtype=np.float16)
    for fingerprint, docnum in live_fingerprints(reader).items():
        row = rows.get(fingerprint)
        if row is not None:
            vectors[docnum] = topics.vectors[row]
    return vectors


class _TextPostings:
    """The postings of the text fields, read as documents × stems counts, a slice at a time."""

    def __init__(self, reader):
        self.size = reader.doc_count_all()
        fields = [
            (data, base, weight, fieldname, _all_terms(data, fieldname))
            for fieldname, weight in TEXT_FIELDS.items()
            for data, _, base in reader_segments(reader)
            if data.term_count(fieldname)
        ]
        # Stems in byte order: the space depends on the archive, not on how its segments
        # happen to be cut.
        self.stems = sorted({term for *_, terms in fields for term in terms})
        column = {stem: number for number, stem in enumerate(self.stems)}
        self.fields = [
            (data, base, weight, name, np.array([column[t] for t in terms], dtype=np.int32))
            for data, base, weight, name, terms in fields
        ]

    def counts(self, docnums: np.ndarray) -> sparse.csr_matrix:
        """Return the BM25F-weighted stem frequencies of docnums (rows in their order)."""
        row_of = np.full(self.size, -1, dtype=np.int64)
        row_of[docnums] = np.arange(len(docnums))
        low, high = (int(docnums.min()), int(docnums.max()) + 1) if len(docnums) else (0, 0)
        rows, cols, values = [], [], []
        for data, base, weight, name, columns in self.fields:
            if base >= high or base + data.doc_count <= low:
                continue
            for first, end in term_chunks(data.arrays[f"{name}.df"], CHUNK_POSTINGS):
                docs, df = unpack_runs(data._runs(name, "docs"), first, end)
                freqs = unpack_runs(data._runs(name, "freqs"), first, end)[0]
                row = row_of[docs + base]
                held = row >= 0
                rows.append(row[held].astype(np.int32))
                cols.append(np.repeat(columns[first:end], df)[held])
                values.append(weight * freqs[held].astype(np.float32))
            release(data.arrays)
        if not rows:
            return sparse.csr_matrix((len(docnums), len(self.stems)), dtype=np.float32)
        matrix = sparse.csr_matrix(
            (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
            shape=(len(docnums), len(self.stems)),
        )
        matrix.sum_duplicates()
        return matrix


def _sample(fingerprints: np.ndarray) -> np.ndarray:
    """Return the positions of the articles the basis is fitted on, in their order.

    Fingerprints are content hashes: the smallest SAMPLE are a random sample that the same
    archive always gives, however it was indexed.
    """
    if len(fingerprints) <= SAMPLE:
        return np.arange(len(fingerprints))
    return np.sort(np.argsort(fingerprints, kind="stable")[:SAMPLE])


def _weighted(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Return ``(1 + log tf) × idf`` of counts, rows of unit length."""
    weighted = counts.copy()
    weighted.data = 1 + np.log(weighted.data)
    weighted = weighted.multiply(idf[None, :]).tocsr()
    # Unit rows, so that long articles do not make the topics on their own.
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    return sparse.diags(1 / np.maximum(norms, 1e-12)) @ weighted


def _all_terms(data, fieldname: str) -> list[str]:
    return [_text(data.term_at(fieldname, i)) for i in range(data.term_count(fieldname))]


def _randomized_basis(matrix, dimensions: int) -> np.ndarray:
    """Return the top right singular vectors of a sparse matrix (topics × columns)."""
    # A fixed seed: the same archive always gives the same space, hence the same ranking.
    sample = np.random.default_rng(0).standard_normal(
        (matrix.shape[1], dimensions + OVERSAMPLING), dtype=np.float32
    )
    rows, _ = np.linalg.qr(matrix @ sample)
    for _ in range(ITERATIONS):
        columns, _ = np.linalg.qr(matrix.T @ rows)
        rows, _ = np.linalg.qr(matrix @ columns)
    _, _, basis = np.linalg.svd((matrix.T @ rows).T, full_matrices=False)
    return basis[:dimensions]


def _stems(fields: dict) -> Counter:
    """Return a stored article's stems with their frequencies weighted as in the index."""
    counts: Counter = Counter()
    for fieldname, weight in TEXT_FIELDS.items():
        for stem in analyze(fields.get(fieldname) or ""):
            counts[stem] += weight
    return counts


def _save(path: Path, topics: Topics) -> None:
    with replacing(path, binary=True) as out:
        np.savez(
            out,
            format=FORMAT,
            vocabulary=np.array(list(topics.vocabulary), dtype=str),
            idf=topics.idf,
            basis=topics.basis,
            fingerprints=topics.fingerprints,
            vectors=topics.vectors,
            fitted=topics.fitted,
        )


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term
