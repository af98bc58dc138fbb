"""Fold duplicates in a result list: one entry per cluster, the others linked from it.

Folding walks the ranked list from the top and keeps a hit unless an article of its cluster
(``store/clustering.py``) is already above it. A hit's fate depends only on the hits above it, so
page n of the folded list is the same whether or not more hits were fetched: pages never
repeat or skip an article. The entry kept is the cluster's best-ranked match (its title and
snippet are the ones that answer the query); it links every other article of the cluster
that the index holds, matching or not, canonical first.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import numpy as np

from ..models import Duplicate
from ..store.clustering import Clusters, cluster_docnums, load_clusters, record_stamp
from ..store.view import load_view


class Copies:
    """The clusters of duplicates as document numbers of one searcher.

    Made of ``clustering.cluster_docnums``'s arrays, read from the index version's view
    (``store/view.py``) when it has one.
    """

    def __init__(self, arrays: dict[str, np.ndarray]):
        # group[docnum]: its cluster's number, or -1 when it has no copy.
        self.group = arrays["group"]
        self._starts, self._members = arrays["member_starts"], arrays["members"]

    @cached_property
    def clustered(self) -> np.ndarray:
        """Return, per docnum, whether the article has a copy."""
        return self.group >= 0

    @property
    def count(self) -> int:
        """Return how many clusters there are."""
        return len(self._starts) - 1

    def cluster(self, docnum: int) -> int | None:
        """Return the number of docnum's cluster, None if it has no copy."""
        group = int(self.group[docnum])
        return None if group < 0 else group

    def members(self, group: int) -> list[int]:
        """Return the docnums of a cluster, canonical first."""
        return self._members[self._starts[group] : self._starts[group + 1]].tolist()

    def __bool__(self) -> bool:
        return self.count > 0

    def fold(self, ranking, need: int) -> list[int]:
        """Return the ranked docnums without copies of one above, at least need if there are."""
        fetched = need
        while True:
            ranked = ranking.top(fetched).tolist()
            kept = self._first_of_each(ranked)
            if len(kept) >= need or len(ranked) >= ranking.total:
                return kept[:need]
            fetched = 2 * fetched

    def folded(self, matched: np.ndarray) -> int:
        """Return how many of the matched docnums are copies of another match."""
        groups = self.group[matched]
        groups = groups[groups >= 0]
        return len(groups) - len(np.unique(groups))

    def others(self, searcher, docnum: int) -> tuple[Duplicate, ...]:
        """Return the other articles of docnum's cluster, canonical first."""
        group = self.cluster(docnum)
        if group is None:
            return ()
        return tuple(
            _duplicate(searcher.stored_fields(other))
            for other in self.members(group)
            if other != docnum
        )

    def _first_of_each(self, ranked: list[int]) -> list[int]:
        seen: set[int] = set()
        kept = []
        groups = self.group[ranked].tolist() if ranked else []
        for docnum, group in zip(ranked, groups, strict=True):
            if group < 0 or group not in seen:
                kept.append(docnum)
            if group >= 0:
                seen.add(group)
        return kept


def count_folded(
    docnums: np.ndarray, values: np.ndarray, size: int, copies: Copies | None
) -> np.ndarray:
    """Count docnums per value (0 to size - 1), with copies each cluster once per value.

    So a value counts what a result list restricted to it would total: one entry per
    cluster among the articles that have the value.
    """
    if not copies or not size:
        return np.bincount(values, minlength=size)
    group = copies.group[docnums]
    single = group < 0
    counts = np.bincount(values[single], minlength=size)
    pairs = np.sort(group[~single].astype(np.int64) * size + values[~single])
    distinct = pairs[np.append(True, pairs[1:] != pairs[:-1])] if len(pairs) else pairs
    return counts + np.bincount(distinct % size, minlength=size)


class CopiesCache:
    """The copies for an index's latest searcher, rebuilt when the index or record changes."""

    def __init__(self, index_dir: Path | str):
        self.index_dir = index_dir
        self._stamp: tuple[int, int] | None = None
        self._clusters: tuple[tuple[int, int] | None, Clusters] | None = None
        self._key = None
        self._copies: Copies | None = None

    def get(self, searcher, generation) -> Copies:
        """Return the copies of searcher, whose index is at generation.

        :raises DuplicatesUnreadable: if the record of duplicates cannot be read.
        """
        stamp = record_stamp(self.index_dir)
        if self._copies is not None and (self._key, self._stamp) == (generation, stamp):
            return self._copies
        view = load_view(self.index_dir, generation)
        fits = view is not None and view.fits(searcher.reader())
        if fits and view.made_from("duplicates", stamp):
            self._copies = Copies(view.arrays)
        else:
            if self._clusters is None or self._clusters[0] != stamp:
                self._clusters = stamp, load_clusters(self.index_dir)
            self._copies = Copies(cluster_docnums(searcher.reader(), self._clusters[1]))
        self._key, self._stamp = generation, stamp
        return self._copies


def _duplicate(fields: dict) -> Duplicate:
    return Duplicate(
        id=fields["id"], title=fields.get("title", ""), published=fields.get("published")
    )
