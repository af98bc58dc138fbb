"""What a sharded index holds: each shard's statistics, and their sum."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..archive import Archive
from ..models import FacetValue, Stats
from .layout import shard_paths


def shard_stats(index_dir: Path | str, shards: int) -> tuple[Stats, list[Stats]]:
    """Return the statistics of the whole sharded index, and of each shard in order."""
    parts = []
    for folder in shard_paths(index_dir, shards):
        archive = Archive(folder)
        try:
            parts.append(archive.stats())
        finally:
            archive.close()
    sections = Counter()
    for part in parts:
        sections.update({value.value: value.count for value in part.sections})
    first = [p.first_published for p in parts if p.first_published]
    last = [p.last_published for p in parts if p.last_published]
    updates = [p.last_update for p in parts if p.last_update]
    total = Stats(
        path=str(index_dir),
        documents=sum(p.documents for p in parts),
        last_update=max(updates, default=None),
        size_bytes=sum(p.size_bytes for p in parts),
        first_published=min(first, default=None),
        last_published=max(last, default=None),
        sections=tuple(
            FacetValue(value, count)
            for value, count in sorted(sections.items(), key=lambda item: (-item[1], item[0]))
        ),
    )
    return total, parts
