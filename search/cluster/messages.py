"""What crosses the network between a coordinator and its shards (``shard.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..store.statistics import Key


@dataclass(frozen=True)
class Version:
    """What a coordinator combines once per committed version of a shard."""

    generation: int
    size: int  # documents Whoosh counts, deleted ones included: N of idf
    documents: int  # live documents
    length_sums: dict[str, float]  # per field that keeps lengths, over live documents
    # The distinct title signatures of live titled articles, and how many hold each.
    titles: tuple[np.ndarray, np.ndarray]
    # Facet field → label key → spelling → live articles with it.
    spellings: dict[str, dict[str, dict[str, int]]]


@dataclass(frozen=True)
class Frequencies:
    """Document frequencies and occurrences of terms in one shard."""

    frequencies: dict[Key, int] = field(default_factory=dict)
    totals: dict[Key, float] = field(default_factory=dict)
    generation: int = 0  # the shard's version they were read from


@dataclass(frozen=True)
class Top:
    """A shard's best matches, best first: their keys, docnums and clusters (-1: none)."""

    keys: np.ndarray
    docnums: np.ndarray
    clusters: np.ndarray
    # Title words of each, when asked for (a question's feedback).
    words: tuple[tuple[str, ...], ...] = ()
    partial: bool = False
    capped: bool = False


@dataclass(frozen=True)
class Scored:
    """A shard's matches for a query: how many, its best, and what the page counts."""

    total: int
    top: Top
    terms: frozenset[str]
    clustered: np.ndarray  # the cluster key of each match that has copies
    # Facet name → (counts by label key of the articles without copies, distinct
    # (cluster, label key) pairs of those with copies).
    facets: dict[str, tuple[dict[str, int], set[tuple[int, str]]]]
    # The words typed that this shard does not know, with its known words close to them
    # (``suggestions.close_words``).
    close: dict[str, dict[str, int] | None]


@dataclass(frozen=True)
class TrendPart:
    """What a shard counts of trends: the filtered articles' days and clusters, each query's."""

    days: np.ndarray
    clusters: np.ndarray
    matches: list[np.ndarray]  # per query, places among the filtered articles
    facets: list[dict]  # per query, facet name → ``facet_counts``
    partial: bool
    capped: bool


@dataclass(frozen=True)
class ConcordancePart:
    """A shard's matching articles for a concordance, newest first, one per cluster here."""

    keys: np.ndarray  # dates, as ranking keys
    docnums: np.ndarray
    clusters: np.ndarray
    counts: np.ndarray  # lines of each
    total: int  # matching articles, duplicates included
    wanted: bool  # whether the query holds a word to show here
    partial: bool
    capped: bool
