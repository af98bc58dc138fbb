"""What facet counts cost: the facet step, a whole search and a trend, median and p95.

Usage: python -m bench.facets_cost INDEX_DIR [ROUNDS]
Each query is measured ROUNDS times (default 30) after one warm-up round that reads its
posting lists. The facet step (the five facets of a result page, duplicates folded or not)
is timed in CPU time, which other work on the machine disturbs less than wall time; whole
searches (page 1) and monthly trends in wall time. Grouping a version's spellings, once per
version and process, is timed last.
"""

from __future__ import annotations

import statistics
import sys
import time
from functools import partial

from search import Archive, Filters, Period, Sort
from search.ranking.filtering import combine, filter_masks
from search.ranking.query import parse_query
from search.ranking.ranker import rank
from search.store.spellings import Grouping
from search.views.querying import _facets

QUERIES = ["coronavirus", "france", "", "retraites"]


def _percentiles(samples: list[float]) -> str:
    p95 = statistics.quantiles(samples, n=20)[18]
    return f"p50 {statistics.median(samples):7.2f} ms  p95 {p95:7.2f} ms"


def _timed(action, rounds: int, clock=time.perf_counter) -> list[float]:
    action()
    samples = []
    for _ in range(rounds):
        started = clock()
        action()
        samples.append((clock() - started) * 1000)
    return samples


def _facet_step(archive: Archive, query: str, rounds: int) -> None:
    snapshot = archive._arrays()
    copies = archive._copies.get(archive._current(), archive._generation)
    masks = filter_masks(snapshot, Filters())
    ranking = rank(snapshot, parse_query(query), combine(masks), Sort.RELEVANCE)
    for label, folding in (("folded", copies), ("raw", None)):
        step = partial(_facets, ranking, masks, folding)
        samples = _timed(step, rounds, time.process_time)
        print(f"facets {query or '(all)':<12} {label:<6} {_percentiles(samples)}  (CPU)")


def main(folder: str, rounds: int) -> None:
    archive = Archive(folder)
    started = time.perf_counter()
    archive.search_articles("coronavirus")
    print(f"first search: {(time.perf_counter() - started) * 1000:.0f} ms")
    for query in QUERIES:
        _facet_step(archive, query, rounds)
        for collapse in (True, False):
            samples = _timed(partial(archive.search_articles, query, collapse=collapse), rounds)
            label = "folded" if collapse else "raw"
            print(f"search {query or '(all)':<12} {label:<6} {_percentiles(samples)}")
        if query:
            samples = _timed(partial(archive.trends, [query], Filters(), Period.MONTH), rounds)
            print(f"trend  {query:<12} folded {_percentiles(samples)}")
    snapshot = archive._arrays()
    started = time.perf_counter()
    grouping = Grouping(snapshot.labels, snapshot.tags, snapshot.live)
    for field in ("section", "author_label", "source_label", "year", "tags"):
        grouping.of(field)
    tagged = grouping.first_tags.sum()
    seconds = time.perf_counter() - started
    print(f"grouping a version's spellings ({tagged:,} tags): {seconds * 1000:.0f} ms")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 30)
