"""A sharded archive: its layout (no Ray), and, with the cluster extra, its Ray actors."""

from __future__ import annotations

from pathlib import Path


def open_archive(path: Path | str, cluster: str | None = None, time_budget: float | None = None):
    """Return the archive at path: one index, or with cluster (a Ray address, or "local"), the
    shards of a sharded index searched by their actors on that Ray cluster.

    Ray is imported only with cluster.
    """
    from ..archive import Archive

    if cluster is None:
        return Archive(path, time_budget=time_budget)
    from .actor import ray_archive

    return ray_archive(path, cluster, time_budget)
