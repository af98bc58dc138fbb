"""The archive's statistics, combined from its shards' so that they rank as one index would.

What a version of the archive holds (documents, field lengths, title signatures, the
spellings of labels) is combined once per version of its shards; a query's term frequencies
and prefix expansions, once per query.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..store.statistics import Key, SharedStatistics, collection_length
from .messages import Frequencies, Version


@dataclass(frozen=True)
class ArchiveVersion:
    """What every shard's current version holds, combined."""

    generations: tuple[int, ...]
    size: int
    documents: int
    lengths: dict[str, float]  # mean length by field
    collection_length: float
    distinct_titles: float
    # Facet field → label key → its most frequent spelling over the archive.
    shown: dict[str, dict[str, str]]


def combine_versions(versions: list[Version]) -> ArchiveVersion:
    """Return the archive's version made of its shards' current ones."""
    documents = sum(v.documents for v in versions)
    sums: dict[str, float] = {}
    for version in versions:
        for name, total in version.length_sums.items():
            sums[name] = sums.get(name, 0.0) + total
    return ArchiveVersion(
        tuple(v.generation for v in versions),
        sum(v.size for v in versions),
        documents,
        {name: total / documents if documents else 0.0 for name, total in sums.items()},
        collection_length(sums),
        _distinct_share([v.titles for v in versions]),
        {name: _shown([v.spellings[name] for v in versions]) for name in versions[0].spellings}
        if versions
        else {},
    )


def combine_frequencies(parts: list[Frequencies]) -> Frequencies:
    """Return the frequencies of terms summed over the shards."""
    counts: dict[Key, int] = {}
    totals: dict[Key, float] = {}
    for part in parts:
        for key, count in part.frequencies.items():
            counts[key] = counts.get(key, 0) + count
        for key, total in part.totals.items():
            totals[key] = totals.get(key, 0.0) + total
    return Frequencies(counts, totals)


def choose_expansions(
    candidates: list[dict], frequencies: Frequencies, limit: int
) -> dict[Key, tuple[tuple[str, ...], bool]]:
    """Return each prefix's limit most frequent terms over the archive, and whether more."""
    chosen = {}
    for prefix in candidates[0] if candidates else {}:
        fieldname = prefix[0]
        terms = {term for part in candidates for term in part[prefix][0]}
        more = any(part[prefix][1] for part in candidates)
        counts = {t: frequencies.frequencies.get((fieldname, t), 0) for t in terms}
        ranked = sorted(terms, key=lambda t: (-counts[t], t.encode("utf-8")))
        chosen[prefix] = tuple(ranked[:limit]), more or len(ranked) > limit
    return chosen


def shared_statistics(
    version: ArchiveVersion, frequencies: Frequencies, expansions: dict
) -> SharedStatistics:
    """Return the statistics a shard ranks a query by: the archive's."""
    return SharedStatistics(
        version.size,
        version.distinct_titles,
        version.lengths,
        version.collection_length,
        frequencies.frequencies,
        frequencies.totals,
        expansions,
    )


def _distinct_share(titles: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """Return the share of live titled articles whose title no other holds, over the shards."""
    signatures = np.concatenate([s for s, _ in titles]) if titles else np.zeros(0, np.uint64)
    counts = np.concatenate([c for _, c in titles]) if titles else np.zeros(0, np.int64)
    if not counts.sum():
        return 0.0
    _, where = np.unique(signatures, return_inverse=True)
    totals = np.bincount(where, weights=counts).astype(np.int64)
    return float((totals == 1).sum() / counts.sum())


def _shown(parts: list[dict[str, dict[str, int]]]) -> dict[str, str]:
    """Return, per label key, its most frequent spelling over the shards (first if equal)."""
    written: dict[str, dict[str, int]] = {}
    for part in parts:
        for key, forms in part.items():
            counts = written.setdefault(key, {})
            for bare, count in forms.items():
                counts[bare] = counts.get(bare, 0) + count
    return {
        key: min(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        for key, forms in written.items()
    }
