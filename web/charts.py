"""The trends chart: bar geometry computed here, drawn as SVG by the template (no script).

The value axis has round ticks (0, 20, 40, 60 %: 1, 2 or 5 times a power of ten apart) and
the bars reach up to the highest; under the axis, each year is named once, at its first
period, with month names above when they fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from search import Period, Span, TrendPoint, Trends

from .formatting import MONTHS, french_date, french_number

WIDTH, HEIGHT = 960, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 48
# Colour-blind-safe palette (Okabe–Ito), one colour per compared query.
COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7")
SHORT_MONTHS = "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.".split()
# Text never overlaps: at most this many month labels, and years this far apart at least.
MAX_LABELS = 12
MIN_GAP = 40
# Month labels every k months, the first k that fits; past 6, the years alone say enough.
MONTH_STEPS = (1, 2, 3, 6)
TICKS = 5


@dataclass(frozen=True)
class Bar:
    """One query's value in one period, drawn as a rectangle that links to its results."""

    series: int
    point: TrendPoint
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Label:
    """A text under the axis: where it starts (or is centred) and what it says."""

    x: float
    text: str
    anchor: str = "middle"


@dataclass(frozen=True)
class Chart:
    """What the template draws: bars, value ticks, period labels and a row of years."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, str], ...]
    labels: tuple[Label, ...]
    years: tuple[Label, ...]
    baseline: float


def bar_chart(trends: Trends, shares: bool) -> Chart:
    """Return the chart of trends: shares of each period's articles, or raw counts."""
    spans = trends.spans
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(spans), 1)
    series = len(trends.trends)
    bar_w = max(slot * 0.8 / series, 1.0)
    scale = 100 if shares else 1
    values = [[p.share * scale if shares else p.count for p in t.points] for t in trends.trends]
    steps = nice_ticks(max((v for vs in values for v in vs), default=0), whole=not shares)
    top = steps[-1]
    bars = []
    for s, trend in enumerate(trends.trends):
        for i, point in enumerate(trend.points):
            height = plot_h * values[s][i] / top
            x = LEFT + i * slot + slot * 0.1 + s * bar_w
            y = TOP + plot_h - height
            bars.append(Bar(s, point, x, y, bar_w, height))
    decimals = max(0, -math.floor(math.log10(steps[1])))
    unit = "\u202f%" if shares else ""
    ticks = tuple((TOP + plot_h * (1 - v / top), french_number(v, decimals) + unit) for v in steps)
    labels, years = _period_labels(spans, trends.period, slot)
    return Chart(WIDTH, HEIGHT, tuple(bars), ticks, labels, years, TOP + plot_h)


def nice_ticks(top: float, whole: bool = False, count: int = TICKS) -> tuple[float, ...]:
    """Return round axis values from 0 to at least top, about count steps of 1, 2 or 5 × 10ⁿ.

    >>> nice_ticks(69.35)
    (0, 20, 40, 60, 80)
    >>> nice_ticks(0.3)
    (0, 0.1, 0.2, 0.3)
    >>> nice_ticks(3, whole=True)
    (0, 1, 2, 3)
    """
    raw = max(top, 1e-9) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))
    if whole:
        step = max(1, round(step))
    last = math.ceil(top / step - 1e-9) or 1
    return tuple(_round(i * step) for i in range(last + 1))


def _round(value: float) -> float:
    rounded = round(value, 10)
    return int(rounded) if rounded == int(rounded) else rounded


def _period_labels(spans, period: Period, slot: float):
    """Return the labels under the axis: periods (or months) and each year once."""
    x = [LEFT + i * slot for i in range(len(spans))]
    if period is Period.YEAR:
        every = math.ceil(MIN_GAP / slot)
        shown = [Label(x[i] + slot / 2, str(s.start.year)) for i, s in enumerate(spans)]
        return tuple(shown[::every]), ()
    years, last = [], -MIN_GAP
    for i, span in enumerate(spans):
        year = _year(span, period)
        if (i == 0 or year != _year(spans[i - 1], period)) and x[i] - last >= MIN_GAP:
            years.append(Label(x[i], str(year), "start"))
            last = x[i]
    firsts = [
        i for i, s in enumerate(spans) if i == 0 or s.start.month != spans[i - 1].start.month
    ]
    for step in MONTH_STEPS:
        chosen = [i for i in firsts if (spans[i].start.month - 1) % step == 0]
        if len(chosen) <= MAX_LABELS:
            months = [Label(x[i], SHORT_MONTHS[spans[i].start.month - 1], "start") for i in chosen]
            return tuple(months), tuple(years)
    return (), tuple(years)


def _year(span: Span, period: Period) -> int:
    # An ISO week belongs to the year of its key: 2020-W01 begins on 30 December 2019.
    return int(span.key[:4]) if period is Period.WEEK else span.start.year


def span_label(span: Span, period: Period, short: bool = False) -> str:
    """Return a period as French readers name it: « 2020 », « mars 2020 », « semaine du … »."""
    if period is Period.YEAR:
        return str(span.start.year)
    if period is Period.MONTH:
        month = (SHORT_MONTHS if short else MONTHS)[span.start.month - 1]
        return f"{month} {span.start.year}"
    if short:
        return f"{span.start:%d/%m/%Y}"
    return f"semaine du {french_date(span.start)}"


def span_range(first: Span, last: Span, period: Period) -> str:
    """Return periods from first to last in French: « de mars à août 2019 », « de 2012 à 2015 »."""
    if period is Period.WEEK:
        return f"du {french_date(first.start)} au {french_date(last.end)}"
    if period is Period.YEAR:
        return f"de {first.start.year} à {last.start.year}"
    start, end = MONTHS[first.start.month - 1], MONTHS[last.start.month - 1]
    if first.start.year != last.start.year:
        start += f" {first.start.year}"
    # « d’avril », « d’août », « d’octobre »: de elides before a vowel.
    of = "d’" if start[0] in "ao" else "de "
    return f"{of}{start} à {end} {last.start.year}"


def percent(share: float) -> str:
    """Return a share (0 to 1) as a French percentage: « 4,52 % »."""
    return french_number(share * 100, 2) + "\u202f%"


def register(app) -> None:
    """Make the chart helpers available in templates."""
    app.add_template_filter(span_label)
    app.add_template_filter(span_range)
    app.add_template_filter(percent)
    app.add_template_global(COLOURS, "chart_colours")
