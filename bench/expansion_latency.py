"""Latency of the query expansions of issue 18: acronyms, variants, the best titles' words.

Usage: python -m bench.expansion_latency INDEX_DIR
Times ``Archive.rank_ids`` warm, after 50 warm-up queries, in two alternating rounds of each
ranking, on two query sets: the first 300 ``orangesum-headlines`` queries (a few words, few
of them acronyms: what every such query pays) and ``C’est quoi le X ?`` for the index's 300
most often defined acronyms. ``before`` neither expands a word nor feeds titles back.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import search.ranking.ranker as ranker
from bench.headlines import headline_set
from bench.latency import ranking_p50_p95
from search import Archive
from search.store.definitions import SIDECAR


def acronym_queries(folder: str, count: int = 300) -> list[str]:
    """Return a question for each of the index's most often defined acronyms."""
    defined = json.loads((Path(folder) / SIDECAR).read_text("utf-8"))["acronyms"]
    ranked = sorted(defined, key=lambda a: -sum(defined[a].values()))
    return [f"C’est quoi le {acronym} ?" for acronym in ranked[:count]]


def main(folder: str) -> None:
    archive = Archive(folder)
    shipped = ranker.meanings, ranker.feedback_words
    before = (lambda snapshot, parsed: []), (lambda snapshot, best, entries, stats: [])
    sets = {"headlines": list(headline_set().queries.values())[:300]}
    sets["acronyms"] = acronym_queries(folder)
    for name, texts in sets.items():
        for text in texts[:50]:
            archive.rank_ids(text, 10)
        for round_ in (1, 2):
            for ranking, (meanings, feedback) in (("before", before), ("shipped", shipped)):
                ranker.meanings, ranker.feedback_words = meanings, feedback
                p50, p95 = ranking_p50_p95(archive, texts)
                print(f"{name} round {round_} {ranking}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    ranker.meanings, ranker.feedback_words = shipped


if __name__ == "__main__":
    main(sys.argv[1])
