"""The index, opened once per worker process and on first use."""

from __future__ import annotations

from flask import current_app

from search import open_archive


def get_archive():
    """Return this app's open index, opening it if needed (so a later build is picked up).

    With the CLUSTER setting (a Ray address, or "local"), the index is a sharded one, searched
    through its shards' actors (``ShardedArchive``), with the same methods; a sharded index
    without it is searched by this process, shard after shard.
    """
    archive = current_app.extensions.get("fouille.archive")
    if archive is None:
        budget = float(current_app.config["TIME_BUDGET"]) or None
        cluster = current_app.config["CLUSTER"] or None
        archive = open_archive(current_app.config["INDEX"], cluster, budget)
        current_app.extensions["fouille.archive"] = archive
    return archive
