"""Keep a sharded index's shard actors up while ``fouille serve --cluster`` serves it.

Run as ``python -m search.cluster.keeper INDEX ADDRESS [BUDGET]`` by the serve command: it joins
the Ray cluster (starting one on this machine for ``local``), starts the actors and owns them,
so that they outlive any web worker; prints the cluster's address (and Ray's authentication
mode) for the workers to join; and
stops, taking a local cluster with it, when the serve command closes its standard input.
"""

from __future__ import annotations

import os
import sys

from .actor import connect, shard_actors


def main(index_dir: str, address: str, budget: str = "") -> None:
    """Start the actors, print the cluster's address, and wait for the end of input."""
    import ray

    connect(address)
    actors = shard_actors(index_dir, float(budget) if budget else None)
    # Each actor opens its shard now, so that the first search does not wait for it.
    ray.get([actor.count.remote() for actor in actors])
    # A local cluster authenticates its clients by a token (Ray's RAY_AUTH_MODE, set by
    # ray.init here): the web workers must join it the same way.
    mode = os.environ.get("RAY_AUTH_MODE", "")
    print(ray.get_runtime_context().gcs_address, mode, flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main(*sys.argv[1:])
