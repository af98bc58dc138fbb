"""Keep a record of an index's duplicate articles beside it, in step with what it holds.

The record is ``fouille-duplicates.json`` in the index folder: for each article its
fingerprint (the digest the index stores, which changes with any field), its publication
date and its MinHash signature (``duplicates.py``, computed when the article was indexed and
kept in its segment), then the clusters of duplicates, canonical (earliest) article first.
Bringing it up to date compares fingerprints only: an article of the index that the record
does not hold at that fingerprint is added with its signature, one the index no longer holds
is forgotten, and the clusters are recomputed from all signatures (a second or less for
36,000 articles). So whatever wrote the index, the next update is right, and an
update with nothing to do writes nothing. The file is replaced whole (temporary file, then
``os.replace``), so a reader never sees half of it.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import DuplicatesUnreadable
from . import duplicates
from .codec import reader_segments
from .index import open_index
from .lock import under_lock
from .segment import NO_DATE, moment
from .sidecar import replacing, stamp

SIDECAR = "fouille-duplicates.json"
FORMAT = 1
METHOD = {
    "shingle": duplicates.SHINGLE,
    "permutations": duplicates.PERMUTATIONS,
    "bands": duplicates.BANDS,
    "threshold": duplicates.THRESHOLD,
}


@dataclass
class DuplicateReport:
    """What bringing the record of duplicates up to date did."""

    articles: int = 0
    signed: int = 0
    dropped: int = 0
    clusters: int = 0
    clustered: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class Clusters:
    """Groups of duplicate article ids, canonical first, and the fingerprint of each member."""

    groups: tuple[tuple[str, ...], ...] = ()
    fingerprints: dict[str, str] = field(default_factory=dict)


@dataclass
class _Entry:
    fingerprint: str
    published: str
    signature: str


@under_lock
def update_duplicates(
    index_dir: Path | str, begin: Callable[[int], None] | None = None
) -> DuplicateReport:
    """Sign the articles new to the record, forget those gone from the index, and cluster.

    begin, if given, is told how many articles are new or gone before they are clustered.

    :raises IndexMissing: if index_dir holds no index.
    :raises IndexIncompatible: if the index cannot be read.
    :raises DuplicatesUnreadable: if its record of duplicates cannot be read.
    """
    return update_shared_duplicates([index_dir], begin)


def update_shared_duplicates(
    index_dirs: list[Path | str], begin: Callable[[int], None] | None = None
) -> DuplicateReport:
    """Bring one record of duplicates over the articles of all the indexes up to date in each.

    The shards of a sharded index each hold the record of them all, read from the first:
    a cluster may span shards. The caller holds their locks.
    """
    started = time.perf_counter()
    paths = [Path(index_dir) / SIDECAR for index_dir in index_dirs]
    entries, groups, current = _read(paths[0])
    with ExitStack() as searchers:
        segments = [
            found
            for index_dir in index_dirs
            for found in reader_segments(
                searchers.enter_context(open_index(Path(index_dir)).searcher()).reader()
            )
        ]
        live = _live(segments)
        gone = [i for i, entry in entries.items() if entry.fingerprint not in live]
        for article_id in gone:
            del entries[article_id]
        known = {entry.fingerprint for entry in entries.values()}
        new = [place for fingerprint, place in live.items() if fingerprint not in known]
        for data, docnum in new:
            entries[data.ids[docnum]] = _entry_of(data, docnum)
    if new or gone or not current or not _alike(paths):
        if begin:
            begin(len(new) + len(gone))
        try:
            groups = _cluster(entries)
        except ValueError as error:
            # Only a signature read from the record can be malformed (bad base64, wrong size).
            raise _unreadable(paths[0], error) from None
        for path in paths:
            _write(path, entries, groups)
    return DuplicateReport(
        articles=len(entries),
        signed=len(new),
        dropped=len(gone),
        clusters=len(groups),
        clustered=sum(len(group) for group in groups),
        seconds=time.perf_counter() - started,
    )


def load_clusters(index_dir: Path | str) -> Clusters:
    """Return the recorded clusters of the index in index_dir (none if it has no record).

    :raises DuplicatesUnreadable: if the record cannot be read.
    """
    entries, groups, current = _read(Path(index_dir) / SIDECAR)
    if not current:
        return Clusters()
    members = {i for group in groups for i in group}
    return Clusters(tuple(groups), {i: entries[i].fingerprint for i in members if i in entries})


def cluster_docnums(reader, clusters: Clusters) -> dict[str, np.ndarray]:
    """Return the clusters as document numbers of a reader: ``group`` and ``members``.

    ``group[docnum]`` is its cluster's number, -1 when it has no copy; cluster g's docnums
    are ``members[member_starts[g]:member_starts[g + 1]]``, canonical first. An article
    changed since it was compared is no longer known to be a copy.
    """
    group = np.full(reader.doc_count_all(), -1, dtype=np.int32)
    by_fingerprint = live_fingerprints(reader) if clusters.groups else {}
    starts, members = [0], []
    for ids in clusters.groups:
        docnums = [
            by_fingerprint[clusters.fingerprints[i]]
            for i in ids
            if clusters.fingerprints.get(i) in by_fingerprint
        ]
        if len(docnums) > 1:
            group[docnums] = len(starts) - 1
            members.extend(docnums)
            starts.append(len(members))
    return {
        "group": group,
        "member_starts": np.array(starts, dtype=np.int64),
        "members": np.array(members, dtype=np.int64),
    }


def record_stamp(index_dir: Path | str) -> tuple[int, int] | None:
    """Return the size and modification time of the record, None if there is none."""
    return stamp(Path(index_dir) / SIDECAR)


def clear_duplicates(index_dir: Path | str) -> None:
    """Forget the record of duplicates of the index in index_dir."""
    (Path(index_dir) / SIDECAR).unlink(missing_ok=True)


def live_fingerprints(reader) -> dict[str, int]:
    """Return the document number of each article the reader holds, by fingerprint."""
    return {
        fingerprint: base + docnum
        for fingerprint, (base, docnum) in _live(reader_segments(reader), True).items()
    }


def _live(segments, numbers: bool = False) -> dict:
    """Return (segment arrays, docnum) of each live article by fingerprint, in index order.

    With numbers, (first docnum of the segment, docnum) instead.
    """
    found = {}
    for data, segment, base in segments:
        for docnum, fingerprint in enumerate(data.fingerprints):
            if not segment.is_deleted(docnum):
                found[fingerprint] = (base if numbers else data, docnum)
    return found


def _alike(paths: list[Path]) -> bool:
    """Tell whether every copy of the record holds the same bytes as the first."""
    # A run may have stopped between writing two copies.
    if len(paths) == 1:
        return True
    try:
        first = paths[0].read_bytes()
        return all(path.read_bytes() == first for path in paths[1:])
    except OSError:
        return False


def _entry_of(data, docnum: int) -> _Entry:
    published = data.published[docnum]
    signed = data.signed[docnum]
    return _Entry(
        fingerprint=data.fingerprints[docnum],
        published="" if published == NO_DATE else moment(published).isoformat(),
        signature=base64.b64encode(data.signatures[docnum].tobytes()).decode() if signed else "",
    )


def _cluster(entries: dict[str, _Entry]) -> list[tuple[str, ...]]:
    signatures = {
        article_id: np.frombuffer(base64.b64decode(entry.signature, validate=True), np.uint16)
        for article_id, entry in entries.items()
        if entry.signature
    }
    # Canonical: published first; an article without a date cannot claim to be the first.
    order = {i: (0, e.published) if e.published else (1, "") for i, e in entries.items()}
    return duplicates.clusters(duplicates.duplicate_pairs(signatures), order)


def _read(path: Path) -> tuple[dict[str, _Entry], list[tuple[str, ...]], bool]:
    """Return the record's entries, its clusters, and whether it exists with today's method."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, [], False
    except OSError as error:
        raise _unreadable(path, error.strerror) from None
    try:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}, expected {FORMAT}")
        if data["method"] != METHOD:
            # Signatures made another way do not compare: sign everything again.
            return {}, [], False
        entries = {str(i): _entry(raw) for i, raw in data["articles"].items()}
        groups = [tuple(map(str, group)) for group in data["clusters"]]
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise _unreadable(path, error) from None
    return entries, groups, True


def _entry(raw) -> _Entry:
    if not (isinstance(raw, list) and len(raw) == 3 and all(isinstance(v, str) for v in raw)):
        raise ValueError(f"an article is {raw!r}, not [fingerprint, published, signature]")
    return _Entry(*raw)


def _unreadable(path: Path, reason) -> DuplicatesUnreadable:
    return DuplicatesUnreadable(
        f"{path}: cannot read the record of duplicate articles ({reason}); delete it (the "
        "next fouille index finds the duplicates again) or rebuild with: "
        "fouille index --rebuild PATH"
    )


def _write(path: Path, entries: dict[str, _Entry], groups: list[tuple[str, ...]]) -> None:
    data = {
        "format": FORMAT,
        "method": METHOD,
        "clusters": [list(group) for group in groups],
        "articles": {
            i: [e.fingerprint, e.published, e.signature] for i, e in sorted(entries.items())
        },
    }
    with replacing(path) as file:
        json.dump(data, file, ensure_ascii=False, separators=(",", ":"))
