"""What a shard counts for its coordinator: clusters of duplicates, spellings, facet counts.

A cluster of duplicates is known in every shard by the same key, a hash of its canonical
article's id: each shard holds the whole archive's record of duplicates (``layout.py``), so
that clusters whose copies lie in several shards fold as in one index.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from ..analysis.labels import bare_label, label_key
from ..ranking.facets import FACET_FIELDS, article_groups, code_counts
from ..store.clustering import live_fingerprints, load_clusters
from ..store.snapshot import Snapshot


def cluster_keys(index_dir: Path, snapshot: Snapshot):
    """Return each document's cluster key (-1: none) and each clustered id's members.

    A cluster's key is a hash of its canonical article's id: the same in every shard, as
    the record of duplicates is the whole archive's.
    """
    clusters = load_clusters(index_dir)
    keys = np.full(snapshot.size, -1, dtype=np.int64)
    members: dict[str, tuple[str, ...]] = {}
    docnums = live_fingerprints(snapshot.reader) if clusters.groups else {}
    for ids in clusters.groups:
        key = cluster_key(ids[0])
        for article_id in ids:
            docnum = docnums.get(clusters.fingerprints.get(article_id))
            if docnum is not None:
                keys[docnum] = key
                members[article_id] = ids
    return keys, members


def cluster_key(article_id: str) -> int:
    """Return the key of the cluster whose canonical article has this id."""
    digest = hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def spellings_of(snapshot: Snapshot, fieldname: str) -> dict[str, dict[str, int]]:
    """Return, per label key, how many live articles write each spelling."""
    if fieldname in snapshot.labels:
        labels = snapshot.labels[fieldname]
        names, codes = labels.names, labels.codes[snapshot.live & (labels.codes >= 0)]
    else:
        lists = snapshot.tags
        names, codes = lists.names, lists.codes[snapshot.live[lists.owners]]
    counts = np.bincount(codes, minlength=len(names))
    found: dict[str, dict[str, int]] = {}
    for name, count in zip(names, counts.tolist(), strict=True):
        written = found.setdefault(label_key(name), {})
        bare = bare_label(name)
        written[bare] = written.get(bare, 0) + count
    return found


def facet_counts(snapshot: Snapshot, name: str, selected: np.ndarray, keys: np.ndarray):
    """Return a facet's counts here: by label key without copies, and (cluster, key) pairs."""
    spellings = snapshot.spellings.of(FACET_FIELDS[name])
    by_key = {number: key for key, number in spellings.keys.items()}
    per_code = code_counts(snapshot, name, selected)
    counts = np.bincount(spellings.group, weights=per_code, minlength=len(spellings.shown))
    docnums, groups = article_groups(snapshot, name, np.flatnonzero(selected & (keys >= 0)))
    counts -= np.bincount(groups, minlength=len(spellings.shown))
    single = {by_key[g]: int(c) for g, c in enumerate(counts.tolist()) if c}
    pairs = {(int(k), by_key[int(g)]) for k, g in zip(keys[docnums], groups, strict=True)}
    return single, pairs
