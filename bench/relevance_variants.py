"""Score ranking variants on a relevance set without re-indexing: the experiments of RELEVANCE.md.

Usage: python bench/relevance_variants.py SET INDEX_DIR VARIANT...
SET is a folder of ../shared/eval (piaf-dev, orangesum-knownitem-dev); INDEX_DIR is built on
the first run and reused. Each variant is patched into the production ranking path
(``Archive.rank_ids``) in forked worker processes; ``base`` is the shipped configuration.
Example: python bench/relevance_variants.py piaf-dev /tmp/piaf base true_bm25f b075
"""

from __future__ import annotations

import functools
import importlib
import math
import multiprocessing
import sys
import time
from pathlib import Path

import numpy as np

import search.archive
import search.ranking as ranking
import search.scoring as scoring
from search import Archive, build_index
from search.evaluation import is_searchable, load_eval_set, score_run
from search.schema import TEXT_FIELDS

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


def dirichlet(snapshot, entries, mu=300.0):
    """Query likelihood with Dirichlet smoothing over title (×2), lead (×1.5) and text."""
    weights = {"title": 2.0, "summary": 1.5, "body": 1.0}
    lengths = sum(w * snapshot.field_lengths(f) for f, w in weights.items())
    collection = float(lengths[snapshot.live].sum())
    fields_of: dict[str, list[str]] = {}
    for fieldname, text in scoring._terms(snapshot, entries):
        if fieldname in weights:
            fields_of.setdefault(text, []).append(fieldname)
    scores, words = np.zeros(snapshot.size), 0
    for text, fieldnames in fields_of.items():
        tf = np.zeros(snapshot.size)
        for fieldname in fieldnames:
            found = snapshot.postings(fieldname, text)
            tf[found.docs] += weights[fieldname] * found.freqs
        if tf.sum():
            docs = np.flatnonzero(tf)
            scores[docs] += np.log1p(tf[docs] / (mu * tf.sum() / collection))
            words += 1
    docs = np.flatnonzero(scores > 0)
    result = np.zeros(snapshot.size)
    result[docs] = scores[docs] + words * np.log(mu / (lengths[docs] + mu))
    if len(docs):
        # Positive, so that coordination and proximity still multiply it sensibly.
        result[docs] -= result[docs].min() - 1e-3
    return result


def coordination_power(power):
    original = scoring.coordination
    ranking.coordination = lambda snapshot, groups: original(snapshot, groups) ** power


def early_bonus(weight, within=50):
    """Raise articles whose text opens with the query's words (inverted pyramid)."""
    original = ranking.proximity

    def proximity(snapshot, groups, docnums):
        near = original(snapshot, groups, docnums)
        early, total = dict.fromkeys(near, 0.0), 0.0
        for group in groups:
            frequency = max([snapshot.frequency(f, t) for f, t, p in group if not p] or [1])
            rarity = math.log(1 + snapshot.size / max(frequency, 1))
            total += rarity
            for docnum, spots in ranking._group_positions(snapshot, group, docnums).items():
                if spots and spots[0] < within:
                    early[docnum] += rarity
        extra = weight / ranking.PROXIMITY_WEIGHT / (total or 1)
        return {d: near[d] + extra * early[d] for d in near}

    ranking.proximity = proximity


VARIANTS = {
    "base": lambda: None,
    "always_bm25f": lambda: setattr(scoring, "LONG_QUERY", 10**6),
    "always_per_field": lambda: setattr(scoring, "LONG_QUERY", 0),
    "long_query_8": lambda: setattr(scoring, "LONG_QUERY", 8),
    "long_query_12": lambda: setattr(scoring, "LONG_QUERY", 12),
    "long_query_24": lambda: setattr(scoring, "LONG_QUERY", 24),
    "dirichlet": lambda: setattr(ranking, "bm25", dirichlet),
    "dirichlet_500": lambda: setattr(ranking, "bm25", functools.partial(dirichlet, mu=500)),
    "dirichlet_alone": lambda: (setattr(ranking, "bm25", dirichlet), coordination_power(0)),
    "no_coordination": lambda: coordination_power(0),
    "coordination_squared": lambda: coordination_power(2),
    "early": lambda: early_bonus(0.5),
    "b075": lambda: setattr(scoring, "B", 0.75),
    "k15": lambda: setattr(scoring, "K1", 1.5),
    "proximity05": lambda: setattr(ranking, "PROXIMITY_WEIGHT", 0.5),
    "no_proximity": lambda: setattr(ranking, "PROXIMITY_WEIGHT", 0.0),
    "title3": lambda: TEXT_FIELDS.update(title=3.0),
}

_archive: Archive | None = None


def _open(folder: str) -> None:
    global _archive
    _archive = Archive(folder)


def _rank(task: tuple[str, str]) -> tuple[str, list[str]]:
    qid, text = task
    return qid, [article_id for article_id, _ in _archive.rank_ids(text, 100)]


def main(name: str, folder: str, variants: list[str]) -> None:
    eval_set = load_eval_set(EVAL / name)
    index = Path(folder)
    if not list(index.glob("_MAIN_*.toc")):
        build_index(index, eval_set.articles)
    tasks = [(q, t) for q, t in eval_set.queries.items() if is_searchable(t)]
    for variant in variants:
        importlib.reload(scoring)
        importlib.reload(ranking)
        importlib.reload(search.archive)
        TEXT_FIELDS.update(title=2.0)
        VARIANTS[variant]()
        started = time.perf_counter()
        # Forked workers inherit the patched modules.
        with multiprocessing.get_context("fork").Pool(2, _open, (folder,)) as pool:
            run = dict(r for r in pool.imap(_rank, tasks, chunksize=16) if r[1])
        metrics = score_run(eval_set.qrels, run)
        shown = " / ".join(f"{metrics[m]:.3f}" for m in ("nDCG@10", "MRR@10", "R@100"))
        print(f"{name} {variant}: {shown} ({time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    if len(sys.argv) < 4 or not set(sys.argv[3:]) <= VARIANTS.keys():
        names = ", ".join(VARIANTS)
        sys.exit(f"usage: {sys.argv[0]} SET INDEX_DIR VARIANT... (variants: {names})")
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
