"""Fit the weights of the sentence signals (``ranking.sentence_signals``) on held-out leads.

Usage: python -m bench.relevance_sentence INDEX_DIR
Ranks the leads of orangesum-heldout and orangesum-knownitem-dev with the shipped ranking, the
sentence signals left out (200 best hits each; INDEX_DIR is shared with
``bench.relevance_variants``, topic space included), computes each signal with the production
functions, then for each threshold of words (signals only for longer queries) searches a grid
of weights for the best nDCG@10 on the held-out leads and reports it on the dev leads, beside
the shipped weights.
"""

from __future__ import annotations

import itertools
import sys

import numpy as np

import search.ranking.ranker as ranking
from bench.heldout import NAME as HELDOUT
from bench.relevance_semantic import DEV, measured, ndcg
from bench.relevance_variants import open_set, rank_scored
from search import Archive
from search.ranking.query import parse_query
from search.ranking.scoring import coordination

GRID = {
    "topic": (0, 0.5, 1.0, 1.5, 2.0, 2.5),
    "likelihood": (0, 0.5, 1.0, 1.5, 2.0, 2.5),
    "coordination": (0, 1.0, 1.5, 2.0, 2.5, 3.0),
    "title": (0, 0.5, 0.75, 1.0, 1.25, 1.5),
}
THRESHOLDS = (0, 6, 8, 10, 16)
# Less than one held-out lead moving from second to first (0.37 / 3,000).
TIE = 1e-4


def signals(archive: Archive, eval_set, hits) -> list:
    """Return, per lead, (id, judged position, {signal: values over its hits}, ids, words)."""
    snapshot = archive._arrays()
    docnum = {snapshot.searcher.stored_fields(d)["id"]: d for d in range(snapshot.size)}
    table = []
    for qid, ranked in hits.items():
        if not ranked:
            continue
        parsed = parse_query(eval_set.queries[qid])
        entries = ranking.scored_entries(parsed.query)
        ids = [doc for doc, _ in ranked]
        window = np.array([docnum[doc] for doc in ids])
        held = coordination(snapshot, parsed.forms)
        found = ranking.sentence_features(snapshot, parsed, entries, window, held)
        found["log_score"] = np.log(np.array([score for _, score in ranked]))
        judged = next(iter(eval_set.qrels[qid]))
        words = len({text for _, text, _ in entries})
        table.append((qid, ids.index(judged) if judged in ids else -1, found, ids, words))
    return table


def gated(table, threshold: int) -> list:
    """Return the table with the signals of queries of threshold words or fewer set to 0."""
    kept = []
    for qid, judged, found, ids, words in table:
        if words <= threshold:
            found = {k: v * (k == "log_score") for k, v in found.items()}
        kept.append((qid, judged, found, ids))
    return kept


def ties_first(tried: list) -> list:
    """Return the (nDCG@10, weights) tried, the smallest weights of the tied best points first.

    Points within TIE of the best are tied: the held-out optimum is a ridge along which the
    weights grow together, and the least departure from the word ranking is kept.
    """
    tied = [point for point in tried if point[0] >= tried[0][0] - TIE]
    tied.sort(key=lambda point: sum(point[1]))
    return tied + tried[len(tied) :]


def main(folder: str) -> None:
    sets, tables = {}, {}
    threshold_shipped, ranking.SENTENCE_TERMS = ranking.SENTENCE_TERMS, 10**6
    archive = Archive(folder)
    for name in (HELDOUT, DEV):
        sets[name], tasks = open_set(name, folder)
        tables[name] = signals(archive, sets[name], rank_scored(folder, tasks, 200))
    shipped = {"log_score": 1.0, **ranking.SENTENCE_WEIGHTS}
    for threshold in THRESHOLDS:
        held, dev = gated(tables[HELDOUT], threshold), gated(tables[DEV], threshold)
        tried = []
        for values in itertools.product(*GRID.values()):
            weights = {"log_score": 1.0, **dict(zip(GRID, values, strict=True))}
            tried.append((ndcg(held, weights), values))
        tried.sort(reverse=True)
        tried = ties_first(tried)
        best = {"log_score": 1.0, **dict(zip(GRID, tried[0][1], strict=True))}
        near = [
            round(ndcg(dev, {"log_score": 1.0, **dict(zip(GRID, v, strict=True))}), 4)
            for _, v in tried[:12]
        ]
        print(f"more than {threshold} words: best held-out weights {tried[0][1]}")
        print(f"  held-out {measured(held, sets[HELDOUT].qrels, best)}")
        print(f"  dev      {measured(dev, sets[DEV].qrels, best)}")
        print(f"  dev nDCG@10 at the 12 best held-out points: {min(near)}–{max(near)}")
        print(f"  shipped weights: dev {measured(dev, sets[DEV].qrels, shipped)}", flush=True)
        if threshold != threshold_shipped:
            continue
        for signal in GRID:
            alone = {"log_score": 1.0, signal: shipped[signal]}
            print(
                f"  {signal} alone: held-out {ndcg(held, alone):.3f}, "
                f"dev {measured(dev, sets[DEV].qrels, alone)}"
            )
    archive.close()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m bench.relevance_sentence INDEX_DIR")
    main(sys.argv[1])
