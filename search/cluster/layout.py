"""Where a sharded archive keeps its shards, and which shard holds an article.

A sharded index folder holds ``fouille-cluster.json`` (the number of shards) and one folder per
shard, ``shard-00``, ``shard-01``…, each a complete Fouille index of its own. An article lands in
the shard given by a hash of its id that no process, machine or Python version changes (Python's
``hash`` is salted per process), so re-indexing an article always rewrites it where it was.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..errors import IndexIncompatible
from ..store.sidecar import replacing

CLUSTER_FILE = "fouille-cluster.json"
FORMAT = 1
MAX_SHARDS = 256


def shard_of(article_id: str, shards: int) -> int:
    """Return the shard (0 to shards − 1) that holds the article with this id.

    >>> [shard_of(i, 4) for i in ("a", "b", "c", "article-1")]
    [3, 1, 3, 2]
    """
    digest = hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def shard_paths(index_dir: Path | str, shards: int) -> list[Path]:
    """Return the folders of the shards of a sharded index, in shard order."""
    return [Path(index_dir) / f"shard-{number:02d}" for number in range(shards)]


def read_shards(index_dir: Path | str) -> int | None:
    """Return how many shards the index at index_dir has; None if it is one index.

    :raises IndexIncompatible: if its cluster file cannot be read.
    """
    path = Path(index_dir) / CLUSTER_FILE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise IndexIncompatible(
            f"{path}: the description of the shards cannot be read ({error}); "
            f"rebuild the index with: fouille index --rebuild --shards N PATH"
        ) from None
    if not isinstance(record, dict):
        record = {}
    shards = record.get("shards")
    if record.get("format") != FORMAT or not isinstance(shards, int) or shards < 1:
        raise IndexIncompatible(
            f"{path}: not a description of shards this version of Fouille reads; "
            f"rebuild the index with: fouille index --rebuild --shards N PATH"
        )
    return shards


def write_shards(index_dir: Path | str, shards: int) -> None:
    """Record that the index at index_dir is split into this many shards."""
    with replacing(Path(index_dir) / CLUSTER_FILE) as file:
        json.dump({"format": FORMAT, "shards": shards}, file)
