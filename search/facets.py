"""Facet counts over every article a query matches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from whoosh import sorting

from .models import Facet, FacetValue

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
FACET_SIZE = 20


def facet_definitions(names=FACET_FIELDS) -> sorting.Facets:
    """Return the Whoosh facets to group a search by."""
    facets = sorting.Facets()
    for name in names:
        fieldname = FACET_FIELDS[name]
        facets.add_facet(
            name,
            sorting.FieldFacet(fieldname, allow_overlap=name == "tags", maptype=sorting.Count),
        )
    return facets


def facet_counts(results, names=FACET_FIELDS) -> Iterator[Facet]:
    """Yield each facet's values with counts, most frequent first (years newest first)."""
    for name in names:
        counts = {as_text(k): v for k, v in results.groups(name).items() if k}
        if name == "year":
            ordered = sorted(counts.items(), reverse=True)
        else:
            ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_SIZE]
        yield Facet(name, tuple(FacetValue(k, v) for k, v in ordered))


def count_values(values: Iterable[str]) -> tuple[FacetValue, ...]:
    """Return how often each value occurs, most frequent first."""
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(FacetValue(k, v) for k, v in ordered)


def as_text(key) -> str:
    """Return a facet key or term as text (Whoosh gives bytes for some columns)."""
    return key.decode("utf-8") if isinstance(key, bytes) else str(key)
