"""Ranking: which articles match a query and in what order, over a snapshot's arrays.

Every caller ranks through :func:`rank`: the site, the CLI and ``fouille eval``, so what is
evaluated is what readers get. Each match is scored by BM25F over stems times coordination
over the words as written (``scoring.py``); the best ``RESCORE_WINDOW`` are then raised when
consecutive query words stand close together in their text (proximity), unless the query is
a passage pasted in, and, for a query of a sentence or more, by signals about what it means
(``sentence_signals``). All were measured in ``docs/RELEVANCE.md``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from whoosh import query as wq

from ..limits import over_time
from ..models import Sort
from ..store.snapshot import NO_DATE, Snapshot
from ..store.statistics import Statistics
from .expansion import WEIGHT, meanings
from .feedback import feedback_scores, feedback_words
from .query import Parsed
from .scoring import (
    bm25,
    coordination,
    expansions,
    is_passage,
    likelihood,
    title_bm25,
    title_share,
)

# Proximity reads positions, which costs; only the best hits are worth it. Beyond this window
# the order stands, so that pages never repeat or skip an article.
RESCORE_WINDOW = 200
# How much close query words raise a score: an article where every pair of consecutive
# query words stands side by side scores (1 + PROXIMITY_WEIGHT) times higher.
PROXIMITY_WEIGHT = 1.0
PROXIMITY_FIELD = "body"
# The best matches of a query of more than SENTENCE_TERMS words (a sentence or more: a lead,
# a paragraph pasted in, a long question) are raised by exp(Σ weight × signal): the cosine of
# query and article in the archive's topic space, the article's reciprocal rank by query
# likelihood (FUSION_K / (FUSION_K + rank)), once more the share of the query's words it
# holds as written, and the share of its title made of the query's words (a lead and its
# headline are written together: the sibling articles on the same story hold the lead's words
# in their text as much, less often in their title). Weights fitted on 3,000 held-out leads,
# not on the dev sets (bench/relevance_sentence.py); below seven words a topic is too little
# to go by: PIAF's short questions lose by it (docs/RELEVANCE.md).
SENTENCE_TERMS = 6
SENTENCE_WEIGHTS = {"topic": 1.5, "likelihood": 2.0, "coordination": 2.5, "title": 1.0}
FUSION_K = 60


@dataclass(frozen=True)
class Ranking:
    """The matches of a query, and the key that orders them (higher first)."""

    snapshot: Snapshot
    candidates: np.ndarray  # per docnum: matches the query, before the filters
    matched: np.ndarray  # docnums matching the query and the filters, ascending
    key: np.ndarray  # per docnum
    scored: bool  # whether key is a relevance score (not a date)

    @property
    def total(self) -> int:
        """Return the number of matches."""
        return len(self.matched)

    def top(self, n: int) -> np.ndarray:
        """Return the docnums of the best n matches, best first; ties by index order."""
        docs = self.matched
        keys = self.key[docs]
        if 0 < n < len(docs):
            # Order only what can be in the top n: everything at least as high as the nth.
            nth = -np.partition(-keys, n - 1)[n - 1]
            chosen = keys >= nth
            docs, keys = docs[chosen], keys[chosen]
        return docs[np.lexsort((docs, -keys))][: max(n, 0)]

    def score(self, docnum: int) -> float | None:
        """Return a match's relevance score, or None when ranked by date."""
        return float(self.key[docnum]) if self.scored else None


def rank(
    snapshot: Snapshot,
    parsed: Parsed,
    allowed: np.ndarray | None = None,
    sort=Sort.RELEVANCE,
    stats: Statistics | None = None,
) -> Ranking:
    """Return the articles matching the query among the allowed ones, ranked.

    The collection's numbers come from stats, by default the snapshot's own; a shard of a
    sharded archive takes the whole archive's, and the steps that depend on the order of
    every match (``first_ranking``, ``feedback_words``, ``window_features``) are run by
    its coordinator in the same order (``search/cluster/``).
    """
    stats = stats or snapshot.statistics
    ranking, entries, held = first_ranking(snapshot, parsed, allowed, sort, stats)
    if not ranking.scored:
        return ranking
    scores = ranking.key
    feedback = feeds_back(parsed, entries)
    refine = len(parsed.groups) > 1 and not over_time()
    if not (feedback or refine):
        # Out of time, or a single word: BM25F and coordination order the matches.
        return ranking
    window = ranking.top(RESCORE_WINDOW)
    if feedback:
        words = feedback_words(snapshot, window, entries, stats)
        if words:
            found = title_bm25(snapshot, words, window, stats)
            scores[window] += feedback_scores(found, float(scores[window[0]]), float(found.max()))
    if not refine:
        return ranking
    raise_close_words(snapshot, parsed, entries, window, scores, stats)
    if len(window) and is_sentence(entries):
        found = window_features(snapshot, parsed, entries, window, held, stats)
        scores[window] *= np.exp(sentence_signals(found))
    return ranking


def first_ranking(
    snapshot: Snapshot, parsed: Parsed, allowed, sort, stats: Statistics
) -> tuple[Ranking, set, np.ndarray | None]:
    """Return the matches scored by BM25F, meanings and coordination (or ranked by date).

    Also return the query's scored entries and each document's coordination.
    """
    expanded = meanings(snapshot, parsed)
    candidates = matches(snapshot, parsed, stats) | matches_meanings(
        snapshot, parsed, expanded, stats
    )
    selected = candidates & allowed if allowed is not None else candidates
    matched = np.flatnonzero(selected)
    if sort is not Sort.RELEVANCE or parsed.query is None:
        key = _date_key(snapshot, sort)
        return Ranking(snapshot, candidates, matched, key, scored=False), set(), None
    entries = scored_entries(parsed.query)
    scores = bm25(snapshot, entries, parsed.about, stats)
    if expanded:
        scores += meaning_scores(snapshot, expanded, stats)
    held = coordination(snapshot, parsed.forms, stats)
    scores *= 1 + held
    return Ranking(snapshot, candidates, matched, scores, scored=True), entries, held


def feeds_back(parsed: Parsed, entries) -> bool:
    """Return whether the best titles' words are fed back into the query (``feedback.py``)."""
    # Keywords are mostly the titles' own words already: feeding titles back would cost every
    # such query a second pass over the titles for nothing (docs/RELEVANCE.md).
    return parsed.question and not is_passage(entries)


def is_sentence(entries) -> bool:
    """Return whether a query is a sentence or more, which its meaning also ranks."""
    return len({text for _, text, _ in entries}) > SENTENCE_TERMS


def raise_close_words(snapshot, parsed, entries, window, scores, stats: Statistics) -> None:
    """Raise the scores of the window's articles whose text holds the query's words close."""
    # In a pasted passage consecutive words often come from different clauses, and how close
    # they stand in an article tells whether it repeats the passage's wording, which articles
    # on the same story do as much as the one sought (docs/RELEVANCE.md).
    if is_passage(entries):
        return
    near = proximity(snapshot, parsed.groups, np.sort(window))
    weight = proximity_weight(stats, parsed)
    for docnum, closeness in near.items():
        scores[docnum] *= 1 + weight * closeness


def proximity_weight(stats: Statistics, parsed: Parsed) -> float:
    """Return how much close query words in the text raise a score for this query.

    A query that asks what an article is about counts the text's closeness only as much as
    titles repeat (1 − τ): a title that holds the words side by side gets no such credit,
    and a long text that has them side by side would double (docs/RELEVANCE.md).
    """
    if parsed.about:
        return PROXIMITY_WEIGHT * (1 - stats.distinct_titles)
    return PROXIMITY_WEIGHT


def sentence_signals(found: dict[str, np.ndarray]) -> np.ndarray:
    """Return Σ weight × signal for the best matches (window) of a sentence-long query.

    found holds the window's ``window_features``, of every shard for a sharded archive.
    """
    signals = sum(SENTENCE_WEIGHTS[name] * values for name, values in signal_values(found).items())
    # Relative to the window's least: a rescored article never falls below one left out.
    return signals - signals.min()


def sentence_features(
    snapshot: Snapshot, parsed: Parsed, entries, window, held, stats: Statistics | None = None
) -> dict[str, np.ndarray]:
    """Return each signal, by name, for the best matches (window) of a sentence-long query."""
    stats = stats or snapshot.statistics
    return signal_values(window_features(snapshot, parsed, entries, window, held, stats))


def window_features(
    snapshot: Snapshot, parsed: Parsed, entries, window, held, stats: Statistics
) -> dict[str, np.ndarray]:
    """Return what each article of the window brings to the sentence signals, on its own."""
    found = {
        "unlikely": -likelihood(snapshot, entries, window, stats),
        "coordination": held[window],
        "title": title_share(snapshot, query_stems(parsed, "title"), window),
    }
    if snapshot.topics is not None:
        stems = Counter(query_stems(parsed, "body"))
        found["topic"] = snapshot.topics.similarity(stems, window)
    return found


def query_stems(parsed: Parsed, fieldname: str) -> list[str]:
    """Return the stems of the query's words (not prefixes) searched in a field, repeats kept."""
    return [
        t for group in parsed.groups for f, t, prefix in group if f == fieldname and not prefix
    ]


def signal_values(found: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Return the sentence signals of the window's features (the likelihood as a rank)."""
    unlikely = found["unlikely"]
    # Equally likely articles share a rank: the one above those less likely.
    ranks = np.searchsorted(np.sort(unlikely), unlikely) + 1
    signals = {name: values for name, values in found.items() if name != "unlikely"}
    signals["likelihood"] = FUSION_K / (FUSION_K + ranks)
    return signals


def meaning_scores(
    snapshot: Snapshot, expanded: list[tuple[Parsed, ...]], stats: Statistics
) -> np.ndarray:
    """Return WEIGHT × the mean BM25F of each expanded word's meanings (``expansion.py``)."""
    scores = np.zeros(snapshot.size, dtype=np.float64)
    for means in expanded:
        for meaning in means:
            entries = scored_entries(meaning.query)
            scores += WEIGHT / len(means) * bm25(snapshot, entries, True, stats)
    return scores


def matches_meanings(
    snapshot: Snapshot,
    parsed: Parsed,
    expanded: list[tuple[Parsed, ...]],
    stats: Statistics | None = None,
) -> np.ndarray:
    """Return which live documents hold a meaning of a word of a query without operators.

    A query with AND, NOT, + or - keeps the logic its reader wrote: there meanings only add
    to the scores of what it matches.
    """
    found = np.zeros(snapshot.size, dtype=bool)
    if not expanded or not _plain(parsed.query):
        return found
    for means in expanded:
        for meaning in means:
            found |= matches(snapshot, meaning, stats)
    return found


def _plain(query: wq.Query) -> bool:
    """Return whether a query is words and phrases any of which matches (no operator)."""
    if isinstance(query, wq.And | wq.AndNot | wq.AndMaybe | wq.Not):
        return False
    return query.is_leaf() or all(_plain(child) for child in query.children())


def matches(snapshot: Snapshot, parsed: Parsed, stats: Statistics | None = None) -> np.ndarray:
    """Return which live documents the query matches; an empty query matches every one.

    A prefix stands for the terms stats chose (by default, the snapshot's most frequent).
    """
    if parsed.query is None:
        return snapshot.live.copy()
    return _matching(snapshot, parsed.query, stats or snapshot.statistics) & snapshot.live


def _matching(snapshot: Snapshot, query: wq.Query, stats: Statistics) -> np.ndarray:
    """Return which documents a query matches, its operators applied to whole arrays."""
    if isinstance(query, wq.Term):
        return snapshot.holders(query.fieldname, query.text)
    if isinstance(query, wq.And | wq.Or):
        parts = [_matching(snapshot, child, stats) for child in query.children()]
        combine = np.logical_and if isinstance(query, wq.And) else np.logical_or
        return combine.reduce(parts) if parts else np.zeros(snapshot.size, dtype=bool)
    if isinstance(query, wq.AndNot):
        return _matching(snapshot, query.a, stats) & ~_matching(snapshot, query.b, stats)
    if isinstance(query, wq.AndMaybe):
        return _matching(snapshot, query.a, stats)
    if isinstance(query, wq.Every):
        return np.ones(snapshot.size, dtype=bool)
    if isinstance(query, wq.Phrase) and query.slop == 1 and query.words:
        return snapshot.phrase_holders(query.fieldname, query.words)
    found = np.zeros(snapshot.size, dtype=bool)
    if isinstance(query, wq.Prefix):
        for term in expansions(stats, query.fieldname, query.text):
            found[snapshot.postings(query.fieldname, term).docs] = True
    elif query is not wq.NullQuery:
        # Any other kind of query (none the parser makes): Whoosh's own matcher.
        found[list(snapshot.searcher.docs_for_query(query))] = True
    return found


def prefixes(query: wq.Query | None) -> set[tuple[str, str]]:
    """Return the (field, prefix) of every prefix of a query, excluded ones included."""
    if query is None:
        return set()
    leaves = query.leaves() if not query.is_leaf() else [query]
    return {(q.fieldname, q.text) for q in leaves if isinstance(q, wq.Prefix)}


def scored_entries(query: wq.Query) -> set[tuple[str, str, bool]]:
    """Return the (field, term, is_prefix) of the query's words that count towards scores."""
    entries = set()
    for leaf in positive_leaves(query):
        if isinstance(leaf, wq.Prefix):
            entries.add((leaf.fieldname, leaf.text, True))
        else:
            entries.update((f, t, False) for f, t in leaf.iter_all_terms())
    return entries


def _date_key(snapshot: Snapshot, sort: Sort) -> np.ndarray:
    """Return a key that ranks by publication date; articles without one come last."""
    dates = snapshot.published.astype(np.float64)
    key = dates if sort is not Sort.OLDEST else -dates
    key[snapshot.published == NO_DATE] = -np.inf
    return key


def positive_leaves(query: wq.Query) -> Iterator[wq.Query]:
    """Yield the leaves of a query that are not excluded by NOT."""
    if isinstance(query, wq.AndNot):
        yield from positive_leaves(query.a)
    elif isinstance(query, wq.Not):
        return
    elif query.is_leaf():
        yield query
    else:
        for child in query.children():
            yield from positive_leaves(child)


def proximity(snapshot: Snapshot, groups, docnums: np.ndarray) -> dict[int, float]:
    """Return, per docnum, the mean closeness (1 / distance) of consecutive query words."""
    spots = [_group_positions(snapshot, group, docnums) for group in groups]
    pairs = list(pairwise(spots))
    closeness = dict.fromkeys(docnums.tolist(), 0.0)
    if not pairs:
        return closeness
    for left, right in pairs:
        for docnum in left.keys() & right.keys():
            closeness[docnum] += 1 / _distance(left[docnum], right[docnum])
    return {d: total / len(pairs) for d, total in closeness.items()}


def _group_positions(snapshot: Snapshot, group, docnums: np.ndarray) -> dict[int, list[int]]:
    spots: dict[int, list[int]] = {}
    for fieldname, text, is_prefix in group:
        if fieldname == PROXIMITY_FIELD and not is_prefix:
            for docnum, found in snapshot.positions(fieldname, text, docnums).items():
                spots.setdefault(docnum, []).extend(found)
    return {docnum: sorted(found) for docnum, found in spots.items()}


def _distance(left: list[int], right: list[int]) -> int:
    """Return the smallest gap (at least 1) between two sorted position lists."""
    i = j = 0
    best = 1 << 30
    while i < len(left) and j < len(right):
        best = min(best, abs(left[i] - right[j]))
        if left[i] < right[j]:
            i += 1
        else:
            j += 1
    return max(best, 1)
