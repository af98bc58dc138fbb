"""The arithmetic of fitting a topic space: stem counts from the postings, a randomized SVD.

``topics.py`` decides when to fit and where the space goes; this module turns a sample of
articles into a basis, and a block of articles into their weighted stem counts.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
from scipy import sparse

from .arrays import release, term_chunks, unpack_runs
from .codec import reader_segments
from .schema import TEXT_FIELDS

# Postings decoded at once.
CHUNK_POSTINGS = 1_000_000
# The randomized SVD's extra dimensions and power iterations (Halko et al.'s p and q).
OVERSAMPLING = 20
ITERATIONS = 4


class TextPostings:
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


def sample_positions(fingerprints: np.ndarray, size: int) -> np.ndarray:
    """Return the positions of the articles the basis is fitted on, by fingerprint.

    Fingerprints are content hashes: the smallest size are a random sample that the same
    archive always gives, however it was indexed, and in an order that no layout changes (a
    fit's floating-point sums follow the order of its rows: shards must fit as one index).
    """
    return np.argsort(fingerprints, kind="stable")[:size]


def weighted(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Return ``(1 + log tf) × idf`` of counts, rows of unit length."""
    logs = counts.copy()
    logs.data = 1 + np.log(logs.data)
    logs = logs.multiply(idf[None, :]).tocsr()
    # Unit rows, so that long articles do not make the topics on their own.
    norms = np.sqrt(np.asarray(logs.multiply(logs).sum(axis=1)).ravel())
    return sparse.diags(1 / np.maximum(norms, 1e-12)) @ logs


def _all_terms(data, fieldname: str) -> list[str]:
    return [_text(data.term_at(fieldname, i)) for i in range(data.term_count(fieldname))]


def fit_basis(texts: TextPostings, sample: np.ndarray, dimensions: int) -> tuple[np.ndarray, ...]:
    """Return the columns of texts a space fitted on sample keeps, their idf and its basis.

    The basis (topics × kept columns, float32) has at most dimensions topics.
    """
    return basis_of(texts.counts(sample), dimensions)


def basis_of(counts: sparse.csr_matrix, dimensions: int) -> tuple[np.ndarray, ...]:
    """Return the columns a space fitted on these articles' stem counts keeps, idf, basis."""
    # Each row's stems in column order, whichever segments or shards they were read from.
    counts = counts.tocsr()
    counts.sum_duplicates()
    frequency = np.diff(counts.tocsc().indptr)
    articles = counts.shape[0]
    # A stem in one article or in more than half of them tells nothing of topics.
    kept = np.flatnonzero((frequency >= 2) & (frequency <= articles / 2))
    idf = np.log(articles / frequency[kept]).astype(np.float32)
    matrix = weighted(counts[:, kept], idf).astype(np.float32)
    del counts
    dimensions = min(dimensions, min(matrix.shape) // 2)
    return kept, idf, _randomized_basis(matrix, dimensions)


def _randomized_basis(matrix, dimensions: int) -> np.ndarray:
    """Return the top right singular vectors of a sparse matrix (topics × columns)."""
    # A fixed seed: the same archive always gives the same space, hence the same ranking.
    sample = np.random.default_rng(0).standard_normal(
        (matrix.shape[1], dimensions + OVERSAMPLING), dtype=np.float32
    )
    rows = _orthonormal(matrix @ sample)
    del sample
    for _ in range(ITERATIONS):
        columns = _orthonormal(matrix.T @ rows)
        rows = _orthonormal(matrix @ columns)
        del columns
    # In double precision, as numpy computes a float32 matrix's, but in place: numpy's own
    # svd holds twice as many copies, the largest arrays of the whole fit.
    projected = np.asfortranarray((matrix.T @ rows).T, dtype=np.float64)
    _, _, basis = scipy.linalg.svd(
        projected, full_matrices=False, overwrite_a=True, check_finite=False
    )
    return basis[:dimensions].astype(np.float32)


def _orthonormal(matrix: np.ndarray) -> np.ndarray:
    """Return the Q of a tall matrix's reduced QR decomposition, in the matrix's type."""
    # numpy's qr, in double precision for float32 too, copies the matrix four times; one
    # Fortran-ordered copy factored in place gives the same numbers.
    copy = np.asfortranarray(matrix, dtype=np.float64)
    q, _ = scipy.linalg.qr(copy, mode="economic", overwrite_a=True, check_finite=False)
    return q.astype(matrix.dtype)


def unit(vectors: np.ndarray) -> np.ndarray:
    """Return vectors scaled to unit length along their last axis (zero ones stay zero)."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term
