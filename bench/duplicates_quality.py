"""Measure duplicate detection on the real corpus: clusters, repeated titles, cost, samples.

Usage:
    fouille index ../shared/corpus/orangesum.jsonl.gz --index /tmp/dupix --skip-invalid
    python bench/duplicates_quality.py [--index /tmp/dupix] [--review /tmp/dup-review.md]

It signs the whole index again from an empty record (timed), then times an update with
nothing to do and one with 500 articles new to the record, then counts: clusters, the pairs
of articles sharing a title (which are not all duplicates: daily recurring articles keep
their title) and how many of those pairs are clustered, and the clustered pairs whose titles
differ. A fixed random sample of clustered pairs goes to the review file, both texts' first
300 characters side by side, to be judged by hand (docs/INGESTION.md, "Duplicates").
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import random
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np

from search import Archive, update_duplicates
from search.store.clustering import SIDECAR, clear_duplicates, load_clusters
from search.store.duplicates import clusters, shingle_hashes

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "orangesum.jsonl.gz"


def timed_updates(index_dir: Path) -> dict[str, float]:
    """Return the seconds of a full signing, a no-op update and a 500-article update."""
    clear_duplicates(index_dir)
    full = update_duplicates(index_dir)
    idle = update_duplicates(index_dir)
    record = json.loads((index_dir / SIDECAR).read_text("utf-8"))
    for article_id in sorted(record["articles"])[:500]:
        del record["articles"][article_id]
    (index_dir / SIDECAR).write_text(json.dumps(record), "utf-8")
    some = update_duplicates(index_dir)
    assert (full.signed, idle.signed, some.signed) == (full.articles, 0, 500)
    return {"full": full.seconds, "idle": idle.seconds, "500 new": some.seconds}


def jaccard(first: str, second: str) -> float:
    a, b = set(shingle_hashes(first).tolist()), set(shingle_hashes(second).tolist())
    return len(a & b) / len(a | b) if a | b else 0.0


def missed(pairs, articles: dict[str, dict]) -> dict[str, int]:
    """Return how many pairs fall in each band of exact shingle Jaccard similarity."""
    bands = Counter()
    for a, b in pairs:
        value = jaccard(articles[a]["text"], articles[b]["text"])
        bands[next(f"<{edge}" for edge in (0.1, 0.3, 0.5, 0.7, 1.01) if value < edge)] += 1
    return dict(sorted(bands.items()))


def threshold_table(index_dir: Path, articles: dict[str, dict]) -> None:
    """Print, for thresholds around the chosen one, the clusters and pairs they would give."""
    record = json.loads((index_dir / SIDECAR).read_text("utf-8"))["articles"]
    ids = sorted(i for i, entry in record.items() if entry[2])
    matrix = np.stack([np.frombuffer(base64.b64decode(record[i][2]), np.uint16) for i in ids])
    # Bands of two values: candidates down to a similarity of about 0.2, all then estimated.
    candidates = set()
    for column in np.ascontiguousarray(matrix).view(np.uint32).T:
        order = np.argsort(column, kind="stable")
        runs = np.split(order, np.flatnonzero(np.diff(column[order])) + 1)
        candidates.update(p for run in runs if len(run) > 1 for p in combinations(sorted(run), 2))
    similar = {(a, b): np.count_nonzero(matrix[a] == matrix[b]) / 64 for a, b in candidates}
    print("threshold  clusters  articles  pairs  same-title  other titles")
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.9):
        pairs = [(ids[a], ids[b]) for (a, b), value in similar.items() if value >= threshold]
        groups = clusters(pairs, {})
        inside = [p for group in groups for p in combinations(group, 2)]
        same = sum(articles[a]["title"] == articles[b]["title"] for a, b in inside)
        print(
            f"{threshold:9}  {len(groups):8,}  {sum(map(len, groups)):8,}  {len(inside):5,}"
            f"  {same:10,}  {len(inside) - same:12,}"
        )


def title_pairs(articles: dict[str, dict]) -> set[tuple[str, str]]:
    by_title = defaultdict(list)
    for article_id, article in articles.items():
        by_title[article["title"]].append(article_id)
    repeated = [ids for ids in by_title.values() if len(ids) > 1]
    print(f"repeated titles: {len(repeated):,}, held by {sum(map(len, repeated)):,} articles")
    return {tuple(sorted(pair)) for ids in repeated for pair in combinations(ids, 2)}


def review(pairs, articles, count: int, rng: random.Random, heading: str) -> str:
    lines = [f"## {heading}\n"]
    for n, (a, b) in enumerate(rng.sample(sorted(pairs), min(count, len(pairs))), 1):
        first, second = articles[a], articles[b]
        lines += [
            f"### {n}. {a} / {b}  (Jaccard {jaccard(first['text'], second['text']):.2f})\n",
            f"- A {first['published'][:16]} — {first['title']}",
            f"  > {first['text'][:300]}",
            f"- B {second['published'][:16]} — {second['title']}",
            f"  > {second['text'][:300]}\n",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=Path("/tmp/dupix"))
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--review", type=Path, default=Path("/tmp/duplicates-review.md"))
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()

    print("update seconds:", {k: round(v, 2) for k, v in timed_updates(options.index).items()})
    started = time.perf_counter()
    archive = Archive(options.index)
    archive.search_articles("coronavirus")
    print(f"first search, record loaded: {time.perf_counter() - started:.2f} s")
    for query in ("coronavirus", "le point sur la pandémie", "grève"):
        for collapse in (True, False):
            started = time.perf_counter()
            for _ in range(5):
                results = archive.search_articles(query, page=3, collapse=collapse)
            seconds = (time.perf_counter() - started) / 5
            print(
                f"  {query!r} collapse={collapse}: {results.total:,} results, "
                f"{results.folded:,} folded, {seconds * 1000:.0f} ms"
            )

    with gzip.open(options.corpus, "rt", encoding="utf-8") as lines:
        articles = {a["id"]: a for a in map(json.loads, lines)}
    groups = load_clusters(options.index).groups
    sizes = Counter(len(group) for group in groups)
    print(f"clusters: {len(groups):,} holding {sum(map(len, groups)):,} articles, sizes {sizes}")
    clustered = {tuple(sorted(p)) for group in groups for p in combinations(group, 2)}
    same = title_pairs(articles)
    exact = {p for p in same if articles[p[0]]["text"] == articles[p[1]]["text"]}
    print(f"same-title pairs: {len(same):,}, identical text {len(exact):,}")
    print(f"  clustered: {len(same & clustered):,} (identical text {len(exact & clustered):,})")
    near = {p for p in same & clustered if p not in exact}
    cross = {p for p in clustered if articles[p[0]]["title"] != articles[p[1]]["title"]}
    print(f"  near, not identical: {len(near):,}; clustered pairs, titles differ: {len(cross):,}")
    print("  not clustered, by exact Jaccard:", missed(same - clustered, articles))

    threshold_table(options.index, articles)
    rng = random.Random(options.seed)
    options.review.write_text(
        review(same & clustered, articles, options.sample, rng, "Same title, clustered")
        + "\n"
        + review(near, articles, options.sample, rng, "Same title, clustered, not identical")
        + "\n"
        + review(cross, articles, options.sample, rng, "Different titles, clustered"),
        "utf-8",
    )
    print(f"samples for review: {options.review}")


if __name__ == "__main__":
    main()
