"""Which articles pass the filters: one mask per facet restricted, over a snapshot's columns."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from ..errors import InvalidDateRange
from ..models import Filters
from ..store.snapshot import NO_DATE, Snapshot, timestamp
from .facets import FACET_FIELDS, FACET_FILTERS, LIST_FACETS

DATES = "dates"


def filter_masks(snapshot: Snapshot, filters: Filters) -> dict[str, np.ndarray]:
    """Return, per restricted facet (and DATES), which documents pass its filter.

    :raises InvalidDateRange: if the date range ends before it starts.
    """
    masks = {}
    for name, attribute in FACET_FILTERS.items():
        values = [str(v) for v in getattr(filters, attribute)]
        if values:
            masks[name] = _facet_mask(snapshot, name, values)
    start, end = filters.date_from, filters.date_to
    if start and end and start > end:
        raise InvalidDateRange(f"the date range ends ({end}) before it starts ({start})")
    if start or end:
        published = snapshot.published
        # Every moment of both days counts; articles without a date never pass.
        low = timestamp(datetime.combine(start, datetime.min.time())) if start else None
        high = timestamp(datetime.combine(end, datetime.max.time())) if end else None
        mask = published != NO_DATE
        if low is not None:
            mask &= published >= low
        if high is not None:
            mask &= published <= high
        masks[DATES] = mask
    return masks


def combine(masks: dict[str, np.ndarray], without: str | None = None) -> np.ndarray | None:
    """Return the documents passing every filter (but one), or None if nothing restricts."""
    chosen = [mask for name, mask in masks.items() if name != without]
    if not chosen:
        return None
    combined = chosen[0].copy()
    for mask in chosen[1:]:
        combined &= mask
    return combined


def _facet_mask(snapshot: Snapshot, name: str, values: list[str]) -> np.ndarray:
    """Return which documents have one of the values, in any of its spellings."""
    wanted = snapshot.spellings.of(FACET_FIELDS[name]).codes_of(values)
    if name in LIST_FACETS:
        lists = snapshot.tags
        mask = np.zeros(snapshot.size, dtype=bool)
        mask[lists.owners[np.isin(lists.codes, wanted)]] = True
        return mask
    return np.isin(snapshot.labels[FACET_FIELDS[name]].codes, wanted)
