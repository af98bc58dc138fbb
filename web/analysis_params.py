"""Read the URL parameters of the analysis pages: several queries, periods, measures, sorts."""

from __future__ import annotations

from dataclasses import dataclass

from search import (
    MAX_TRENDS,
    ConcordanceSort,
    Filters,
    InvalidConcordanceSort,
    InvalidMeasure,
    InvalidPeriod,
    MissingQuery,
    Period,
    TooManyQueries,
)

from .params import parse_search, read_query

MEASURES = {"part": True, "nombre": False}


@dataclass(frozen=True)
class TrendsRequest:
    """A trends page as its URL describes it."""

    queries: tuple[str, ...]
    filters: Filters
    period: Period
    # True to chart each period's share of the articles, False for raw counts.
    shares: bool
    collapse: bool


def parse_trends(args, required: bool = False) -> TrendsRequest:
    """Return the trends the request's arguments ask for.

    :raises TooManyQueries: for more than MAX_TRENDS queries.
    :raises MissingQuery: if required and no query is given.
    :raises InvalidPeriod: for a period length other than annee, mois or semaine.
    :raises InvalidMeasure: for a measure other than part or nombre.
    """
    queries = tuple(q for q in (parse_query_text(v) for v in args.getlist("q")) if q)
    if len(queries) > MAX_TRENDS:
        raise TooManyQueries(f"{len(queries)} queries")
    if required and not queries:
        raise MissingQuery("q")
    search = parse_search(args)
    period = next((p for p in Period if p.value == _choice(args, "par", "mois")), None)
    if period is None:
        raise InvalidPeriod(args.get("par", ""))
    measure = _choice(args, "mesure", "part")
    if measure not in MEASURES:
        raise InvalidMeasure(f"mesure={measure}")
    return TrendsRequest(queries, search.filters, period, MEASURES[measure], search.collapse)


def parse_query_text(value: str) -> str:
    """Return a query as typed, without control characters, cut after what is searched."""
    return read_query(value)


@dataclass(frozen=True)
class ConcordanceRequest:
    """A concordance page as its URL describes it."""

    query: str
    filters: Filters
    sort: ConcordanceSort
    page: int
    collapse: bool


def parse_concordance(args, required: bool = False) -> ConcordanceRequest:
    """Return the concordance the request's arguments ask for.

    :raises MissingQuery: if required and no query is given.
    :raises InvalidConcordanceSort: for an order other than date or suivant.
    """
    search = parse_search(args)
    if required and not search.query:
        raise MissingQuery("q")
    sort = next((s for s in ConcordanceSort if s.value == _choice(args, "tri", "date")), None)
    if sort is None:
        raise InvalidConcordanceSort(args.get("tri", ""))
    return ConcordanceRequest(search.query, search.filters, sort, search.page, search.collapse)


def _choice(args, name: str, default: str) -> str:
    """Return a parameter's value, or default when it is absent or empty."""
    return args.get(name, "").strip() or default
