"""Trends: how many articles match a query in each period, and what share of the period's.

Counts are those of the result list for the same query, filters and period (``/recherche``
with ``du``/``au``, ``fouille search --from/--to``): the same parsed query and filter, and
duplicates folded the same way, one per cluster of duplicates within the period. The share
divides by the articles of the period under the same filters, folded alike. A trend's
matches and facets are counted alike too: its matches are the result list's total.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from ..errors import MissingQuery, TooManyQueries
from ..limits import current
from ..models import Facet, Filters
from ..ranking.facets import count_facet
from ..ranking.folding import Copies, count_folded
from ..ranking.query import parse_query
from ..store.snapshot import NO_DATE, Snapshot
from .association import KeyTerm, key_terms
from .periods import Period, Span, spans_between
from .querying import highlight_terms, select

MAX_QUERIES = 4
# Publication dates are microseconds since 1970 (store/segment.py); days count from there.
_DAY = 86_400_000_000
_EPOCH = date(1970, 1, 1)
UNDATED = np.iinfo(np.int64).min
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
    # The matching articles as the result list totals them (and the facets count them): each
    # cluster of duplicates once unless every duplicate is listed; undated, those without a day.
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
    everything = select(snapshot, "", filters).matched
    dated = days[everything][days[everything] != UNDATED]
    first, last = (_day(dated.min()), _day(dated.max())) if len(dated) else (None, None)
    spans = spans_between(first, last, period) if dated.size else []
    span_of_day = _SpanFinder(spans)
    totals = _per_span(everything, days, span_of_day, copies)
    trends = tuple(
        _trend(snapshot, text, filters, copies, days, span_of_day, totals) for text in queries
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


def published_days(snapshot: Snapshot) -> np.ndarray:
    """Return each document's day of publication (days since 1970), UNDATED if it has none."""
    published = snapshot.published
    days = np.asarray(published, dtype=np.int64) // _DAY
    days[published == NO_DATE] = UNDATED
    return days


def _day(number) -> date:
    return _EPOCH + timedelta(days=int(number))


class _SpanFinder:
    """The number of each day's span among consecutive spans (-1 outside them)."""

    def __init__(self, spans: list[Span]):
        self.spans = spans
        self.starts = np.array([(s.start - _EPOCH).days for s in spans], dtype=np.int64)
        self.last = (spans[-1].end - _EPOCH).days if spans else -1

    def __call__(self, days: np.ndarray) -> np.ndarray:
        found = np.searchsorted(self.starts, days, side="right") - 1
        found[(days == UNDATED) | (days > self.last)] = -1
        return found


def _trend(snapshot, text, filters, copies, days, span_of_day, totals) -> Trend:
    matched = select(snapshot, text, filters).matched
    counts = _per_span(matched, days, span_of_day, copies)
    terms = highlight_terms(snapshot, parse_query(text))
    selected = np.zeros(snapshot.size, dtype=bool)
    selected[matched] = True
    undated = matched[days[matched] == UNDATED]
    return Trend(
        query=text,
        points=tuple(
            TrendPoint(span, int(counts[i]), int(totals[i]))
            for i, span in enumerate(span_of_day.spans)
        ),
        matches=len(matched) - copies.folded(matched) if copies else len(matched),
        undated=int(count_folded(undated, np.zeros(len(undated), np.int64), 1, copies)[0]),
        facets=tuple(count_facet(snapshot, name, selected, copies) for name in TREND_FACETS),
        terms=key_terms(snapshot, matched, terms),
    )


def _per_span(docnums: np.ndarray, days, span_of_day: _SpanFinder, copies) -> np.ndarray:
    """Count the documents per span, each cluster of duplicates once per span."""
    spans = span_of_day(days[docnums])
    inside = spans >= 0
    return count_folded(np.asarray(docnums)[inside], spans[inside], len(span_of_day.spans), copies)
