"""What the topic space costs: fitting, folding in, disk, memory, and passage query time.

Usage: python -m bench.topics_cost INDEX_DIR
INDEX_DIR is an index of orangesum-knownitem-dev's articles (``bench.relevance_variants``
builds it). Its topic space is fitted again from scratch (time, peak memory of this process),
brought up to date with nothing to do, then with 100 articles folded in; the leads of the
dev set are then ranked one at a time with and without the sentence signals (median and p95),
after a first pass that reads every posting list they need.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import search.ranking.ranker as ranking
import search.store.topic_files as topic_files
import search.store.topics as topics
from bench.relevance_variants import EVAL
from search import Archive
from search.evaluation import load_eval_set


def _timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def main(folder: str) -> None:
    topics.clear_topics(folder)
    seconds, report = _timed(lambda: topics.update_topics(folder))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"fit: {report.articles:,} articles, {seconds:.1f} s, peak RSS {peak:,.0f} MB")
    size = sum(p.stat().st_size for p in Path(folder).glob("fouille-topics*"))
    print(f"files: {size / 1e6:.1f} MB")
    space = topics.load_topics(folder)
    print(
        f"in memory: basis {space.basis.shape} {space.basis.nbytes / 1e6:.0f} MB, vectors "
        f"{space.vectors.nbytes / 1e6:.0f} MB (and as much again by document number)"
    )
    seconds, _ = _timed(lambda: topics.update_topics(folder))
    print(f"update with nothing to do: {seconds:.2f} s")
    # Folding in: forget 100 articles' vectors, as if they had just been added.
    record = topic_files.read_record(Path(folder))
    topic_files.write_record(Path(folder), replace(record, rows=record.rows - 100))
    seconds, report = _timed(lambda: topics.update_topics(folder))
    print(f"update folding in {report.folded} articles: {seconds:.2f} s")
    leads = list(load_eval_set(EVAL / "orangesum-knownitem-dev").queries.values())[:300]
    archive = Archive(folder)
    # Every posting list the leads need read once, so that neither run pays for the reading.
    for lead in leads:
        archive.rank_ids(lead, 10)
    for label, terms in (("with sentence signals", ranking.SENTENCE_TERMS), ("without", 10**6)):
        ranking.SENTENCE_TERMS = terms
        times = [_timed(lambda q=q: archive.rank_ids(q, 10))[0] * 1000 for q in leads]
        p95 = statistics.quantiles(times, n=20)[-1]
        median = statistics.median(times)
        print(f"{len(leads)} leads {label}: median {median:.1f} ms, p95 {p95:.1f} ms")
    archive.close()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m bench.topics_cost INDEX_DIR")
    main(sys.argv[1])
