"""What the shards of an index share, brought up to date after their commits.

- Duplicates: one record over every shard's signatures (a cluster may span shards), written
  identically into each shard, so folding by article id works on any of them.
- Topics: one space fitted on a sample across the shards (``topics.py`` here), each shard
  holding its basis and its own articles' vectors.
- Definitions: the counts every shard added in this run, merged, written into each.
- Then each shard's view, as for one index.

This runs in the indexing process, which reads and writes the shards' folders.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from ..store.clustering import update_shared_duplicates
from ..store.definitions import SIDECAR, Counts, read_counts, write_counts
from ..store.derived import DerivedReport, update_view
from ..store.lock import writing
from .topics import update_shared_topics


def update_shared_derived(
    index_dir: Path, folders: list[Path], phase: Callable[[str, int], None] | None = None
) -> DerivedReport:
    """Update the shards' record of duplicates, topic space, definitions, then their views.

    phase, if given, is told the name of each pass that has work to do as it begins, with
    the number of articles it works on (a view: once per shard, with the shard's name).
    """

    def begin(name: str):
        return functools.partial(phase, name) if phase else None

    with ExitStack() as locks:
        for folder in folders:
            locks.enter_context(writing(folder))
        duplicates = update_shared_duplicates(folders, begin("Duplicates"))
        topics = update_shared_topics(folders, begin("Topics"))
        merge_definitions(index_dir, folders)
        views = [update_view(folder, begin(f"View {folder.name}")) for folder in folders]
    return DerivedReport(duplicates, topics, any(views))


def merge_definitions(index_dir: Path, folders: list[Path]) -> None:
    """Add what each shard's commits added to the merged definitions, and give them to all.

    The merged counts are kept beside the shards too: what a shard's file holds beyond
    them is what its commits added since (an interrupted run's shards included).
    """
    base = read_counts(Path(index_dir) / SIDECAR) or {}
    merged = {acronym: dict(meanings) for acronym, meanings in base.items()}
    for folder in folders:
        for acronym, meanings in (read_counts(folder / SIDECAR) or {}).items():
            for words, count in meanings.items():
                added = count - base.get(acronym, {}).get(words, 0)
                if added > 0:
                    place = merged.setdefault(acronym, {})
                    place[words] = place.get(words, 0) + added
    # The merged counts first: should the run stop before every shard has them, a shard
    # still holding the former counts holds nothing beyond them, so adds nothing twice.
    _write_if_other(Path(index_dir), merged)
    for folder in folders:
        _write_if_other(folder, merged)


def _write_if_other(folder: Path, counts: Counts) -> None:
    if read_counts(folder / SIDECAR) != counts:
        write_counts(folder, counts)
