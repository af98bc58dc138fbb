"""The shards as Ray actors, one per shard, and the transport a coordinator calls them by.

Each actor opens its shard's ``Archive`` once and answers the rounds of ``shard.py``; Ray
restarts one that dies (``max_restarts=-1``), and the coordinator asks again. Actors are named
after the index folder, so that every web worker connected to the cluster finds the same ones.
Ray is imported here only, and only when a sharded archive is served.
"""

from __future__ import annotations

import hashlib
import signal
import threading
from pathlib import Path

from ..errors import FouilleError, ShardsDown
from .layout import read_shards, shard_paths
from .shard import ShardSearch
from .sharded import ShardedArchive

NAMESPACE = "fouille"
# Seconds a round may wait for a shard before it counts as down (Ray restarts it meanwhile).
ROUND_TIMEOUT = 60.0


def connect(address: str | None) -> None:
    """Join the Ray cluster at address ("local" or None: start one on this machine)."""
    import ray

    if ray.is_initialized():
        return
    # Ray replaces the SIGTERM handler with one that exits at once; the web server's own
    # (gunicorn's graceful stop of a worker) must stay in charge.
    previous = signal.getsignal(signal.SIGTERM)
    if address in (None, "local"):
        ray.init(namespace=NAMESPACE, include_dashboard=False, log_to_driver=False)
    else:
        ray.init(address=address, namespace=NAMESPACE, log_to_driver=False)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, previous)


def shard_actors(index_dir: Path | str, time_budget: float | None = None) -> list:
    """Return the actor of each shard of the index, started if none runs yet.

    :raises IndexIncompatible: if the index's description of shards cannot be read.
    :raises IndexMissing: if the index at index_dir is not sharded.
    """
    import ray

    from ..errors import IndexMissing

    index_dir = Path(index_dir).resolve()
    shards = read_shards(index_dir)
    if shards is None:
        raise IndexMissing(f"{index_dir}: not a sharded index (no fouille-cluster.json)")
    remote = ray.remote(ShardSearch)
    tag = hashlib.blake2b(str(index_dir).encode("utf-8"), digest_size=6).hexdigest()
    return [
        remote.options(
            name=f"fouille-{tag}-shard-{number:02d}",
            namespace=NAMESPACE,
            get_if_exists=True,
            max_restarts=-1,
            num_cpus=0,
        ).remote(str(path), time_budget)
        for number, path in enumerate(shard_paths(index_dir, shards))
    ]


def ray_transport(actors: list):
    """Return a transport calling the rounds of these actors, all at once.

    A shard whose actor died, or did not answer in ROUND_TIMEOUT, makes the round raise
    ShardsDown; an error of Fouille's own (an unknown article) is raised as it is.
    """
    import ray
    from ray.exceptions import GetTimeoutError, RayActorError, RayTaskError

    def call(method: str, calls: dict[int, tuple]) -> dict[int, object]:
        pending = {n: getattr(actors[n], method).remote(*args) for n, args in calls.items()}
        found, down, reasons = {}, [], []
        for number, ref in pending.items():
            try:
                found[number] = ray.get(ref, timeout=ROUND_TIMEOUT)
            except RayTaskError as error:
                if isinstance(error.cause, FouilleError):
                    raise error.cause from None
                # A round that lost its query's state (the actor restarted) counts as down.
                down.append(number)
                reasons.append(str(error.cause))
            except (RayActorError, GetTimeoutError) as error:
                down.append(number)
                reasons.append(type(error).__name__)
        if down:
            raise ShardsDown(down, "; ".join(reasons))
        return found

    return call


def ray_archive(
    index_dir: Path | str, address: str | None, time_budget: float | None = None
) -> ShardedArchive:
    """Return the sharded archive at index_dir, searched by its actors on the cluster.

    :raises ShardsDown: if the cluster cannot be joined or the actors started.
    """
    try:
        connect(address)
        actors = shard_actors(index_dir, time_budget)
    except (ConnectionError, RuntimeError) as error:
        raise ShardsDown([], f"the Ray cluster {address} cannot be joined: {error}") from None
    return ShardedArchive(index_dir, len(actors), ray_transport(actors), time_budget)
