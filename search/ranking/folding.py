"""Fold duplicates in a result list: one entry per cluster, the others linked from it.

Folding walks the ranked list from the top and keeps a hit unless an article of its cluster
(``store/clustering.py``) is already above it. A hit's fate depends only on the hits above it, so
page n of the folded list is the same whether or not more hits were fetched: pages never
repeat or skip an article. The entry kept is the cluster's best-ranked match (its title and
snippet are the ones that answer the query); it links every other article of the cluster
that the index holds, matching or not, canonical first.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..models import Duplicate
from ..store.clustering import Clusters, live_fingerprints, load_clusters, record_stamp


class Copies:
    """The clusters of duplicates as document numbers of one searcher."""

    def __init__(self, searcher, clusters: Clusters):
        self.group_of: dict[int, int] = {}
        self.members: list[tuple[int, ...]] = []
        # group[docnum]: its cluster's number, or -1 when it has no copy.
        self.group = np.full(searcher.reader().doc_count_all(), -1, dtype=np.int64)
        by_fingerprint = live_fingerprints(searcher.reader()) if clusters.groups else {}
        for group in clusters.groups:
            # An article changed since it was compared is no longer known to be a copy.
            docnums = tuple(
                by_fingerprint[clusters.fingerprints[i]]
                for i in group
                if clusters.fingerprints.get(i) in by_fingerprint
            )
            if len(docnums) > 1:
                self.group_of.update(dict.fromkeys(docnums, len(self.members)))
                self.group[list(docnums)] = len(self.members)
                self.members.append(docnums)

    def __bool__(self) -> bool:
        return bool(self.members)

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
        group = self.group_of.get(docnum)
        if group is None:
            return ()
        return tuple(
            _duplicate(searcher.stored_fields(other))
            for other in self.members[group]
            if other != docnum
        )

    def _first_of_each(self, ranked: list[int]) -> list[int]:
        seen: set[int] = set()
        kept = []
        for docnum in ranked:
            group = self.group_of.get(docnum)
            if group is None or group not in seen:
                kept.append(docnum)
            if group is not None:
                seen.add(group)
        return kept


class CopiesCache:
    """The copies for an index's latest searcher, rebuilt when the index or record changes."""

    def __init__(self, index_dir: Path | str):
        self.index_dir = index_dir
        self._stamp: tuple[int, int] | None = None
        self._clusters = Clusters()
        self._key = None
        self._copies: Copies | None = None

    def get(self, searcher, generation) -> Copies:
        """Return the copies of searcher, whose index is at generation.

        :raises DuplicatesUnreadable: if the record of duplicates cannot be read.
        """
        stamp = record_stamp(self.index_dir)
        if stamp != self._stamp:
            self._clusters = load_clusters(self.index_dir)
            self._stamp, self._copies = stamp, None
        if self._copies is None or self._key != generation:
            self._copies, self._key = Copies(searcher, self._clusters), generation
        return self._copies


def _duplicate(fields: dict) -> Duplicate:
    return Duplicate(
        id=fields["id"], title=fields.get("title", ""), published=fields.get("published")
    )
