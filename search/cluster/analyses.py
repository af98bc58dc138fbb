"""Trends, concordances and exports of results over every shard, counted as one index would.

Each asks the shards for what it counts (a trend: the filtered articles' days and clusters;
a concordance: its articles newest first, with how many lines each gives; an export: every
match in result order) and does the rest as ``views/`` does over one index, on the merged
whole. Only the concordance's pages read their articles' lines, from the shards holding them.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..errors import MissingQuery
from ..models import Filters, Sort
from ..ranking.query import parse_query
from ..ranking.ranker import RESCORE_WINDOW
from ..views.concordance import Concordance, ConcordanceSort, neighbour_of
from ..views.periods import Period
from ..views.trends import TREND_FACETS, Counted, Trends, assemble_trends, checked_queries
from .coordinator import Coordinator, left
from .merging import Merged, counting_copies, facets_of, first_of_each, merge_tops
from .messages import Top

# Rows of an export read from the shards at once.
ROWS = 500


def trends(
    coordinator: Coordinator,
    queries: list[str],
    filters: Filters,
    period: Period,
    collapse: bool,
    whole: bool,
    budget: float | None = None,
) -> Trends:
    """Return each query's matches per period over every shard, as one index counts them.

    Associated words are not looked for over shards yet.
    """
    queries = checked_queries(queries)
    stats = [coordinator.statistics(text) for text in queries]
    found = coordinator.call("trend_parts", queries, filters, stats, collapse, budget)
    parts = [found[n] for n in sorted(found)]
    offsets = np.cumsum([0] + [len(p.days) for p in parts])
    matches = [
        np.concatenate([p.matches[q] + offsets[i] for i, p in enumerate(parts)])
        for q in range(len(queries))
    ]
    shown = coordinator.version().shown
    counted = Counted(
        queries,
        np.concatenate([p.days for p in parts]),
        np.arange(offsets[-1]),
        matches,
        [
            (facets_of([p.facets[q] for p in parts], shown, TREND_FACETS), (), 0)
            for q in range(len(queries))
        ],
        coordinator.version().documents,
    )
    clusters = np.concatenate([p.clusters for p in parts])
    copies = counting_copies(clusters) if collapse else None
    flags = (any(p.partial for p in parts), any(p.capped for p in parts))
    return assemble_trends(counted, filters, period, copies, whole, flags)


def export_order(coordinator: Coordinator, text: str, filters: Filters, sort: Sort):
    """Return every match in result order, duplicates included; and whether scored."""
    query = coordinator.rank(text, filters, sort, RESCORE_WINDOW, False)
    every = {n: (query.token, s.total) for n, s in query.scored.items()}
    merged = merge_tops(coordinator.call("top", per_shard=every))
    return merged, sort is Sort.RELEVANCE and query.parsed.query is not None


def export_rows(coordinator: Coordinator, order: Merged, scored: bool) -> Iterator[tuple]:
    """Yield the exported row of each match in order, read from its shard a batch at once."""
    for start in range(0, len(order), ROWS):
        part = order[start : start + ROWS]
        places = part.by_shard(coordinator.shards)
        asked = {
            n: (
                places[n].tolist(),
                [float(k) if scored else None for k in part.keys[part.shards == n]],
            )
            for n in coordinator.shards
            if len(places[n])
        }
        answers = coordinator.call("result_rows", per_shard=asked)
        found = {n: iter(rows) for n, rows in answers.items()}
        for shard in part.shards.tolist():
            yield next(found[shard])


def concordance(
    coordinator: Coordinator,
    text: str,
    filters: Filters,
    sort: ConcordanceSort,
    collapse: bool,
    page: int = 1,
    per_page: int | None = None,
    budget: float | None = None,
) -> Concordance:
    """Return one page of the concordance of text's words in every shard's matching articles.

    :raises MissingQuery: if text holds no query.
    """
    if parse_query(text).query is None:
        raise MissingQuery("no query to find in context")
    stats = coordinator.statistics(text)
    found = coordinator.call("concordance_order", text, filters, stats, collapse, left(budget))
    flags = (any(p.partial for p in found.values()), any(p.capped for p in found.values()))
    if not any(p.wanted for p in found.values()):
        return Concordance(text, filters, sort, (), 0, 0, 0, page, per_page)
    order = merge_tops({n: Top(p.keys, p.docnums, p.clusters) for n, p in found.items()})
    order = first_of_each(order) if collapse else order
    counts = np.array([found[s].counts[r] for s, r in order.places()], dtype=np.int64)
    order, counts = order[counts > 0], counts[counts > 0]
    first = (page - 1) * (per_page or 0)
    last = first + per_page if per_page else int(counts.sum())
    if sort is ConcordanceSort.DATE:
        lines = _lines_between(coordinator, text, stats, order, counts, first, last)
    else:
        lines = _lines_between(coordinator, text, stats, order, counts, 0, int(counts.sum()))
        lines = sorted(lines, key=neighbour_of(sort))[first:last]
    matches = sum(p.total for p in found.values())
    total, articles = int(counts.sum()), len(order)
    return Concordance(
        text, filters, sort, tuple(lines), total, articles, matches, page, per_page, *flags
    )


def _lines_between(coordinator, text, stats, order: Merged, counts, first: int, last: int):
    """Return the lines first to last of the articles in order, read from their shards."""
    starts = np.cumsum(counts) - counts
    chosen = np.flatnonzero((starts < last) & (starts + counts > first))
    part = order[chosen]
    places = part.by_shard(coordinator.shards)
    wanted = {n: counts[chosen][part.shards == n].tolist() for n in coordinator.shards}
    asked = {
        n: (text, stats, places[n].tolist(), wanted[n])
        for n in coordinator.shards
        if len(places[n])
    }
    answers = coordinator.call("concordance_lines", per_shard=asked) if asked else {}
    found = {n: iter(lines) for n, lines in answers.items()}
    lines = []
    for at, shard in zip(chosen.tolist(), part.shards.tolist(), strict=True):
        begin = int(starts[at])
        lines.extend(next(found[shard])[max(0, first - begin) : max(0, last - begin)])
    return lines
