"""The collection-wide numbers that ranking reads, apart from each document's own.

BM25F's idf reads the number of documents and each term's document frequency; its length
normalisation, each field's mean length; query likelihood, each term's occurrences and the
collection's length; title weighting, how distinct the titles are (τ); a prefix, the most
frequent terms it begins. :class:`Statistics` reads them from one snapshot, which is what one
index ranks by. A sharded archive ranks each shard by :class:`SharedStatistics`, the same
numbers summed over every shard (``search/cluster/``), so that each shard scores its articles
exactly as one index of the whole archive would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .schema import TEXT_FIELDS

Key = tuple[str, str]  # (field, term)


class Statistics:
    """The collection statistics of one snapshot: what one index ranks by."""

    def __init__(self, snapshot):
        """Read the numbers of snapshot (a ``snapshot.Snapshot``, which makes this object)."""
        self._snapshot = snapshot

    @property
    def documents(self) -> int:
        """Return N of idf: the documents Whoosh counts, deleted ones included as in df."""
        return self._snapshot.size

    @property
    def distinct_titles(self) -> float:
        """Return τ, the share of live articles whose title no other holds (``titles.py``)."""
        return self._snapshot.distinct_titles

    def frequency(self, fieldname: str, text: str) -> int:
        """Return how many documents hold a term (its postings' length)."""
        return len(self._snapshot.postings(fieldname, text).docs)

    def union_frequency(self, fieldnames: list[str], text: str, here: int) -> int:
        """Return how many documents hold a term in any of the fields; here: this snapshot's."""
        return here

    def occurrences(self, fieldname: str, text: str) -> float:
        """Return how often a term occurs (the sum of its postings' frequencies)."""
        return float(self._snapshot.postings(fieldname, text).freqs.sum(dtype=np.float64))

    def mean_length(self, fieldname: str) -> float:
        """Return a field's mean length over the live documents."""
        self._snapshot.field_lengths(fieldname)
        return self._snapshot.mean_length[fieldname]

    @cached_property
    def collection_length(self) -> float:
        """Return the live documents' words, each field weighted as in BM25F."""
        return collection_length(length_sums(self._snapshot))

    def expand(self, fieldname: str, prefix: str, limit: int) -> tuple[tuple[str, ...], bool]:
        """Return the limit most frequent terms beginning with prefix, and whether more do."""
        return self._snapshot.expand(fieldname, prefix, limit)


@dataclass(frozen=True)
class SharedStatistics:
    """Statistics summed over the shards of an archive, for the terms of one query.

    It answers as :class:`Statistics` does, for the terms it was given only.
    """

    documents: int
    distinct_titles: float
    lengths: dict[str, float]  # mean length by field
    collection_length: float
    frequencies: dict[Key, int] = field(default_factory=dict)
    totals: dict[Key, float] = field(default_factory=dict)
    # (field, prefix) → (its most frequent terms, whether more begin with it).
    expansions: dict[Key, tuple[tuple[str, ...], bool]] = field(default_factory=dict)

    def frequency(self, fieldname: str, text: str) -> int:
        """Return how many documents of the archive hold a term."""
        return self.frequencies[(fieldname, text)]

    def union_frequency(self, fieldnames: list[str], text: str, here: int) -> int:
        """Return how many documents of the archive hold a term in any of the fields."""
        return self.frequencies[(union_key(fieldnames), text)]

    def occurrences(self, fieldname: str, text: str) -> float:
        """Return how often a term occurs in the archive."""
        return self.totals[(fieldname, text)]

    def mean_length(self, fieldname: str) -> float:
        """Return a field's mean length over the archive's live documents."""
        return self.lengths.get(fieldname, 1.0)

    def expand(self, fieldname: str, prefix: str, limit: int) -> tuple[tuple[str, ...], bool]:
        """Return the prefix's expansion chosen over every shard."""
        return self.expansions[(fieldname, prefix)]

    def with_terms(self, frequencies: dict[Key, int], totals: dict[Key, float]):
        """Return these statistics knowing more terms' frequencies."""
        return SharedStatistics(
            self.documents,
            self.distinct_titles,
            self.lengths,
            self.collection_length,
            self.frequencies | frequencies,
            self.totals | totals,
            self.expansions,
        )


def length_sums(snapshot, fields=TEXT_FIELDS) -> dict[str, float]:
    """Return, per field that keeps lengths, the sum of its live documents' lengths."""
    sums = {}
    for name in fields:
        lengths = snapshot.field_lengths(name)
        if lengths is not None:
            # In float64: lengths are whole numbers, so sums over shards add up exactly.
            sums[name] = float(lengths[snapshot.live].sum(dtype=np.float64))
    return sums


def collection_length(sums: dict[str, float]) -> float:
    """Return the words of the live documents, each field weighted as in BM25F."""
    return sum(weight * sums[name] for name, weight in TEXT_FIELDS.items())


def union_key(fieldnames: list[str]) -> str:
    """Return the name under which a term's frequency in any of these fields is kept."""
    return "|".join(sorted(fieldnames))
