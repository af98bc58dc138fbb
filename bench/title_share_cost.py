"""What the title's share (a sentence signal) costs a query, on an index already built.

Usage: python -m bench.title_share_cost INDEX_DIR
Times ``scoring.title_share`` over the rescored window of every sentence-long query among
``make bench``'s query sets and the first 200 leads of orangesum-knownitem-dev, warm (the
median of five calls), and prints its p50, p95 and worst in milliseconds.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np

import search.ranking.ranker as ranking
from search import Archive
from search.models import Sort
from search.ranking.query import parse_query
from search.ranking.scoring import title_share

from .corpus import read_records
from .relevance_semantic import DEV
from .relevance_variants import EVAL
from .run import _query_sets


def cost_ms(snapshot, text: str) -> float | None:
    """Return the warm cost of the title's share for a query, or None if it is not a sentence."""
    parsed = parse_query(text)
    if parsed.query is None:
        return None
    found, entries, _ = ranking.first_ranking(
        snapshot, parsed, None, Sort.RELEVANCE, snapshot.statistics
    )
    if not (found.scored and ranking.is_sentence(entries)):
        return None
    window = found.top(ranking.RESCORE_WINDOW)
    words = ranking.query_stems(parsed, "title")
    times = []
    for _ in range(6):
        started = time.perf_counter()
        title_share(snapshot, words, window)
        times.append(time.perf_counter() - started)
    return float(np.median(times[1:]) * 1000)


def main(index_dir: str) -> None:
    archive = Archive(index_dir)
    snapshot = archive._arrays()
    bench = [q.text for queries in _query_sets(read_records(), 100).values() for q in queries]
    with open(EVAL / DEV / "queries.jsonl", encoding="utf-8") as lines:
        leads = [json.loads(line)["text"] for line in lines][:200]
    for name, texts in (("make bench's queries", bench), ("orangesum leads", leads)):
        costs = [c for c in (cost_ms(snapshot, text) for text in texts) if c is not None]
        p50, p95 = np.percentile(costs, [50, 95])
        print(
            f"{name}: {len(costs)} of {len(texts)} sentence-long; "
            f"p50 {p50:.2f} ms, p95 {p95:.2f} ms, worst {max(costs):.2f} ms"
        )
    archive.close()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m bench.title_share_cost INDEX_DIR")
    main(sys.argv[1])
