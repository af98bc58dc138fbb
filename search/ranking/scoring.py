"""BM25F scores and coordination for every document at once, over a snapshot's arrays.

BM25F with the probabilistic IDF of Robertson and Spärck Jones (Lucene's), fields weighted by
``TEXT_FIELDS``, over stems; then coordination over the words as written: a score is
multiplied by one plus the share of the query's words the document holds in the very form
typed, each word weighted by its rarity ("all words matter, the exact ones most, but an
article need not hold them all"). Measured in ``docs/RELEVANCE.md``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from ..limits import note_capped
from ..store.schema import FORMS, TEXT_FIELDS
from ..store.snapshot import Snapshot
from ..store.statistics import Statistics

K1 = 1.2
# Stronger length normalisation than the usual 0.75: long articles mention many topics in
# passing (docs/RELEVANCE.md: +0.3 nDCG@10 on orangesum, neutral on PIAF).
B = 0.9
# Queries with more distinct terms than this are passages pasted in (docs/RELEVANCE.md).
LONG_QUERY = 16
# Dirichlet smoothing of the query likelihood, in words (docs/RELEVANCE.md).
MU = 300.0
# A prefix query word (cyber*) stands for at most this many of its terms in each field, the
# most frequent: a prefix of a letter or two begins thousands of words, and searching them all
# would hold a worker for seconds (Elasticsearch's max_expansions is 50 by default).
MAX_EXPANSIONS = 50

Entry = tuple[str, str, bool]  # (field, term, is_prefix)


def bm25(
    snapshot: Snapshot,
    entries: Iterable[Entry],
    about: bool = False,
    stats: Statistics | None = None,
) -> np.ndarray:
    """Return every document's BM25F score for a set of query terms (0 if it holds none).

    A query of up to LONG_QUERY words is scored by BM25F proper: a word's frequencies in the
    title, lead and text, weighted and length-normalised, add up before one saturation, so
    that a word repeated across fields is not rewarded once per field. In that sum a short
    title's match drowns in a long text's; so the title's own BM25 (its words' rarity among
    titles, saturated on its own) is added, times τ, the share of articles whose title no
    other holds: much where each title says what its article is about (a FAQ's questions,
    news headlines), little where titles repeat (Wikipedia paragraphs under their article's
    name). A query that asks what an article is *about* (a question, a few words:
    ``shape.asks_about``) goes further: it saturates each field on its own, by the share τ,
    so that a title holding its words outranks a long text that repeats them. A longer query
    (a paragraph pasted in) saturates each field on its own, which ranked better there.

    The collection's numbers come from stats (by default the snapshot's own).
    """
    stats = stats or snapshot.statistics
    terms = index_terms(stats, entries)
    if is_passage(entries):
        return _per_field(snapshot, stats, terms)
    tau = stats.distinct_titles
    if about and tau:
        per_field = tau * _per_field(snapshot, stats, terms)
        return per_field if tau == 1 else per_field + (1 - tau) * _bm25f(snapshot, stats, terms)
    titles = [(fieldname, text) for fieldname, text in terms if fieldname == "title"]
    scores = _bm25f(snapshot, stats, terms)
    if titles and tau:
        scores += tau * _per_field(snapshot, stats, titles, weighted=False)
    return scores


def title_bm25(
    snapshot: Snapshot, words: Iterable[str], docnums: np.ndarray, stats: Statistics | None = None
) -> np.ndarray:
    """Return the documents' BM25 for words in their title alone (0 if it holds none).

    Reads only the titles' postings and scores only the given documents: the cost follows how
    many titles hold the words, not the size of the archive.
    """
    stats = stats or snapshot.statistics
    scores = np.zeros(len(docnums), dtype=np.float64)
    for word in dict.fromkeys(words):
        found = snapshot.postings("title", word)
        if not len(found.docs):
            continue
        rows, hit = found.rows(docnums)
        if hit.any():
            tf, norm = found.freqs[rows[hit]], _norm(snapshot, stats, "title", docnums[hit])
            weight = idf(stats.documents, stats.frequency("title", word))
            scores[hit] += weight * tf * (K1 + 1) / (tf + K1 * norm)
    return scores


def title_share(snapshot: Snapshot, words: Iterable[str], docnums: np.ndarray) -> np.ndarray:
    """Return the share of each document's title made of the given words (0 without one).

    Reads only the titles' postings of the words and looks up only the given documents.
    """
    held = np.zeros(len(docnums), dtype=np.float64)
    lengths = snapshot.field_lengths("title")
    if lengths is None:
        return held
    for word in dict.fromkeys(words):
        found = snapshot.postings("title", word)
        if len(found.docs):
            rows, hit = found.rows(docnums)
            held[hit] += found.freqs[rows[hit]]
    return held / np.maximum(lengths[docnums], 1)


def is_passage(entries: Iterable[Entry]) -> bool:
    """Return whether a query holds more than LONG_QUERY distinct words: a passage pasted in."""
    return len({text for _, text, _ in entries}) > LONG_QUERY


def _bm25f(snapshot: Snapshot, stats: Statistics, terms: list[tuple[str, str]]) -> np.ndarray:
    scores = np.zeros(snapshot.size, dtype=np.float64)
    fields_of: dict[str, list[str]] = {}
    for fieldname, text in terms:
        fields_of.setdefault(text, []).append(fieldname)
    for text, fieldnames in fields_of.items():
        frequency = np.zeros(snapshot.size, dtype=np.float64)
        held = np.zeros(snapshot.size, dtype=bool)
        for fieldname in fieldnames:
            found = snapshot.postings(fieldname, text)
            weight = TEXT_FIELDS.get(fieldname, 1.0)
            norm = _norm(snapshot, stats, fieldname, found.docs)
            frequency[found.docs] += weight * found.freqs / norm
            held[found.docs] = True
        docs = np.flatnonzero(held)
        if len(docs):
            tf = frequency[docs]
            frequent = stats.union_frequency(fieldnames, text, len(docs))
            scores[docs] += idf(stats.documents, frequent) * tf * (K1 + 1) / (tf + K1)
    return scores


def _per_field(
    snapshot: Snapshot, stats: Statistics, terms: list[tuple[str, str]], weighted=True
) -> np.ndarray:
    scores = np.zeros(snapshot.size, dtype=np.float64)
    for fieldname, text in terms:
        found = snapshot.postings(fieldname, text)
        if len(found.docs):
            weight = TEXT_FIELDS.get(fieldname, 1.0) if weighted else 1.0
            weight *= idf(stats.documents, stats.frequency(fieldname, text))
            tf, norm = found.freqs, _norm(snapshot, stats, fieldname, found.docs)
            scores[found.docs] += weight * tf * (K1 + 1) / (tf + K1 * norm)
    return scores


def _norm(snapshot: Snapshot, stats: Statistics, fieldname: str, docs: np.ndarray):
    """Return BM25's length normalisation of the documents in a field (1 without lengths)."""
    lengths = snapshot.field_lengths(fieldname)
    if lengths is None:
        return 1.0
    return (1 - B) + B * lengths[docs] / (stats.mean_length(fieldname) or 1.0)


def likelihood(
    snapshot: Snapshot,
    entries: Iterable[Entry],
    docnums: np.ndarray,
    stats: Statistics | None = None,
) -> np.ndarray:
    """Return the documents' query log-likelihood, Dirichlet-smoothed, up to a constant.

    A second view of a query's words beside BM25F (Zhai and Lafferty, 2001): each article is a
    bag of its title, lead and text words (weighted as in BM25F) smoothed by the archive's. A
    document holding none of the words gets minus infinity.
    """
    stats = stats or snapshot.statistics
    lengths = {f: snapshot.field_lengths(f) for f in TEXT_FIELDS}
    collection = stats.collection_length
    fields_of: dict[str, list[str]] = {}
    for fieldname, text in index_terms(stats, entries):
        if fieldname in TEXT_FIELDS:
            fields_of.setdefault(text, []).append(fieldname)
    scores = np.zeros(len(docnums))
    held = np.zeros(len(docnums), dtype=bool)
    words = 0
    for text, fieldnames in fields_of.items():
        tf, total = np.zeros(len(docnums)), 0.0
        for fieldname in fieldnames:
            occurrences = stats.occurrences(fieldname, text)
            if not occurrences:
                continue
            weight = TEXT_FIELDS[fieldname]
            total += weight * occurrences
            found = snapshot.postings(fieldname, text)
            if not len(found.docs):
                continue
            rows, hit = found.rows(docnums)
            tf[hit] += weight * found.freqs[rows[hit]]
        if total:
            scores += np.log1p(tf / (MU * total / (collection or 1.0)))
            held |= tf > 0
            words += 1
    length = sum(w * lengths[f][docnums] for f, w in TEXT_FIELDS.items())
    scores += words * np.log(MU / (length + MU))
    return np.where(held, scores, -np.inf)


def coordination(
    snapshot: Snapshot, forms: list[str], stats: Statistics | None = None
) -> np.ndarray:
    """Return the share of the query's words each document holds as written, by rarity.

    A word counts by its rarity, ``log(1 + N / df)``: holding a rare word of the query says
    more about an article than holding a common one. Forms no article holds (a typo, a word
    the archive lacks) count for no one.
    """
    stats = stats or snapshot.statistics
    held = np.zeros(snapshot.size, dtype=np.float64)
    total = 0.0
    for form in dict.fromkeys(forms):
        frequency = stats.frequency(FORMS, form)
        if frequency:
            weight = math.log(1 + stats.documents / frequency)
            held[snapshot.postings(FORMS, form).docs] += weight
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


def index_terms(stats: Statistics, entries: Iterable[Entry]) -> list[tuple[str, str]]:
    """Return the index terms of the entries, prefixes expanded, each once."""
    terms: dict[tuple[str, str], None] = {}
    # In order: sums over terms then come out the same in every process (sets are not).
    for fieldname, text, is_prefix in sorted(entries):
        if is_prefix:
            for term in expansions(stats, fieldname, text):
                terms[(fieldname, term)] = None
        else:
            terms[(fieldname, text)] = None
    return list(terms)


def expansions(stats: Statistics, fieldname: str, prefix: str) -> tuple[str, ...]:
    """Return the terms a prefix stands for in a field, noting when it stands for fewer."""
    terms, more = stats.expand(fieldname, prefix, MAX_EXPANSIONS)
    if more:
        note_capped()
    return terms
