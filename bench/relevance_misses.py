"""Where the judged document of each query ranks, and how often an identical copy stands above it.

Usage: python -m bench.relevance_misses SET INDEX_DIR
SET is a folder of ../shared/eval; INDEX_DIR is built on the first run and reused (the same
folder ``bench/relevance_variants.py`` uses). Prints how many judged documents rank 1st, 2nd–3rd,
4th–10th, 11th–100th or below, and for how many queries an article with exactly the same title
and text ranks above the judged one (no ranking can order two identical articles), with the
nDCG@10 those queries would gain if the copies stood below.
"""

from __future__ import annotations

import math
import sys
from collections import Counter

from bench.relevance_variants import open_set, rank_all

BANDS = ((1, "1"), (3, "2-3"), (10, "4-10"), (100, "11-100"))


def _gain(rank: int) -> float:
    return 1 / math.log2(rank + 1) if rank <= 10 else 0.0


def main(name: str, folder: str) -> None:
    eval_set, tasks = open_set(name, folder)
    run = rank_all(folder, tasks)
    content = {a.id: (a.title, a.body) for a in eval_set.articles}
    bands, copied, gain = Counter(), 0, 0.0
    for qid, judged in eval_set.qrels.items():
        ranked = run.get(qid, [])
        target = next((d for d in ranked if judged.get(d, 0) > 0), None)
        if target is None:
            bands["below 100"] += 1
            continue
        rank = ranked.index(target) + 1
        bands[next(label for limit, label in BANDS if rank <= limit)] += 1
        copies = [d for d in ranked[: rank - 1] if content[d] == content[target]]
        if copies:
            copied += 1
            gain += _gain(rank - len(copies)) - _gain(rank)
    shown = ", ".join(f"{label}: {bands[label]}" for _, label in (*BANDS, (0, "below 100")))
    print(f"{name}: judged document ranked {shown} (of {len(eval_set.qrels)} queries)")
    print(
        f"an identical copy ranks above the judged document for {copied} queries; "
        f"nDCG@10 would gain {gain / len(eval_set.qrels):.3f} if they stood below"
    )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m bench.relevance_misses SET INDEX_DIR")
    main(sys.argv[1], sys.argv[2])
