"""The rows of the trends table: one per period, and one per run of periods without a match."""

from __future__ import annotations

from dataclasses import dataclass

from search import Span, Trends

# Fewer consecutive periods without any match than this keep a row each.
MIN_RUN = 2


@dataclass(frozen=True)
class Row:
    """One period of the table (index into the trends' spans), or a run of empty ones."""

    first: Span
    last: Span
    index: int
    # Articles published over the row's periods, matching or not.
    total: int
    empty: bool = False


def table_rows(trends: Trends) -> list[Row]:
    """Return the table's rows: runs of periods where no query matches folded into one."""
    points = [t.points for t in trends.trends]
    rows: list[Row] = []
    run: list[int] = []
    for i, span in enumerate(trends.spans):
        if all(p[i].count == 0 for p in points):
            run.append(i)
            continue
        rows += _run_rows(trends, run)
        run = []
        rows.append(Row(span, span, i, points[0][i].total))
    return rows + _run_rows(trends, run)


def _run_rows(trends: Trends, run: list[int]) -> list[Row]:
    spans, points = trends.spans, trends.trends[0].points
    if len(run) < MIN_RUN:
        return [Row(spans[i], spans[i], i, points[i].total) for i in run]
    total = sum(points[i].total for i in run)
    return [Row(spans[run[0]], spans[run[-1]], run[0], total, empty=True)]
