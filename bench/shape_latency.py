"""Latency of the query-shape routing (issue 18): headline queries, shipped against before.

Usage: python -m bench.shape_latency INDEX_DIR
Times ``Archive.rank_ids`` warm on the first 300 queries of ``orangesum-headlines`` (a few
words each, so the path that asks what an article is about) after 50 warm-up queries, in two
alternating rounds of each ranking: ``before`` ranks every query as a sentence.
"""

from __future__ import annotations

import sys
import time

import numpy as np

import search.ranking.query as query
from bench.headlines import headline_set
from search import Archive


def main(folder: str) -> None:
    texts = list(headline_set().queries.values())[:300]
    archive = Archive(folder)
    shaped = query.asks_about
    for text in texts[:50]:
        archive.rank_ids(text, 10)
    for round_ in (1, 2):
        for name, asks in (("before", lambda text: False), ("shipped", shaped)):
            query.asks_about = asks
            times = []
            for text in texts:
                started = time.perf_counter()
                archive.rank_ids(text, 10)
                times.append((time.perf_counter() - started) * 1000)
            p50, p95 = np.percentile(times, [50, 95])
            print(f"round {round_} {name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms", flush=True)
    query.asks_about = shaped


if __name__ == "__main__":
    main(sys.argv[1])
