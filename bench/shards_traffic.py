"""What crosses the network per query over a sharded index: rounds, and bytes each way.

``python -m bench.shards_traffic SHARDED_INDEX [--sample 100]`` searches ``make bench``'s query
sets (a results page each, snippets and facets) through the shard actors of a local Ray
cluster, counting for each query the rounds (a call to some or all shards), the calls (one
per shard called) and the bytes of the pickled requests and replies, which is what Ray sends
between processes (or machines). Prints the median and 95th percentile per set, as JSON.
"""

from __future__ import annotations

import argparse
import json
import pickle
from collections import defaultdict
from pathlib import Path

from search import open_archive

from .corpus import read_records
from .latency import _filters
from .measure import percentile
from .run import _query_sets


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.shards_traffic")
    parser.add_argument("sharded", type=Path)
    parser.add_argument("--sample", type=int, default=100, help="first N queries of each set")
    options = parser.parse_args(argv)
    archive = open_archive(options.sharded, cluster="local")
    counted = defaultdict(int)
    calling = archive.transport

    def transport(method: str, per_shard: dict[int, tuple]) -> dict[int, object]:
        replies = calling(method, per_shard)
        counted["rounds"] += 1
        counted["calls"] += len(per_shard)
        counted["sent"] += sum(len(pickle.dumps(args)) for args in per_shard.values())
        counted["received"] += sum(len(pickle.dumps(reply)) for reply in replies.values())
        return replies

    archive.transport = transport
    found = {}
    for name, queries in _query_sets(read_records(), options.sample).items():
        per_query = defaultdict(list)
        for query in queries:
            counted.clear()
            archive.search_articles(query.text, _filters(query), per_page=10)
            for key in ("rounds", "calls", "sent", "received"):
                per_query[key].append(counted[key])
        found[name] = {
            key: {"p50": percentile(values, 50), "p95": percentile(values, 95)}
            for key, values in per_query.items()
        }
    print(json.dumps(found, indent=1))


if __name__ == "__main__":
    main()
