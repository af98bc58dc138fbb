"""The shards' writers as Ray actors, one per shard, on a local or a running Ray cluster.

Only ``fouille index --cluster`` imports this module, and with it Ray (the ``cluster``
extra). Each actor is a ``ShardWriter``: it analyses and writes its shard's batches in its
own process, so the shards of a batch are written in parallel while the driver reads on.
"""

from __future__ import annotations

import logging
import os
import socket
from pathlib import Path

from ..errors import ClusterUnavailable

try:
    import ray
    import ray.exceptions
except ImportError:  # pragma: no cover - the tests that need Ray skip without it
    ray = None

from .shard_writer import ShardWriter

LOCAL = "local"
# Seconds to wait for a cluster's address to answer.
PROBE_SECONDS = 5


def connect(address: str) -> None:
    """Start a local Ray cluster (address ``local``) or join the one at address.

    :raises ClusterUnavailable: if Ray is not installed or the cluster cannot be reached.
    """
    if ray is None:
        raise ClusterUnavailable(
            "--cluster needs Ray, which is not installed; install it with: "
            "pip install 'fouille[cluster]'"
        )
    quiet = {"include_dashboard": False, "log_to_driver": False, "logging_level": logging.ERROR}
    try:
        if address == LOCAL:
            ray.init(num_cpus=os.cpu_count() or 1, **quiet)
        else:
            _probe(address)
            ray.init(address=address, **quiet)
    except (OSError, ValueError, RuntimeError) as error:
        raise ClusterUnavailable(
            f"cannot reach the Ray cluster at {address} ({_first_line(error)}); start one "
            "with 'ray start --head' and give the address it prints, or use --cluster local"
        ) from None


def _probe(address: str) -> None:
    """Connect to the cluster's address once, as Ray would otherwise retry it for minutes.

    :raises OSError: if nothing answers there.
    """
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ValueError("not HOST:PORT")
    socket.create_connection((host, int(port)), timeout=PROBE_SECONDS).close()


class RayShards:
    """The writers of every shard as Ray actors; a call returns at once, ``wait`` reads it."""

    def __init__(self, folders: list[Path], procs: int, address: str):
        connect(address)
        try:
            actor = ray.remote(ShardWriter)
            self.actors = [actor.remote(str(folder), procs) for folder in folders]
        except BaseException:
            ray.shutdown()
            raise

    def call(self, shard: int, method: str, *args):
        """Send a call to a shard's actor; return the reference to its result."""
        return getattr(self.actors[shard], method).remote(*args)

    def wait(self, calls: list) -> list:
        """Return the results of calls, raising the error a shard raised as it was raised.

        :raises ClusterUnavailable: if an actor or the cluster died.
        """
        try:
            return ray.get(list(calls))
        except ray.exceptions.RayTaskError as error:
            raise error.cause from None
        except ray.exceptions.RayError as error:
            raise ClusterUnavailable(
                f"the Ray cluster failed while writing the shards ({_first_line(error)}); "
                "what was committed is kept: run the same command again"
            ) from None

    def __enter__(self) -> RayShards:
        return self

    def __exit__(self, *error) -> None:
        for actor in self.actors:
            ray.kill(actor)
        ray.shutdown()


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
