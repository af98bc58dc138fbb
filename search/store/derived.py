"""Bring what is derived from the index up to date after a change: duplicates, topics, view.

And the definitions of an index written before it kept them (``definitions.py``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .clustering import (
    DuplicateReport,
    cluster_docnums,
    load_clusters,
    record_stamp,
    update_duplicates,
)
from .definitions import add_definitions, has_definitions, stored_definitions
from .index import open_index
from .lock import under_lock
from .snapshot import Snapshot
from .topics import TOPIC, TopicsReport, aligned_rows, load_topics, topics_stamp, update_topics
from .view import load_view, segment_ids, write_view

# The passes after the commits, as a progress display names them.
PHASES = ("Duplicates", "Topics", "Definitions", "View")


@dataclass
class DerivedReport:
    """What bringing the derived files up to date did; view: whether it was written."""

    duplicates: DuplicateReport
    topics: TopicsReport
    view: bool


@under_lock
def update_derived(
    index_dir: Path | str, phase: Callable[[str, int], None] | None = None
) -> DerivedReport:
    """Update the record of duplicates and the topic space, then the latest version's view.

    phase, if given, is told the name of each pass (PHASES) that has work to do as it
    begins, with the number of articles it works on.
    """
    passes = (update_duplicates, update_topics, update_definitions, update_view)
    done = [
        run(index_dir, begin=functools.partial(phase, name) if phase else None)
        for name, run in zip(PHASES, passes, strict=True)
    ]
    return DerivedReport(done[0], done[1], done[3])


@under_lock
def update_definitions(index_dir: Path | str, begin: Callable[[int], None] | None = None) -> None:
    """Find the definitions of an index written before it kept them, from its stored texts.

    begin, if given, is told the number of articles before they are read.
    """
    if has_definitions(index_dir):
        return
    with open_index(Path(index_dir)).searcher() as searcher:
        if begin:
            begin(searcher.doc_count())
        found = stored_definitions(searcher.all_stored_fields())
    add_definitions(index_dir, found)


@under_lock
def update_view(index_dir: Path | str, begin: Callable[[int], None] | None = None) -> bool:
    """Write the view of the index's latest version, unless it has one made from today's files.

    begin, if given, is told the number of articles before the view is written.
    Return whether it was written.
    """
    stamps = {"duplicates": record_stamp(index_dir), "topics": topics_stamp(index_dir)}
    ix = open_index(Path(index_dir))
    generation = ix.latest_generation()
    with ix.searcher() as searcher:
        reader = searcher.reader()
        view = load_view(index_dir, generation)
        fits = view is not None and view.fits(reader)
        current = fits and all(view.made_from(name, s) for name, s in stamps.items())
        # A view written before it kept the snapshot's columns is written again.
        if current and "distinct_titles" in view.arrays:
            return False
        if begin:
            begin(reader.doc_count())
        arrays = cluster_docnums(reader, load_clusters(index_dir)) | Snapshot(searcher).columns()
        space = load_topics(index_dir) if stamps["topics"] else None
        if space is not None:
            arrays[TOPIC] = aligned_rows(reader, space)
        stamps["segments"] = segment_ids(reader)
    write_view(index_dir, generation, stamps, arrays)
    return True
