"""Fouille's rows of `make bench`'s latency table, on an index already built.

Usage: python -m bench.index_latency INDEX_DIR [RUNS]
The same query sets as ``bench.run`` (first 100 of each), one result page each (snippets,
facets, folding: what /api/search returns); to compare two versions of the code, run it from
each checkout in turn, alternating.
"""

from __future__ import annotations

import sys

from .corpus import read_records
from .latency import fouille_engines, p50_p95, timings
from .run import _query_sets


def main(index_dir: str, runs: int = 1) -> None:
    """Print each query set's p50 and p95 in milliseconds, per run."""
    sets = _query_sets(read_records(), 100)
    engine = fouille_engines(index_dir)["fouille"]
    for name, queries in sets.items():
        found = [p50_p95(timings(engine, queries)) for _ in range(runs)]
        print(f"{name}: " + "  ".join(f"p50 {a:.1f} ms, p95 {b:.1f} ms" for a, b in found))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1)
