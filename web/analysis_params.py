"""Turn the parameter values of the analysis routes into trends and concordance requests."""

from __future__ import annotations

from dataclasses import dataclass

from search import ConcordanceSort, Filters, Period

from .params import parse_filters


@dataclass(frozen=True)
class TrendsRequest:
    """A trends page as its URL describes it."""

    queries: tuple[str, ...]
    filters: Filters
    period: Period
    # True to chart each period's share of the articles, False for raw counts.
    shares: bool
    collapse: bool
    # True to show every period of the archive, not only the bulk of the matches' years.
    whole: bool = False


def parse_trends(values: dict[str, object]) -> TrendsRequest:
    """Return the trends that a trends route's parameter values ask for."""
    return TrendsRequest(
        values["q"],
        parse_filters(values),
        values["par"],
        values.get("mesure", True),
        values["doublons"],
        values.get("periode", True),
    )


@dataclass(frozen=True)
class ConcordanceRequest:
    """A concordance page as its URL describes it."""

    query: str
    filters: Filters
    sort: ConcordanceSort
    page: int
    collapse: bool


def parse_concordance(values: dict[str, object]) -> ConcordanceRequest:
    """Return the concordance that a concordance route's parameter values ask for."""
    return ConcordanceRequest(
        values["q"],
        parse_filters(values),
        values["tri"],
        values.get("page", 1),
        values["doublons"],
    )
