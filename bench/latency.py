"""Query latency, one query at a time: Fouille through its public API, and the peers."""

from __future__ import annotations

import time
from collections.abc import Callable

from search import Archive, Filters, open_archive

from .measure import percentile
from .querysets import Query


def fouille_engines(index_dir) -> dict[str, Callable[[Query, bool], object]]:
    """Return Fouille's two ways to answer: the full result page, and the ranking alone."""
    archive = Archive(index_dir)

    def page(query: Query, facets: bool) -> object:
        # Snippets, facets and folded duplicates: what /api/search returns.
        return archive.search_articles(query.text, _filters(query), per_page=10)

    def ranking(query: Query, facets: bool) -> object:
        # The ranked ids only: no snippets, facets, folding, nor filters.
        return archive.rank_ids(query.text, limit=10)

    return {"fouille": page, "fouille (no snippets)": ranking}


def sharded_engine(index_dir) -> Callable[[Query, bool], object]:
    """Return the full result page of a sharded index, its shards as actors on a local Ray."""
    archive = open_archive(index_dir, cluster="local")

    def page(query: Query, facets: bool) -> object:
        return archive.search_articles(query.text, _filters(query), per_page=10)

    return page


def peer_engine(peer) -> Callable[[Query, bool], object]:
    """Return a peer's search as an engine."""
    return peer.search


def timings(engine: Callable[[Query, bool], object], queries: list[Query]) -> list[float]:
    """Return the milliseconds engine took for each query, after a warm-up on the first ten."""
    facets = any(q.section or q.year for q in queries)
    for query in queries[:10]:
        engine(query, facets)
    times = []
    for query in queries:
        started = time.perf_counter()
        engine(query, facets)
        times.append((time.perf_counter() - started) * 1000)
    return times


def ranking_p50_p95(archive, texts: list[str]) -> tuple[float, float]:
    """Return the median and 95th percentile ms of ranking each text's best ten (ids only)."""
    times = []
    for text in texts:
        started = time.perf_counter()
        archive.rank_ids(text, 10)
        times.append((time.perf_counter() - started) * 1000)
    return p50_p95(times)


def p50_p95(times: list[float]) -> tuple[float, float]:
    """Return the median and 95th percentile of times."""
    return percentile(times, 50), percentile(times, 95)


def _filters(query: Query) -> Filters:
    return Filters(
        sections=(query.section,) if query.section else (),
        years=(query.year,) if query.year else (),
    )
