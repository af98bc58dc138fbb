"""Latency of the query-shape routing (issue 18): headline queries, shipped against before.

Usage: python -m bench.shape_latency INDEX_DIR
Times ``Archive.rank_ids`` warm on the first 300 queries of ``orangesum-headlines`` (a few
words each, so the path that asks what an article is about) after 50 warm-up queries, in two
alternating rounds of each ranking: ``before`` ranks every query as a sentence.
"""

from __future__ import annotations

import sys

import search.ranking.query as query
from bench.headlines import headline_set
from bench.latency import ranking_p50_p95
from search import Archive


def main(folder: str) -> None:
    texts = list(headline_set().queries.values())[:300]
    archive = Archive(folder)
    # parse_query reads the shape through these two names (query.py imports them).
    shaped = query.is_question, query.is_keywords
    unshaped = (lambda text: False,) * 2
    for text in texts[:50]:
        archive.rank_ids(text, 10)
    for round_ in (1, 2):
        for name, shape in (("before", unshaped), ("shipped", shaped)):
            query.is_question, query.is_keywords = shape
            p50, p95 = ranking_p50_p95(archive, texts)
            print(f"round {round_} {name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms", flush=True)
    query.is_question, query.is_keywords = shaped


if __name__ == "__main__":
    main(sys.argv[1])
