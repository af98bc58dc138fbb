"""A sharded archive: its layout (no Ray), and, with the cluster extra, its Ray actors."""

from __future__ import annotations

from pathlib import Path


def open_archive(path: Path | str, cluster: str | None = None, time_budget: float | None = None):
    """Return the archive at path: one index, or the shards of a sharded index.

    With cluster (a Ray address, or "local") the shards are searched by their actors on that
    Ray cluster; without, by this process, one after another. Ray is imported only with cluster.
    """
    from ..archive import Archive
    from .layout import read_shards, shard_paths
    from .shard import ShardSearch
    from .sharded import ShardedArchive, local_transport

    if cluster is None:
        shards = read_shards(path)
        if shards is None:
            return Archive(path, time_budget=time_budget)
        searches = [ShardSearch(folder, time_budget) for folder in shard_paths(path, shards)]
        return ShardedArchive(path, shards, local_transport(searches), time_budget)
    from .actor import ray_archive

    return ray_archive(path, cluster, time_budget)
