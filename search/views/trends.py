"""Trends: how many articles match a query in each period, and what share of the period's.

Counts are those of the result list for the same query, filters and period (``/recherche``
with ``du``/``au``, ``fouille search --from/--to``): the same parsed query and filter, and
duplicates folded the same way, one per cluster of duplicates within the period. The share
divides by the articles of the period under the same filters, folded alike.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import numpy as np

from ..errors import MissingQuery, TooManyQueries
from ..limits import current
from ..models import Facet, Filters
from ..ranking.facets import count_facet
from ..ranking.folding import Copies
from ..ranking.query import parse_query
from ..store.snapshot import NO_DATE, Snapshot, moment
from .association import KeyTerm, key_terms
from .periods import Period, Span, span_of, spans_between
from .querying import highlight_terms, select

MAX_QUERIES = 4
TREND_FACETS = ("section", "author", "source", "tags")


@dataclass(frozen=True)
class TrendPoint:
    """One period of a trend: matching articles and all articles of the period."""

    span: Span
    count: int
    total: int

    @property
    def share(self) -> float:
        """Return the matching articles' share of the period's articles (0 to 1)."""
        return self.count / self.total if self.total else 0.0


@dataclass(frozen=True)
class Trend:
    """One query's counts per period, with its facets and most associated words."""

    query: str
    points: tuple[TrendPoint, ...]
    # Every matching article, duplicates included, as the facets count them.
    matches: int
    undated: int
    facets: tuple[Facet, ...]
    terms: tuple[KeyTerm, ...]


@dataclass(frozen=True)
class Trends:
    """Up to MAX_QUERIES trends over the same periods and filters."""

    period: Period
    filters: Filters
    collapse: bool
    documents: int
    spans: tuple[Span, ...]
    trends: tuple[Trend, ...]
    # True when the time budget ran out: some words were not read (limits.py).
    partial: bool = False
    # True when a wildcard stood for fewer words than it matches (limits.py).
    wildcards_capped: bool = False


def compute_trends(
    snapshot: Snapshot, queries: list[str], filters: Filters, period: Period, copies: Copies | None
) -> Trends:
    """Return the trends of queries over the periods the filtered archive spans.

    :raises MissingQuery: if no query is given.
    :raises TooManyQueries: if more than MAX_QUERIES are given.
    :raises TooManyPeriods: if the archive spans too many periods of this length.
    """
    queries = [q for q in (q.strip() for q in queries) if q]
    if not queries:
        raise MissingQuery("no query to draw a trend of")
    if len(queries) > MAX_QUERIES:
        raise TooManyQueries(f"{len(queries)} queries; at most {MAX_QUERIES} can be compared")
    days = published_days(snapshot)
    everything = select(snapshot, "", filters).matched.tolist()
    dated = [days[d] for d in everything if days[d]]
    spans = spans_between(min(dated), max(dated), period) if dated else []
    totals = _per_span(everything, days, period, copies)
    trends = tuple(
        _trend(snapshot, text, filters, period, copies, days, spans, totals) for text in queries
    )
    limits = current()
    return Trends(
        period,
        filters,
        copies is not None,
        snapshot.documents,
        tuple(spans),
        trends,
        limits.partial,
        limits.capped,
    )


def published_days(snapshot: Snapshot) -> list[date | None]:
    """Return each document's day of publication, by document number (None if undated)."""
    return [None if t == NO_DATE else moment(t).date() for t in snapshot.published.tolist()]


def _trend(snapshot, text, filters, period, copies, days, spans, totals) -> Trend:
    matched = select(snapshot, text, filters).matched
    docnums = matched.tolist()
    counts = _per_span(docnums, days, period, copies)
    terms = highlight_terms(snapshot, parse_query(text))
    selected = np.zeros(snapshot.size, dtype=bool)
    selected[matched] = True
    return Trend(
        query=text,
        points=tuple(TrendPoint(s, counts[s.key], totals[s.key]) for s in spans),
        matches=len(docnums),
        undated=sum(1 for d in docnums if days[d] is None),
        facets=tuple(count_facet(snapshot, name, selected) for name in TREND_FACETS),
        terms=key_terms(snapshot.searcher, docnums, terms),
    )


def _per_span(docnums, days, period: Period, copies: Copies | None) -> Counter[str]:
    """Count the documents per period, each cluster of duplicates once per period."""
    units = set()
    for docnum in docnums:
        day = days[docnum]
        if day is None:
            continue
        group = copies.group_of.get(docnum) if copies else None
        units.add((span_of(day, period).key, docnum if group is None else -1 - group))
    return Counter(key for key, _ in units)
