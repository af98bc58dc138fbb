"""BM25F scores and coordination for every document at once, over a snapshot's arrays.

BM25 with the probabilistic IDF of Robertson and Spärck Jones (Lucene's), each field saturated
separately and weighted by ``TEXT_FIELDS``; then coordination: a score is multiplied by the
share of the query's words the document holds, each word weighted by its rarity ("all words
matter, but an article need not hold them all"). Measured in ``docs/RELEVANCE.md``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from .schema import TEXT_FIELDS
from .snapshot import Snapshot

K1 = 1.2
# Stronger length normalisation than the usual 0.75: long articles mention many topics in
# passing (docs/RELEVANCE.md: +0.3 nDCG@10 on orangesum, neutral on PIAF).
B = 0.9
# A prefix query word stands for at most this many of its expansions.
MAX_PREFIX_TERMS = 200

Entry = tuple[str, str, bool]  # (field, term, is_prefix)


def bm25(snapshot: Snapshot, entries: Iterable[Entry]) -> np.ndarray:
    """Return every document's BM25F score for a set of query terms (0 if it holds none)."""
    scores = np.zeros(snapshot.size, dtype=np.float64)
    for fieldname, text in _terms(snapshot, entries):
        found = snapshot.postings(fieldname, text)
        docs, freqs = found.docs, found.freqs
        if not len(docs):
            continue
        weight = TEXT_FIELDS.get(fieldname, 1.0) * idf(
            snapshot.size, snapshot.frequency(fieldname, text)
        )
        lengths = snapshot.field_lengths(fieldname)
        if lengths is None:
            norm = 1.0
        else:
            mean = snapshot.mean_length[fieldname] or 1.0
            norm = (1 - B) + B * lengths[docs] / mean
        scores[docs] += weight * freqs * (K1 + 1) / (freqs + K1 * norm)
    return scores


def coordination(snapshot: Snapshot, groups: list[frozenset[Entry]]) -> np.ndarray:
    """Return the share of the query's words each document holds, weighted by their rarity."""
    held = np.zeros(snapshot.size, dtype=np.float64)
    total = 0.0
    for group in groups:
        frequency, holding = 1, np.zeros(snapshot.size, dtype=bool)
        for fieldname, text in _terms(snapshot, group):
            holding[snapshot.postings(fieldname, text).docs] = True
            frequency = max(frequency, snapshot.frequency(fieldname, text))
        # Holding a rare word of the query says more about an article than a common one.
        weight = math.log(1 + snapshot.size / frequency)
        held[holding] += weight
        total += weight
    return held / total if total else held


def idf(documents: int, frequency: int) -> float:
    """Return the probabilistic inverse document frequency of a term.

    Whoosh's own, ``log(N / (df + 1)) + 1``, never falls below 1: in a lead pasted as a query
    every common word would weigh at least a tenth of the rarest one and drown the words that
    identify the article; this one lets a word in half the articles weigh almost nothing.

    >>> round(idf(1000, 1), 2), round(idf(1000, 500), 2)
    (6.5, 0.69)
    """
    return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))


def _terms(snapshot: Snapshot, entries: Iterable[Entry]) -> list[tuple[str, str]]:
    """Return the index terms of the entries, prefixes expanded, each once."""
    terms: dict[tuple[str, str], None] = {}
    for fieldname, text, is_prefix in entries:
        if is_prefix:
            for term in snapshot.expand(fieldname, text, MAX_PREFIX_TERMS):
                terms[(fieldname, term)] = None
        else:
            terms[(fieldname, text)] = None
    return list(terms)
