"""Shards' answers merged into one: their best in one order, clusters folded, facets summed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..models import Facet, FacetValue
from ..ranking.facets import FACET_FIELDS, FACET_SIZE
from ..ranking.folding import Copies
from .messages import Top


@dataclass(frozen=True)
class Merged:
    """Matches of several shards, best first: key, docnum, cluster, shard and row of each."""

    keys: np.ndarray
    docnums: np.ndarray
    clusters: np.ndarray
    shards: np.ndarray
    rows: np.ndarray  # the place of each in its shard's Top

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, chosen) -> Merged:
        return Merged(
            self.keys[chosen],
            self.docnums[chosen],
            self.clusters[chosen],
            self.shards[chosen],
            self.rows[chosen],
        )

    def places(self) -> Iterator[tuple[int, int]]:
        """Yield the shard and row of each match, best first."""
        yield from zip(self.shards.tolist(), self.rows.tolist(), strict=True)

    def by_shard(self, shards: list[int]) -> dict[int, np.ndarray]:
        """Return each shard's docnums among these matches, best first."""
        return {n: self.docnums[self.shards == n] for n in shards}


def merge_tops(tops: dict[int, Top]) -> Merged:
    """Return the shards' best in one order: key, then shard, then index order within it.

    One index breaks ties by index order; shards hold no common one, so equal keys come
    shard by shard.
    """
    numbers = sorted(tops)
    parts = [tops[n] for n in numbers]
    keys = np.concatenate([t.keys for t in parts] or [np.zeros(0)])
    docnums = np.concatenate([t.docnums for t in parts] or [np.zeros(0, np.int64)])
    clusters = np.concatenate([t.clusters for t in parts] or [np.zeros(0, np.int64)])
    shards = np.concatenate(
        [np.full(len(t.keys), n) for n, t in zip(numbers, parts, strict=True)] or [[]]
    ).astype(np.int64)
    rows = np.concatenate([np.arange(len(t.keys)) for t in parts] or [[]]).astype(np.int64)
    order = np.lexsort((docnums, shards, -keys))
    return Merged(keys, docnums, clusters, shards, rows)[order]


def first_of_each(merged: Merged) -> Merged:
    """Return the matches without a copy of one above them (``folding.py``)."""
    seen: set[int] = set()
    kept = []
    for place, cluster in enumerate(merged.clusters.tolist()):
        if cluster < 0 or cluster not in seen:
            kept.append(place)
        if cluster >= 0:
            seen.add(cluster)
    return merged[np.array(kept, dtype=np.int64)]


def facets_of(
    parts: list[dict], shown: dict[str, dict[str, str]], names=tuple(FACET_FIELDS)
) -> tuple[Facet, ...]:
    """Return the facets over every shard's matches (each shard's facet name → its counts)."""
    return tuple(
        _facet(name, [part[name] for part in parts], shown[FACET_FIELDS[name]]) for name in names
    )


def _facet(name: str, parts: list[tuple], shown: dict[str, str]) -> Facet:
    counts: dict[str, int] = {}
    pairs: set[tuple[int, str]] = set()
    for single, clustered in parts:
        for key, count in single.items():
            counts[key] = counts.get(key, 0) + count
        pairs |= clustered
    # A cluster counts once per value, however many shards hold its copies.
    for _, key in pairs:
        counts[key] = counts.get(key, 0) + 1
    found = [(shown.get(key, key), count) for key, count in counts.items() if count]
    if name == "year":
        found.sort(key=lambda pair: pair[0], reverse=True)
    else:
        found = sorted(found, key=lambda pair: (-pair[1], pair[0]))[:FACET_SIZE]
    return Facet(name, tuple(FacetValue(value, count) for value, count in found))


def counting_copies(clusters: np.ndarray) -> Copies:
    """Return copies over the places of these cluster keys (-1: none), for counting only.

    Their clusters list no members: only folding's counts read them.
    """
    group = np.full(len(clusters), -1, dtype=np.int64)
    held = clusters >= 0
    distinct, group[held] = np.unique(clusters[held], return_inverse=True)
    starts = np.arange(len(distinct) + 1, dtype=np.int64)
    return Copies({"group": group, "member_starts": starts, "members": starts[:-1]})
