"""Query latency over the shards of an index on a local Ray cluster, against one index.

``python -m bench.shards_latency ONE_INDEX SHARDED_INDEX [--runs 3] [--sample 100]`` runs
``make bench``'s query sets (keywords, questions, filters and facets), each query a results
page with snippets, facets and folded duplicates as ``/api/search`` returns it, one query at a
time, on one archive then the other, runs times, and prints each set's p50 and p95 in ms per
archive (the median over the runs) as JSON. The sharded index is searched through
``open_archive(SHARDED_INDEX, cluster="local")``: one actor per shard on a Ray cluster started
on this machine, the coordinator in this process, as a web worker of ``fouille serve
--cluster local`` runs it.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from .corpus import read_records
from .latency import fouille_engines, p50_p95, sharded_engine, timings
from .run import _query_sets


def measure(engines: dict, sets: dict, runs: int) -> dict:
    """Return {set: {engine: [p50, p95]}}, medians over runs, the engines taken in turn."""
    found: dict[str, dict[str, list]] = {name: {} for name in sets}
    for name, queries in sets.items():
        per_run: dict[str, list] = {label: [] for label in engines}
        for _ in range(runs):
            for label, engine in engines.items():
                per_run[label].append(p50_p95(timings(engine, queries)))
        for label, pairs in per_run.items():
            found[name][label] = [round(statistics.median(p[i] for p in pairs), 1) for i in (0, 1)]
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.shards_latency")
    parser.add_argument("one", type=Path, help="one index of the articles")
    parser.add_argument("sharded", type=Path, help="a sharded index of the same articles")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", type=int, default=100, help="first N queries of each set")
    options = parser.parse_args(argv)
    sets = _query_sets(read_records(), options.sample)
    engines = {
        "one index": fouille_engines(options.one)["fouille"],
        "shards on Ray": sharded_engine(options.sharded),
    }
    print(json.dumps(measure(engines, sets, options.runs), indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
