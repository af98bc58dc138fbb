"""Trends: how many articles match a query in each period, and what share of the period's.

Counts are those of the result list for the same query, filters and period (``/recherche``
with ``du``/``au``, ``fouille search --from/--to``): the same parsed query and filter, and
duplicates folded the same way, one per cluster of duplicates within the period. The share
divides by the articles of the period under the same filters, folded alike. A trend's
matches and facets are counted alike too: its matches are the result list's total.

Unless the whole period is asked for or dates are chosen, the periods shown are those of the
years holding the bulk of each query's matching articles (``bulk_years``): a few old articles would
otherwise squeeze the years that matter into a corner of the chart.
"""

from __future__ import annotations

import math
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
from .association import SAMPLE, KeyTerm, key_terms
from .periods import Period, Span, spans_between
from .querying import highlight_terms, select

MAX_QUERIES = 4
# Publication dates are microseconds since 1970 (store/segment.py); days count from there.
_DAY = 86_400_000_000
_EPOCH = date(1970, 1, 1)
UNDATED = np.iinfo(np.int64).min
TREND_FACETS = ("section", "author", "source", "tags")
# The share of the matching articles that the default range holds, at least.
BULK = 0.98


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
    # How many matches the associated words were counted on, when not all (association.SAMPLE).
    sampled: int = 0


@dataclass(frozen=True)
class Bulk:
    """The whole years holding the bulk of the matching articles, when fewer than all."""

    start: date
    end: date
    # The share of the dated matching articles published from start to end (0 to 1).
    share: float


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
    # The range holding the bulk of the matches, if narrower than the archive's dates.
    bulk: Bulk | None = None
    # True when only the bulk's periods are shown (the default without dates).
    narrowed: bool = False


def compute_trends(
    snapshot: Snapshot,
    queries: list[str],
    filters: Filters,
    period: Period,
    copies: Copies | None,
    whole: bool = True,
) -> Trends:
    """Return the trends of queries over the periods the filtered archive spans.

    Unless whole, or filters choose dates or years, only the years holding the bulk of the
    matching articles are shown.

    :raises MissingQuery: if no query is given.
    :raises TooManyQueries: if more than MAX_QUERIES are given.
    :raises TooManyPeriods: if the archive spans too many periods of this length.
    """
    queries = checked_queries(queries)
    days = published_days(snapshot)
    everything = select(snapshot, "", filters).matched
    matches = [select(snapshot, text, filters).matched for text in queries]
    found = [
        (
            _facets(snapshot, matched, copies),
            _key_terms(snapshot, text, matched, copies),
            SAMPLE if len(matched) > SAMPLE else 0,
        )
        for text, matched in zip(queries, matches, strict=True)
    ]
    limits = current()
    return assemble_trends(
        Counted(queries, days, everything, matches, found, snapshot.documents),
        filters,
        period,
        copies,
        whole,
        (limits.partial, limits.capped),
    )


def checked_queries(queries: list[str]) -> list[str]:
    """Return the queries of a trend, stripped of blank ones.

    :raises MissingQuery: if no query is given.
    :raises TooManyQueries: if more than MAX_QUERIES are given.
    """
    queries = [q for q in (q.strip() for q in queries) if q]
    if not queries:
        raise MissingQuery("no query to draw a trend of")
    if len(queries) > MAX_QUERIES:
        raise TooManyQueries(f"{len(queries)} queries; at most {MAX_QUERIES} can be compared")
    return queries


@dataclass(frozen=True)
class Counted:
    """What trends are drawn from: each document's day, the filtered ones, each query's."""

    queries: list[str]
    days: np.ndarray  # per docnum
    everything: np.ndarray  # the docnums the filters keep
    matches: list[np.ndarray]  # per query, the docnums it matches among them
    # Per query, its facets, associated words and the matches these were counted on.
    found: list[tuple[tuple[Facet, ...], tuple[KeyTerm, ...], int]]
    documents: int


def assemble_trends(
    counted: Counted, filters: Filters, period: Period, copies, whole: bool, flags
) -> Trends:
    """Return the trends of what was counted; flags: (partial, wildcards capped).

    :raises TooManyPeriods: if the archive spans too many periods of this length.
    """
    days, everything, matches = counted.days, counted.everything, counted.matches
    dated = days[everything][days[everything] != UNDATED]
    first, last = (_day(dated.min()), _day(dated.max())) if len(dated) else (None, None)
    bulk = _bulk(days, matches, first, last)
    chosen = filters.date_from or filters.date_to or filters.years
    narrowed = bulk is not None and not whole and not chosen
    if narrowed:
        first, last = bulk.start, bulk.end
    spans = spans_between(first, last, period) if dated.size else []
    span_of_day = _SpanFinder(spans)
    totals = _per_span(everything, days, span_of_day, copies)
    trends = tuple(
        _trend(text, matched, copies, days, span_of_day, totals, found)
        for text, matched, found in zip(counted.queries, matches, counted.found, strict=True)
    )
    return Trends(
        period,
        filters,
        copies is not None,
        counted.documents,
        tuple(spans),
        trends,
        *flags,
        bulk,
        narrowed,
    )


def bulk_years(days: np.ndarray, share: float = BULK) -> tuple[int, int]:
    """Return the first and last year of the shortest run of days holding share of them.

    >>> old = [(date(2011, 5, 2) - _EPOCH).days]
    >>> recent = [(date(2020, 3, 1) - _EPOCH).days + d for d in range(60)]
    >>> bulk_years(np.array(old + recent))
    (2020, 2020)
    """
    days = np.sort(days)
    need = math.ceil(share * len(days))
    widths = days[need - 1 :] - days[: len(days) - need + 1]
    start = int(np.argmin(widths))
    return _day(days[start]).year, _day(days[start + need - 1]).year


def _bulk(days, matches, first, last) -> Bulk | None:
    """Return the years holding the bulk of each query's matches, if narrower than all."""
    dated = [d[d != UNDATED] for d in (days[m] for m in matches)]
    years = [bulk_years(d) for d in dated if len(d)]
    if not years:
        return None
    low, high = min(y[0] for y in years), max(y[1] for y in years)
    start, end = max(first, date(low, 1, 1)), min(last, date(high, 12, 31))
    if (start, end) == (first, last):
        return None
    matched = np.concatenate(dated)
    inside = (matched >= (start - _EPOCH).days) & (matched <= (end - _EPOCH).days)
    return Bulk(start, end, float(inside.mean()))


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


def _facets(snapshot, matched, copies) -> tuple[Facet, ...]:
    selected = np.zeros(snapshot.size, dtype=bool)
    selected[matched] = True
    return tuple(count_facet(snapshot, name, selected, copies) for name in TREND_FACETS)


def _key_terms(snapshot, text, matched, copies) -> tuple[KeyTerm, ...]:
    return key_terms(snapshot, matched, highlight_terms(snapshot, parse_query(text)), copies)


def _trend(text, matched, copies, days, span_of_day, totals, found) -> Trend:
    counts = _per_span(matched, days, span_of_day, copies)
    undated = matched[days[matched] == UNDATED]
    facets, terms, sampled = found
    return Trend(
        query=text,
        points=tuple(
            TrendPoint(span, int(counts[i]), int(totals[i]))
            for i, span in enumerate(span_of_day.spans)
        ),
        matches=len(matched) - copies.folded(matched) if copies else len(matched),
        undated=int(count_folded(undated, np.zeros(len(undated), np.int64), 1, copies)[0]),
        facets=facets,
        terms=terms,
        sampled=sampled,
    )


def _per_span(docnums: np.ndarray, days, span_of_day: _SpanFinder, copies) -> np.ndarray:
    """Count the documents per span, each cluster of duplicates once per span."""
    spans = span_of_day(days[docnums])
    inside = spans >= 0
    return count_folded(np.asarray(docnums)[inside], spans[inside], len(span_of_day.spans), copies)
