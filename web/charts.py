"""The trends chart: bar geometry computed here, drawn as SVG by the template (no script)."""

from __future__ import annotations

from dataclasses import dataclass

from search import Period, Span, TrendPoint, Trends

from .formatting import MONTHS, french_date, french_number

WIDTH, HEIGHT = 960, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 48
# Colour-blind-safe palette (Okabe–Ito), one colour per compared query.
COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7")
SHORT_MONTHS = "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.".split()
# Text never overlaps: at most this many period labels under the axis.
MAX_LABELS = 12


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
class Chart:
    """What the template draws: bars, the value axis ticks and the period labels."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, str], ...]
    labels: tuple[tuple[float, str], ...]
    baseline: float


def bar_chart(trends: Trends, shares: bool) -> Chart:
    """Return the chart of trends: shares of each period's articles, or raw counts."""
    spans = trends.spans
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(spans), 1)
    series = len(trends.trends)
    bar_w = max(slot * 0.8 / series, 1.0)
    values = [[p.share if shares else p.count for p in t.points] for t in trends.trends]
    top = max((v for vs in values for v in vs), default=0) or 1
    bars = []
    for s, trend in enumerate(trends.trends):
        for i, point in enumerate(trend.points):
            height = plot_h * values[s][i] / top
            x = LEFT + i * slot + slot * 0.1 + s * bar_w
            y = TOP + plot_h - height
            bars.append(Bar(s, point, x, y, bar_w, height))
    ticks = tuple((TOP + plot_h * (1 - f), _value(top * f, shares)) for f in (0, 0.5, 1))
    every = -(-len(spans) // MAX_LABELS) if spans else 1
    labels = tuple(
        (LEFT + i * slot + slot / 2, span_label(span, trends.period, short=True))
        for i, span in enumerate(spans)
        if i % every == 0
    )
    return Chart(WIDTH, HEIGHT, tuple(bars), ticks, labels, TOP + plot_h)


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


def percent(share: float) -> str:
    """Return a share (0 to 1) as a French percentage: « 4,52 % »."""
    return french_number(share * 100, 2) + "\u202f%"


def _value(value: float, shares: bool) -> str:
    return percent(value) if shares else french_number(value)


def register(app) -> None:
    """Make the chart helpers available in templates."""
    app.add_template_filter(span_label)
    app.add_template_filter(percent)
    app.add_template_global(COLOURS, "chart_colours")
