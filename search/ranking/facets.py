"""Facet counts over the articles a query matches, as the result list counts them.

A value's count is the total of the result list that the value opens: each spelling of it
(``store/spellings.py``) counted under its most frequent one, and, when duplicates are
folded, each cluster of duplicates once among the articles that have the value.
"""

from __future__ import annotations

import numpy as np

from ..models import Facet, FacetValue
from ..store.arrays import range_slots
from ..store.snapshot import Snapshot
from .folding import Copies, count_folded

# Facet name → index field holding its labels.
FACET_FIELDS = {
    "section": "section",
    "author": "author_label",
    "source": "source_label",
    "tags": "tags",
    "year": "year",
}
# Facet name → the Filters attribute that restricts it.
FACET_FILTERS = {
    "section": "sections",
    "author": "authors",
    "source": "sources",
    "tags": "tags",
    "year": "years",
}
# Facets whose field holds several labels per article.
LIST_FACETS = {"tags"}
FACET_SIZE = 20


def count_facet(
    snapshot: Snapshot,
    name: str,
    selected: np.ndarray,
    copies: Copies | None = None,
    limit: int | None = FACET_SIZE,
) -> Facet:
    """Return a facet's values among the selected documents, most frequent first.

    With copies, a cluster of duplicates counts once per value. Years come newest first, all
    of them; other facets keep their limit most frequent.
    """
    spellings = snapshot.spellings.of(FACET_FIELDS[name])
    size = len(spellings.shown)
    # Every article once per group, from the codes' counts; then the clustered few folded.
    per_code = code_counts(snapshot, name, selected)
    counts = np.bincount(spellings.group, weights=per_code, minlength=size).astype(np.int64)
    if copies:
        docnums = np.flatnonzero(selected & copies.clustered)
        docnums, groups = article_groups(snapshot, name, docnums)
        counts += count_folded(docnums, groups, size, copies) - np.bincount(groups, minlength=size)
    found = np.flatnonzero(counts)
    if name == "year":
        found = found[np.argsort(-spellings.rank[found], kind="stable")]
    else:
        # Most frequent first, then in the order of the values' text; a facet shows the first.
        found = found[np.lexsort((spellings.rank[found], -counts[found]))][:limit]
    return Facet(name, tuple(FacetValue(spellings.shown[g], int(counts[g])) for g in found))


def code_counts(snapshot: Snapshot, name: str, selected: np.ndarray) -> np.ndarray:
    """Return how many selected articles have each code, each article once per group."""
    if name in LIST_FACETS:
        lists = snapshot.tags
        codes = lists.codes[selected[lists.owners] & snapshot.spellings.first_tags]
        return np.bincount(codes, minlength=len(lists.names))
    labels = snapshot.labels[FACET_FIELDS[name]]
    codes = labels.codes[selected]
    return np.bincount(codes[codes >= 0], minlength=len(labels.names))


def article_groups(snapshot: Snapshot, name: str, docnums: np.ndarray):
    """Return (docnum, group) for each group that each of these articles has."""
    group = snapshot.spellings.of(FACET_FIELDS[name]).group
    if name in LIST_FACETS:
        lists = snapshot.tags
        starts = lists.starts[docnums]
        slots = range_slots(starts, lists.starts[docnums + 1] - starts)
        slots = slots[snapshot.spellings.first_tags[slots]]
        return lists.owners[slots], group[lists.codes[slots]]
    codes = snapshot.labels[FACET_FIELDS[name]].codes[docnums]
    return docnums[codes >= 0], group[codes[codes >= 0]]


def as_text(key) -> str:
    """Return a facet key or term as text (Whoosh gives bytes for some columns)."""
    return key.decode("utf-8") if isinstance(key, bytes) else str(key)
