"""Facet counts over every article a query matches."""

from __future__ import annotations

import numpy as np

from ..models import Facet, FacetValue

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
    snapshot, name: str, selected: np.ndarray, limit: int | None = FACET_SIZE
) -> Facet:
    """Return a facet's values among the selected documents, most frequent first.

    Years come newest first, all of them; other facets keep their limit most frequent.
    """
    if name in LIST_FACETS:
        lists = snapshot.tags
        names, codes = lists.names, lists.codes[selected[lists.owners]]
    else:
        labels = snapshot.labels[FACET_FIELDS[name]]
        names, codes = labels.names, labels.codes[selected]
        codes = codes[codes >= 0]
    counts = np.bincount(codes, minlength=len(names))
    found = [(names[code], int(counts[code])) for code in np.flatnonzero(counts)]
    if name == "year":
        ordered = sorted(found, reverse=True)
    else:
        ordered = sorted(found, key=lambda kv: (-kv[1], kv[0]))[:limit]
    return Facet(name, tuple(FacetValue(k, v) for k, v in ordered))


def as_text(key) -> str:
    """Return a facet key or term as text (Whoosh gives bytes for some columns)."""
    return key.decode("utf-8") if isinstance(key, bytes) else str(key)
