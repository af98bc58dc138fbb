"""One shard's part of a search over a sharded archive: the rounds its coordinator calls.

A shard is an ordinary index (``Archive``). Its coordinator (``coordinator.py``) first gathers
what every shard knows of the query's terms (``frequencies``), then has each shard score its
own matches by the archive's statistics (``score``) and merges their best; where the ranking
depends on the order of every match (a question's best titles, the window of best matches
that proximity and a sentence's signals refine), further rounds carry the merged order back.
A query's state between rounds stays here, under a token the coordinator chose.
"""

from __future__ import annotations

import time
from collections import Counter, OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..analysis.french import analyze
from ..analysis.french import index_terms as index_terms_of
from ..archive import Archive
from ..errors import ArticleNotFound
from ..limits import request_limits
from ..models import Article, ArticleView, Duplicate, Filters, Hit, Sort, Stats
from ..ranking.expansion import meanings
from ..ranking.facets import FACET_FIELDS
from ..ranking.feedback import FEEDBACK_TITLES, feedback_scores
from ..ranking.filtering import combine, filter_masks
from ..ranking.query import Parsed, parse_query
from ..ranking.ranker import (
    Ranking,
    first_ranking,
    prefixes,
    raise_close_words,
    scored_entries,
    window_features,
)
from ..ranking.scoring import MAX_EXPANSIONS, index_terms, title_bm25
from ..ranking.suggestions import close_words, completing_titles, title_prefix, typed
from ..store.clustering import record_stamp
from ..store.schema import FORMS, TEXT_FIELDS
from ..store.snapshot import Snapshot
from ..store.statistics import Key, SharedStatistics, length_sums, union_key
from ..store.titles import title_signatures
from ..views.concordance import article_lines, first_copies, line_counts, wanted_of
from ..views.querying import article_hit, highlight_terms
from ..views.related import FIELD as RELATED_FIELD
from ..views.related import Related, best_related, related_of, related_scores
from ..views.tables import result_rows
from ..views.trends import TREND_FACETS, published_days
from .counting import cluster_keys, facet_counts, spellings_of
from .merging import counting_copies
from .messages import ConcordancePart, Frequencies, Scored, Top, TrendPart, Version

# Query states kept between rounds: a few per web worker that searches at once.
STATES = 64


@dataclass
class _State:
    parsed: Parsed
    stats: SharedStatistics
    ranking: Ranking
    entries: set
    held: np.ndarray | None
    keys: np.ndarray
    deadline: float | None
    found: np.ndarray | None = None
    window: np.ndarray | None = None
    partial: bool = False
    capped: bool = False


class ShardSearch:
    """The rounds of the searches over one shard, on its archive opened once."""

    def __init__(self, path: Path | str, time_budget: float | None = None):
        self.path = Path(path)
        self.archive = Archive(self.path, time_budget=time_budget)
        self._states: OrderedDict[str, _State] = OrderedDict()
        self._clusters: tuple | None = None

    def version(self) -> Version:
        """Return what the coordinator combines once per version of this shard."""
        generation, snapshot = self.archive.opened()
        fields = [n for n in snapshot.reader.schema.names() if _scorable(snapshot, n)]
        signatures = title_signatures(snapshot.segments, snapshot.size)
        titled = signatures[snapshot.live & (signatures != 0)]
        return Version(
            generation,
            snapshot.size,
            snapshot.documents,
            length_sums(snapshot, fields),
            np.unique(titled, return_counts=True),
            {f: spellings_of(snapshot, f) for f in FACET_FIELDS.values()},
        )

    def prefixes(self, text: str) -> dict[Key, tuple[tuple[str, ...], bool]]:
        """Return this shard's most frequent terms for each prefix of the query."""
        _, snapshot = self.archive.opened()
        found = {}
        for parsed in _queries(snapshot, parse_query(text)):
            for fieldname, prefix in prefixes(parsed.query):
                limit = 2 * MAX_EXPANSIONS
                found[(fieldname, prefix)] = snapshot.expand(fieldname, prefix, limit)
        return found

    def frequencies(self, text: str, expansions: dict) -> Frequencies:
        """Return the frequencies of every term the query's ranking reads, here."""
        generation, snapshot = self.archive.opened()
        parsed = parse_query(text)
        stats = _Expanding(expansions)
        counts, totals = {}, {}
        for query in _queries(snapshot, parsed):
            fields_of: dict[str, list[str]] = {}
            for fieldname, term in index_terms(stats, scored_entries(query.query)):
                found = snapshot.postings(fieldname, term)
                counts[(fieldname, term)] = len(found.docs)
                totals[(fieldname, term)] = float(found.freqs.sum(dtype=np.float64))
                fields_of.setdefault(term, []).append(fieldname)
            for term, fieldnames in fields_of.items():
                docs = [snapshot.postings(f, term).docs for f in fieldnames]
                counts[(union_key(fieldnames), term)] = len(np.unique(np.concatenate(docs)))
        for form in parsed.forms:
            counts[(FORMS, form)] = len(snapshot.postings(FORMS, form).docs)
        return Frequencies(counts, totals, generation)

    def term_frequencies(self, keys: list[Key]) -> Frequencies:
        """Return how many documents hold each (field, term) here, and how often it occurs."""
        _, snapshot = self.archive.opened()
        found = {key: snapshot.postings(*key) for key in keys}
        return Frequencies(
            {key: len(p.docs) for key, p in found.items()},
            {key: float(p.freqs.sum(dtype=np.float64)) for key, p in found.items()},
        )

    def related_terms(self, article_id: str) -> tuple[Counter, str, int]:
        """Return the terms of an article's text, the text, and its cluster key (-1: none).

        :raises ArticleNotFound: if this shard holds no article with this id.
        """
        _, snapshot = self.archive.opened()
        docnum = snapshot.searcher.document_number(id=article_id)
        if docnum is None:
            raise ArticleNotFound(f"no article has the id {article_id!r}")
        text = snapshot.searcher.stored_fields(docnum).get(RELATED_FIELD, "")
        return Counter(index_terms_of(text)[0]), text, int(self._cluster_keys(snapshot)[docnum])

    def related(
        self, article_id: str, text: str, key: int, terms: list, stats, limit: int
    ) -> list[tuple[float, int, int, bool, Related]]:
        """Return this shard's candidates to be related to the article: score, docnum,
        cluster, whether its text is the article's, and what is listed of it."""
        _, snapshot = self.archive.opened()
        keys = self._cluster_keys(snapshot)
        scores = related_scores(snapshot, terms, stats)
        own = snapshot.searcher.document_number(id=article_id)
        scores[keys == key if key >= 0 else []] = 0
        if own is not None:
            scores[own] = 0
        found = []
        for docnum in best_related(scores, limit):
            fields = snapshot.searcher.stored_fields(docnum)
            same = fields.get(RELATED_FIELD) == text
            found.append(
                (float(scores[docnum]), docnum, int(keys[docnum]), same, related_of(fields))
            )
        return found

    def score(
        self,
        token: str,
        text: str,
        filters: Filters,
        sort: Sort,
        stats: SharedStatistics,
        first: int,
        words: bool = False,
        collapse: bool = True,
        budget: float | None = None,
    ) -> Scored:
        """Rank this shard's matches by the archive's statistics; return its first best.

        With words, also the analysed title words of the first few; with collapse, the
        clusters of duplicates, to fold.
        """
        _, snapshot = self.archive.opened()
        parsed = parse_query(text)
        deadline = None if budget is None else time.monotonic() + budget
        with request_limits(budget) as limits:
            masks = filter_masks(snapshot, filters)
            ranking, entries, held = first_ranking(snapshot, parsed, combine(masks), sort, stats)
            terms = highlight_terms(snapshot, parsed, stats)
        keys = self._cluster_keys(snapshot)
        if not collapse:
            keys = np.full(snapshot.size, -1, dtype=np.int64)
        state = _State(parsed, stats, ranking, entries, held, keys, deadline)
        state.partial, state.capped = limits.partial, limits.capped
        self._keep(token, state)
        clustered = keys[ranking.matched]
        return Scored(
            ranking.total,
            self._top(state, first, words),
            frozenset(terms),
            clustered[clustered >= 0],
            {name: _facet_part(ranking, masks, name, keys) for name in FACET_FIELDS},
            {} if state.partial else close_words(snapshot, parsed),
        )

    def feedback(
        self, token: str, window: np.ndarray, words: list[str], stats: SharedStatistics
    ) -> np.ndarray:
        """Score the titles of the window's articles (this shard's part) for the fed-back
        words; return their scores."""
        state = self._states[token]
        with self._limits(state):
            state.found = title_bm25(state.ranking.snapshot, words, window, stats)
        state.window = window
        return state.found

    def add_feedback(self, token: str, first: float, highest: float) -> None:
        """Add the fed-back words' title scores to the window's (``feedback_scores``)."""
        state = self._states[token]
        state.ranking.key[state.window] += feedback_scores(state.found, first, highest)

    def refine(self, token: str, window: np.ndarray, count: int) -> Top:
        """Raise the window's articles (this shard's part) by proximity; return the best."""
        state = self._states[token]
        self._raise(state, window)
        return self._top(state, count)

    def features(self, token: str, window: np.ndarray) -> dict[str, np.ndarray]:
        """Raise the window's articles by proximity; return their sentence features."""
        state = self._states[token]
        self._raise(state, window)
        snapshot = state.ranking.snapshot
        with self._limits(state):
            return window_features(
                snapshot, state.parsed, state.entries, window, state.held, state.stats
            )

    def rescale(self, token: str, window: np.ndarray, signals: np.ndarray, count: int) -> Top:
        """Raise the window's articles by their sentence signals; return the best."""
        state = self._states[token]
        state.ranking.key[window] *= np.exp(signals)
        return self._top(state, count)

    def top(self, token: str, count: int) -> Top:
        """Return the best count matches of a query scored before."""
        return self._top(self._states[token], count)

    def hits(
        self, docnums: list[int], terms: set[str], scores: list[float | None]
    ) -> list[tuple[Hit, tuple[str, ...]]]:
        """Return the hits for these articles, and the ids of each one's copies."""
        _, snapshot = self.archive.opened()
        members = self._members(snapshot)
        found = []
        for docnum, score in zip(docnums, scores, strict=True):
            hit = article_hit(snapshot.searcher.stored_fields(docnum), terms, score)
            found.append((hit, tuple(i for i in members.get(hit.id, ()) if i != hit.id)))
        return found

    def duplicates(self, ids: list[str]) -> dict[str, Duplicate]:
        """Return the copies among ids that this shard holds, as its record knows them."""
        _, snapshot = self.archive.opened()
        keys = self._cluster_keys(snapshot)
        found = {}
        for article_id in ids:
            docnum = snapshot.searcher.document_number(id=article_id)
            if docnum is not None and keys[docnum] >= 0:
                fields = snapshot.searcher.stored_fields(docnum)
                found[article_id] = Duplicate(
                    article_id, fields.get("title", ""), fields.get("published")
                )
        return found

    def ids(self, docnums: list[int]) -> list[str]:
        """Return the ids of these articles."""
        _, snapshot = self.archive.opened()
        return [snapshot.searcher.stored_fields(d)["id"] for d in docnums]

    def count(self) -> int:
        """Return how many articles this shard holds."""
        return self.archive.count()

    def stats(self) -> Stats:
        """Return what this shard holds."""
        return self.archive.stats()

    def get_article(self, article_id: str) -> Article:
        """Return the article with this id, held here.

        :raises ArticleNotFound: if this shard holds no article with it.
        """
        return self.archive.get_article(article_id)

    def view_article(self, article_id: str, query: str, stats) -> ArticleView:
        """Return the article with the query's words marked, prefixes as the archive expands."""
        return self.archive.view_article(article_id, query, stats)

    def copies(self, article_id: str) -> tuple[str, ...]:
        """Return the ids of the other articles of this one's cluster, canonical first."""
        _, snapshot = self.archive.opened()
        return tuple(i for i in self._members(snapshot).get(article_id, ()) if i != article_id)

    def expansion_candidates(self, asked: list[tuple[str, str, int]]) -> dict:
        """Return this shard's most frequent terms for each (field, prefix, limit) asked."""
        _, snapshot = self.archive.opened()
        return {(f, prefix): snapshot.expand(f, prefix, 2 * limit) for f, prefix, limit in asked}

    def completions(self, text: str, stats, limit: int) -> list[tuple[float, str, str]]:
        """Return the titles here that best complete what is being typed: score, id, title."""
        _, snapshot = self.archive.opened()
        head, last = typed(text)
        started = stats.expand("title", title_prefix(last), MAX_EXPANSIONS)[0]
        best, scores = completing_titles(snapshot, head, started, limit, stats)
        found = [snapshot.searcher.stored_fields(int(d)) for d in best]
        return [
            (float(s), f["id"], f.get("title", "")) for s, f in zip(scores, found, strict=True)
        ]

    def result_rows(self, docnums: list[int], scores: list[float | None]) -> list[tuple]:
        """Return the exported rows of these articles (``tables.result_rows``)."""
        _, snapshot = self.archive.opened()
        return list(result_rows(snapshot, list(zip(docnums, scores, strict=True))))

    def concordance_order(
        self, text: str, filters: Filters, stats, collapse: bool, budget: float | None = None
    ) -> ConcordancePart:
        """Return this shard's articles for a concordance, newest first, with their lines."""
        _, snapshot = self.archive.opened()
        keys = self._cluster_keys(snapshot) if collapse else np.full(snapshot.size, -1)
        with request_limits(budget) as limits:
            parsed = parse_query(text)
            wanted = wanted_of(snapshot, parsed, stats)
            allowed = combine(filter_masks(snapshot, filters))
            ranking = first_ranking(snapshot, parsed, allowed, Sort.NEWEST, stats)[0]
            copies = counting_copies(keys) if collapse else None
            order = first_copies(ranking.top(ranking.total), copies)
            counts = line_counts(snapshot, order, wanted)
        return ConcordancePart(
            ranking.key[order],
            order,
            keys[order],
            counts,
            ranking.total,
            bool(wanted.terms or wanted.forms),
            limits.partial,
            limits.capped,
        )

    def concordance_lines(self, text: str, stats, docnums: list[int], counts: list[int]) -> list:
        """Return the first count lines of each of these articles."""
        _, snapshot = self.archive.opened()
        wanted = wanted_of(snapshot, parse_query(text), stats)
        known: dict = {}
        return [
            article_lines(snapshot, d, wanted, known)[:c]
            for d, c in zip(docnums, counts, strict=True)
        ]

    def trend_parts(
        self,
        texts: list[str],
        filters: Filters,
        stats: list[SharedStatistics],
        collapse: bool,
        budget: float | None = None,
    ) -> TrendPart:
        """Return what the trends of the queries count here (``trends.Counted``)."""
        _, snapshot = self.archive.opened()
        keys = self._cluster_keys(snapshot) if collapse else np.full(snapshot.size, -1)
        with request_limits(budget) as limits:
            allowed = combine(filter_masks(snapshot, filters))
            everything = np.flatnonzero(
                snapshot.live & allowed if allowed is not None else snapshot.live
            )
            matches, facets = [], []
            for text, known in zip(texts, stats, strict=True):
                found = first_ranking(snapshot, parse_query(text), allowed, Sort.NEWEST, known)
                selected = np.zeros(snapshot.size, dtype=bool)
                selected[found[0].matched] = True
                matches.append(np.searchsorted(everything, found[0].matched))
                facets.append({n: facet_counts(snapshot, n, selected, keys) for n in TREND_FACETS})
        return TrendPart(
            published_days(snapshot)[everything],
            keys[everything],
            matches,
            facets,
            limits.partial,
            limits.capped,
        )

    def _top(self, state: _State, count: int, words: bool = False) -> Top:
        ranking = state.ranking
        docnums = ranking.top(count)
        searcher = ranking.snapshot.searcher
        titles = ()
        if words:
            # Only the best few can be among the archive's best, whose titles are fed back.
            titles = tuple(
                tuple(analyze(searcher.stored_fields(d).get("title") or ""))
                for d in docnums[:FEEDBACK_TITLES].tolist()
            )
        return Top(
            ranking.key[docnums].astype(np.float64),
            docnums,
            state.keys[docnums],
            titles,
            state.partial,
            state.capped,
        )

    def _raise(self, state: _State, window: np.ndarray) -> None:
        with self._limits(state):
            raise_close_words(
                state.ranking.snapshot,
                state.parsed,
                state.entries,
                window,
                state.ranking.key,
                state.stats,
            )

    def _limits(self, state: _State):
        remaining = None if state.deadline is None else state.deadline - time.monotonic()
        return _Noting(state, max(remaining, 0.0) if remaining is not None else None)

    def _keep(self, token: str, state: _State) -> None:
        self._states[token] = state
        while len(self._states) > STATES:
            self._states.popitem(last=False)

    def _cluster_keys(self, snapshot: Snapshot) -> np.ndarray:
        return self._record(snapshot)[1]

    def _members(self, snapshot: Snapshot) -> dict[str, tuple[str, ...]]:
        return self._record(snapshot)[2]

    def _record(self, snapshot: Snapshot) -> tuple:
        """Return the clusters of this shard's record: each document's key, members by id."""
        stamp = (id(snapshot), record_stamp(self.path))
        if self._clusters is None or self._clusters[0] != stamp:
            self._clusters = (stamp, *cluster_keys(self.path, snapshot))
        return self._clusters


class _Noting:
    """Run a round within what is left of a query's time, noting what it left out."""

    def __init__(self, state: _State, seconds: float | None):
        self._state, self._limits = state, request_limits(seconds)

    def __enter__(self):
        self._found = self._limits.__enter__()

    def __exit__(self, *exc):
        self._state.partial |= self._found.partial
        self._state.capped |= self._found.capped
        return self._limits.__exit__(*exc)


class _Expanding:
    """Statistics that know only the prefixes' expansions, chosen over every shard."""

    def __init__(self, expansions: dict):
        self._expansions = expansions

    def expand(self, fieldname: str, prefix: str, limit: int):
        return self._expansions[(fieldname, prefix)]


def _queries(snapshot: Snapshot, parsed: Parsed) -> list[Parsed]:
    """Return the query and each of its words' meanings, those with a query."""
    found = [parsed] if parsed.query is not None else []
    return found + [m for means in meanings(snapshot, parsed) for m in means]


def _scorable(snapshot: Snapshot, name: str) -> bool:
    return name in TEXT_FIELDS or bool(getattr(snapshot.reader.schema[name], "scorable", False))


def _facet_part(ranking: Ranking, masks: dict, name: str, keys: np.ndarray):
    """Return a facet's counts here, each value counted without its own filter."""
    others = combine(masks, without=name)
    selected = ranking.candidates & others if others is not None else ranking.candidates
    return facet_counts(ranking.snapshot, name, selected, keys)
