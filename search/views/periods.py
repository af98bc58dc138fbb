"""Calendar periods (years, months, ISO weeks) that trends count articles by.

>>> span_of(date(2020, 3, 12), Period.MONTH)
Span(key='2020-03', start=datetime.date(2020, 3, 1), end=datetime.date(2020, 3, 31))
>>> [s.key for s in spans_between(date(2020, 12, 30), date(2021, 1, 5), Period.WEEK)]
['2020-W53', '2021-W01']
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from ..errors import TooManyPeriods

# A chart and a table of more periods than this are unreadable; narrow the dates instead.
MAX_SPANS = 600


class Period(Enum):
    """How long each period of a trend is (values are the site's URL words)."""

    YEAR = "annee"
    MONTH = "mois"
    WEEK = "semaine"


@dataclass(frozen=True)
class Span:
    """One period: its key (``2020``, ``2020-03``, ``2020-W11``) and its first and last day."""

    key: str
    start: date
    end: date


def span_of(day: date, period: Period) -> Span:
    """Return the period of this kind that day falls in."""
    if period is Period.YEAR:
        return Span(str(day.year), date(day.year, 1, 1), date(day.year, 12, 31))
    if period is Period.MONTH:
        start = date(day.year, day.month, 1)
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return Span(f"{day:%Y-%m}", start, following - timedelta(days=1))
    year, week, weekday = day.isocalendar()
    start = day - timedelta(days=weekday - 1)
    return Span(f"{year}-W{week:02d}", start, start + timedelta(days=6))


def spans_between(first: date, last: date, period: Period) -> list[Span]:
    """Return every period from first's to last's, in order.

    :raises TooManyPeriods: if there are more than MAX_SPANS.
    """
    spans = [span_of(first, period)]
    while spans[-1].end < last:
        spans.append(span_of(spans[-1].end + timedelta(days=1), period))
        if len(spans) > MAX_SPANS:
            raise TooManyPeriods(
                f"more than {MAX_SPANS} periods from {first} to {last}: "
                "choose longer periods or a shorter date range"
            )
    return spans
