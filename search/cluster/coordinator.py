"""A search over every shard, in rounds, ranked exactly as one index of the archive would.

Rounds, each a call to every shard at once (``shard.py``), and what crosses the network:

1. ``frequencies``: the query text goes out; each shard's document frequencies and
   occurrences of the query's terms (and of its words' meanings) come back, a few numbers
   per term. A query with a prefix (``cyber*``) first asks ``prefixes`` (each shard's 100
   most frequent terms beginning with it) and ``term_frequencies`` (each shard's count of
   every one of them), then keeps the 50 most frequent over the archive. When a shard's
   version changed, ``version`` also brings its documents, field lengths, title
   signatures (8 bytes per distinct title) and label spellings, once per version.
2. ``score``: the archive's statistics go out; each shard scores its matches and returns its
   total, its best (key, docnum, cluster: 20 bytes each), the highlighted terms, the cluster
   of each of its matches that has copies, its facet counts by label key, and the typed
   words it does not know with its known words close to them (spelling suggestions).
3. A question (``feeds_back``): the words of the titles of the global window's best three
   (the 200 best over every shard) go out, their title frequencies come back
   (``term_frequencies``); each shard returns the title scores of its part of the window
   (``feedback``), and adds the words' scores once their best over the window is known
   (``add_feedback``).
4. A query of two words or more: each shard's part of the same window goes to it; each raises
   its part by proximity (``refine``); for a sentence, each returns its part's features
   (``features``), whose signals are worked out over the whole window and sent back
   (``rescale``).
5. ``top``, when folding duplicates needs more than each shard's best; then ``hits`` (the
   page's stored fields and snippets) from the shards that hold them, and ``duplicates``
   (their copies' titles and dates) from every shard.

So a one-word query takes ``frequencies``, ``score`` and ``hits`` (and ``duplicates`` when a
hit has copies); a few keywords add ``refine``; a sentence, ``features`` and ``rescale``
instead; a question adds ``term_frequencies``, ``feedback`` and ``add_feedback`` before its
``refine`` (or ``top``, for a question of one word); a prefix, ``prefixes`` and
``term_frequencies`` first. Sorted by date, a search
takes ``frequencies``, ``score`` and ``hits``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ..models import Filters, Hit, Results, Sort
from ..ranking.feedback import FEEDBACK_TITLES, chosen_words
from ..ranking.query import Parsed, parse_query
from ..ranking.ranker import (
    RESCORE_WINDOW,
    feeds_back,
    is_sentence,
    prefixes,
    scored_entries,
    sentence_signals,
)
from ..ranking.scoring import MAX_EXPANSIONS
from ..ranking.suggestions import corrected
from ..store.statistics import SharedStatistics
from .merging import Merged, facets_of, first_of_each, merge_tops
from .messages import Scored, Top
from .stats import (
    ArchiveVersion,
    choose_expansions,
    combine_frequencies,
    combine_versions,
    shared_statistics,
)

# Calls a method of each shard given, with its arguments: {shard: arguments} → {shard: reply}.
Transport = Callable[[str, dict[int, tuple]], dict[int, object]]


@dataclass
class _Query:
    token: str
    parsed: Parsed
    entries: set
    stats: SharedStatistics
    scored: dict[int, Scored]
    deadline: float | None


class Coordinator:
    """Search a set of shards as one archive."""

    def __init__(self, transport: Transport, shards: list[int]):
        """Search the given shards, calling their rounds through transport."""
        self.transport = transport
        self.shards = shards
        self._version: ArchiveVersion | None = None

    def call(self, method: str, *args, per_shard: dict[int, tuple] | None = None) -> dict:
        """Call a round on every shard with args, or on some with their own arguments."""
        calls = per_shard if per_shard is not None else {n: args for n in self.shards}
        return self.transport(method, calls)

    def search(
        self,
        text: str,
        filters: Filters,
        sort: Sort,
        page: int,
        per_page: int,
        collapse: bool,
        budget: float | None = None,
    ) -> Results:
        """Return one page of results over every shard, with facets and totals."""
        started = time.perf_counter()
        query = self.rank(text, filters, sort, page * per_page, collapse, budget)
        tops = {n: s.top for n, s in query.scored.items()}
        kept = self._kept(query, tops, page * per_page, collapse)
        page_hits = self._hits(query, kept[(page - 1) * per_page :], sort, collapse)
        clustered = np.concatenate([s.clustered for s in query.scored.values()])
        folded = len(clustered) - len(np.unique(clustered)) if collapse else 0
        parts = list(query.scored.values())
        return Results(
            query=text,
            total=sum(s.total for s in parts) - folded,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            page=page,
            per_page=per_page,
            hits=page_hits,
            facets=facets_of([s.facets for s in parts], self.version().shown),
            syntax_fallback=query.parsed.syntax_fallback,
            truncated=query.parsed.truncated,
            suggestion=corrected(text, query.parsed, [s.close for s in parts]),
            terms=tuple(sorted(set().union(*(s.terms for s in parts)))),
            folded=folded,
            partial=any(t.partial for t in tops.values()) or _late(query.deadline),
            wildcards_capped=any(t.capped for t in tops.values()),
        )

    def rank(
        self,
        text: str,
        filters: Filters,
        sort: Sort,
        count: int,
        collapse: bool,
        budget: float | None = None,
    ) -> _Query:
        """Rank the query's matches in every shard, as one index would; keep its best count."""
        deadline = None if budget is None else time.monotonic() + budget
        parsed = parse_query(text)
        entries = scored_entries(parsed.query) if parsed.query is not None else set()
        relevance = sort is Sort.RELEVANCE and parsed.query is not None
        feeds = relevance and feeds_back(parsed, entries)
        refines = relevance and len(parsed.groups) >= 2
        first = RESCORE_WINDOW if feeds or refines else count
        stats = self.statistics(text)
        token = uuid.uuid4().hex
        scored = self.call(
            "score", token, text, filters, sort, stats, first, feeds, collapse, left(deadline)
        )
        query = _Query(token, parsed, entries, stats, scored, deadline)
        tops = {n: s.top for n, s in scored.items()}
        # As one index: refined unless out of time, looked at before the feedback.
        refines = refines and not _late(deadline) and not any(t.partial for t in tops.values())
        if feeds or refines:
            window = merge_tops(tops)[:RESCORE_WINDOW]
            if feeds:
                self._feedback(query, tops, window)
            if refines:
                tops = self._refine(query, window, count)
            else:
                tops = self.call("top", token, count)
        query.scored = {n: replace(s, top=tops[n]) for n, s in scored.items()}
        return query

    def version(self) -> ArchiveVersion:
        """Return the combined version of the shards, read again when one of them changed."""
        if self._version is None:
            self._version = combine_versions(list(self.call("version").values()))
        return self._version

    def statistics(self, text: str) -> SharedStatistics:
        """Return the archive's statistics for the query's terms (round 1)."""
        expansions: dict = {}
        # Only the query itself may hold a prefix (its words' meanings are plain words).
        candidates = self.call("prefixes", text) if prefixes(parse_query(text).query) else {}
        if any(candidates.values()):
            parts = list(candidates.values())
            terms = {(p[0], t) for part in parts for p, (found, _) in part.items() for t in found}
            counted = combine_frequencies(list(self.call("term_frequencies", terms).values()))
            expansions = choose_expansions(parts, counted, MAX_EXPANSIONS)
        found = self.call("frequencies", text, expansions)
        generations = tuple(found[n].generation for n in self.shards)
        if self._version is None or self._version.generations != generations:
            self._version = None
        frequencies = combine_frequencies(list(found.values()))
        return shared_statistics(self.version(), frequencies, expansions)

    def _feedback(self, query: _Query, tops: dict[int, Top], window: Merged) -> None:
        """Feed the words of the global best titles back into the window's scores."""
        words = set()
        for shard, row in window[:FEEDBACK_TITLES].places():
            words.update(tops[shard].words[row])
        words -= {text for _, text, _ in query.entries}
        if not words:
            return
        keys = [("title", w) for w in words]
        found = combine_frequencies(list(self.call("term_frequencies", keys).values()))
        stats = query.stats.with_terms(found.frequencies, found.totals)
        chosen = chosen_words(words, stats)
        if not chosen:
            return
        parts = window.by_shard(self.shards)
        held = {n: (query.token, parts[n], chosen, stats) for n in self.shards if len(parts[n])}
        scores = self.call("feedback", per_shard=held)
        highest = max(float(found.max()) for found in scores.values())
        first = float(window.keys[0])
        self.call("add_feedback", per_shard={n: (query.token, first, highest) for n in held})

    def _refine(self, query: _Query, window: Merged, count: int) -> dict[int, Top]:
        """Raise the global window of best matches by proximity and sentence signals."""
        parts = window.by_shard(self.shards)
        if not (len(window) and is_sentence(query.entries)):
            per_shard = {n: (query.token, parts[n], count) for n in self.shards}
            return self.call("refine", per_shard=per_shard)
        held = [n for n in self.shards if len(parts[n])]
        found = self.call("features", per_shard={n: (query.token, parts[n]) for n in held})
        names = set.intersection(*(set(found[n]) for n in held))
        features = {name: np.concatenate([found[n][name] for n in held]) for name in sorted(names)}
        signals = sentence_signals(features)
        bounds = np.cumsum([0] + [len(parts[n]) for n in held])
        per_shard = {n: (query.token, count) for n in self.shards}
        rescaled = {
            n: (query.token, parts[n], signals[bounds[i] : bounds[i + 1]], count)
            for i, n in enumerate(held)
        }
        tops = self.call("rescale", per_shard=rescaled)
        others = {n: args for n, args in per_shard.items() if n not in rescaled}
        return tops | (self.call("top", per_shard=others) if others else {})

    def _kept(self, query: _Query, tops: dict[int, Top], need: int, collapse: bool) -> Merged:
        """Return the need best, one per cluster with collapse, asking shards for more."""
        while True:
            merged = merge_tops(tops)
            kept = first_of_each(merged) if collapse else merged
            ends = {n: len(tops[n].docnums) >= query.scored[n].total for n in tops}
            if len(kept) >= need or all(ends.values()):
                return kept[:need]
            fetch = 2 * max(len(t.docnums) for t in tops.values())
            more = {n: (query.token, fetch) for n, ended in ends.items() if not ended}
            tops = tops | self.call("top", per_shard=more)

    def _hits(self, query: _Query, page: Merged, sort: Sort, collapse: bool) -> tuple[Hit, ...]:
        """Return the page's hits from the shards holding them, with their copies."""
        terms = set().union(*(s.terms for s in query.scored.values()))
        scored = sort is Sort.RELEVANCE and query.parsed.query is not None
        rows = {n: [] for n in self.shards}
        for place, (shard, _) in enumerate(page.places()):
            rows[shard].append(place)
        asked = {
            n: (
                [int(page.docnums[p]) for p in places],
                terms,
                [float(page.keys[p]) if scored else None for p in places],
            )
            for n, places in rows.items()
            if places
        }
        answers = self.call("hits", per_shard=asked) if asked else {}
        found: list = [None] * len(page)
        for n, places in rows.items():
            for place, answer in zip(places, answers.get(n, ()), strict=True):
                found[place] = answer
        ids = sorted({i for _, others in found for i in others})
        if not collapse or not ids:
            return tuple(hit for hit, _ in found)
        copies: dict = {}
        for part in self.call("duplicates", ids).values():
            copies |= part
        return tuple(
            replace(hit, duplicates=tuple(copies[i] for i in others if i in copies))
            for hit, others in found
        )


def left(deadline: float | None) -> float | None:
    return None if deadline is None else max(deadline - time.monotonic(), 0.0)


def _late(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() > deadline
