"""Fouille's segments: what one commit of articles holds, as mapped numpy arrays.

An index stays a Whoosh index (its table of contents, generations, schema and write lock are
Whoosh's), but its segments are written by ``building.py`` rather than by Whoosh's writer,
posting by posting. A segment is two files, ``MAIN_<id>.fsd`` (every array, see
``arrays.py``) and its table ``MAIN_<id>.fsdt``. For each indexed field it holds the sorted
term dictionary (bytes end to end, and a table of their CRC-32 for lookups), each term's
document frequency and total frequency, and the runs of docnums, frequencies and positions;
for each scorable field one length byte per article (Whoosh's encoding); then the columns
(labels as codes, tags, dates, ids, fingerprints, MinHash signatures) and each article's
stored fields, compressed one by one.

``SegmentData`` answers from those arrays; ``codec.py`` gives Whoosh the segment class its
table of contents records and the readers it asks for.
"""

from __future__ import annotations

import json
import threading
import zlib
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path

import numpy as np

from .arrays import Runs, range_slots, read_arrays, string_at, unpack_run, unpack_runs

# Written into every segment's table; an index whose segments say otherwise is rebuilt.
FORMAT = 2
DATA = ".fsd"
# Publication times are microseconds since 1970; this one stands for "no date".
NO_DATE = np.iinfo(np.int64).min
_EPOCH = datetime(1970, 1, 1)
_MICROSECOND = timedelta(microseconds=1)


def timestamp(moment: datetime) -> int:
    """Return a time as segments store publication dates (microseconds since 1970)."""
    return (moment - _EPOCH) // _MICROSECOND


def moment(microseconds: int) -> datetime:
    """Return the time a stored publication date stands for."""
    return _EPOCH + int(microseconds) * _MICROSECOND


_OPENED: dict[Path, SegmentData] = {}
_OPENING = threading.Lock()


def segment_data(path: Path) -> SegmentData:
    """Return the mapped arrays of the segment data file at path, opened once per process."""
    with _OPENING:
        found = _OPENED.get(path)
        if found is None:
            found = _OPENED[path] = SegmentData(path)
            # Segments merged away are deleted from disk; forget their mappings too.
            for stale in [p for p in _OPENED if not p.exists()]:
                del _OPENED[stale]
        return found


class SegmentData:
    """The arrays of one segment, mapped read-only, and the questions they answer."""

    def __init__(self, path: Path):
        self.path = path
        self.arrays, self.meta = read_arrays(path)
        self.doc_count: int = self.meta["docs"]
        self.fields: dict[str, dict] = self.meta["fields"]

    # Terms

    def term_count(self, fieldname: str) -> int:
        """Return how many distinct terms a field has."""
        return len(self.arrays[f"{fieldname}.df"]) if fieldname in self.fields else 0

    def term_at(self, fieldname: str, index: int) -> bytes:
        """Return a field's term of rank index in byte order."""
        return string_at(
            self.arrays[f"{fieldname}.terms"], self.arrays[f"{fieldname}.term_ends"], index
        )

    def find(self, fieldname: str, term: bytes) -> int | None:
        """Return a term's rank in its field, or None if the segment lacks it."""
        found = int(self.find_all(fieldname, [term])[0])
        return None if found < 0 else found

    def find_all(self, fieldname: str, terms: list[bytes]) -> np.ndarray:
        """Return the rank of each term in its field, -1 for those the segment lacks."""
        found = np.full(len(terms), -1, dtype=np.int64)
        if fieldname not in self.fields or not terms:
            return found
        hashes = self.arrays[f"{fieldname}.hashes"]
        order = self.arrays[f"{fieldname}.hash_order"]
        crcs = np.fromiter(map(zlib.crc32, terms), dtype=np.int64, count=len(terms))
        places = np.searchsorted(hashes, crcs).tolist()
        for i, (term, crc, at) in enumerate(zip(terms, crcs.tolist(), places, strict=True)):
            while at < len(hashes) and int(hashes[at]) == crc:
                if self.term_at(fieldname, int(order[at])) == term:
                    found[i] = int(order[at])
                    break
                at += 1
        return found

    def forward(self, fieldname: str, docnums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the term ranks documents hold in a field kept by document, and their counts."""
        starts = self.arrays[f"{fieldname}.fwd.starts"]
        first = starts[docnums].astype(np.int64)
        sizes = starts[docnums + 1].astype(np.int64) - first
        return self.arrays[f"{fieldname}.fwd.terms"][range_slots(first, sizes)], sizes

    def prefix_range(self, fieldname: str, prefix: bytes) -> tuple[int, int]:
        """Return the ranks [first, end) of a field's terms that begin with prefix."""
        count = self.term_count(fieldname)
        first = self._bisect(fieldname, prefix, count)
        end = first
        # Terms with the prefix are contiguous: gallop, then bisect, to their end.
        step = 1
        while end < count and self.term_at(fieldname, end).startswith(prefix):
            end = first + step
            step *= 2
        low, high = first, min(end, count)
        while low < high:
            middle = (low + high) // 2
            if self.term_at(fieldname, middle).startswith(prefix):
                low = middle + 1
            else:
                high = middle
        return first, low

    def _bisect(self, fieldname: str, term: bytes, count: int) -> int:
        low, high = 0, count
        while low < high:
            middle = (low + high) // 2
            if self.term_at(fieldname, middle) < term:
                low = middle + 1
            else:
                high = middle
        return low

    def doc_frequencies(self, fieldname: str) -> np.ndarray:
        """Return each term's document frequency, in term order."""
        return self.arrays[f"{fieldname}.df"]

    def total_frequencies(self, fieldname: str) -> np.ndarray:
        """Return each term's total frequency (occurrences), in term order."""
        return self.arrays[f"{fieldname}.cf"]

    # Postings

    def docs(self, fieldname: str, index: int) -> np.ndarray:
        """Return the docnums (ascending, in this segment) holding a field's term index."""
        return unpack_run(self._runs(fieldname, "docs"), index)

    def all_postings(self, fieldname: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return every posting of a field, term after term: docnums, freqs, and each term's df."""
        count = self.term_count(fieldname)
        docs, sizes = unpack_runs(self._runs(fieldname, "docs"), 0, count)
        if not self.fields[fieldname]["freqs"]:
            return docs, np.ones(len(docs), dtype=np.int64), sizes
        return docs, unpack_runs(self._runs(fieldname, "freqs"), 0, count)[0], sizes

    def freqs(self, fieldname: str, index: int) -> np.ndarray:
        """Return the term's frequency in each document holding it (1 without frequencies)."""
        if not self.fields[fieldname]["freqs"]:
            return np.ones(int(self.arrays[f"{fieldname}.df"][index]), dtype=np.int64)
        return unpack_run(self._runs(fieldname, "freqs"), index)

    def positions(self, fieldname: str, index: int) -> tuple[np.ndarray, np.ndarray]:
        """Return a term's positions, document after document, and where each one's end."""
        ends = np.cumsum(self.freqs(fieldname, index))
        restarts = np.concatenate([[0], ends[:-1]])
        return unpack_run(self._runs(fieldname, "pos"), index, restarts), ends

    def has_positions(self, fieldname: str) -> bool:
        """Return whether a field keeps positions."""
        return bool(self.fields.get(fieldname, {}).get("positions"))

    def _runs(self, fieldname: str, kind: str) -> Runs:
        prefix = f"{fieldname}.{kind}"
        return Runs(
            self.arrays[f"{prefix}.data"],
            self.arrays[f"{prefix}.starts"],
            self.arrays[f"{prefix}.widths"],
            deltas=kind != "freqs",
        )

    # Documents

    def lengths(self, fieldname: str) -> np.ndarray | None:
        """Return each document's length in a field as Whoosh's byte code, None if unscored."""
        return self.arrays.get(f"{fieldname}.lengths")

    def field_stats(self, fieldname: str) -> dict:
        """Return a field's total, shortest and longest length in words."""
        return self.fields.get(fieldname, {}).get("length", {"total": 0, "min": 0, "max": 0})

    def labels(self, name: str) -> tuple[list[str], np.ndarray]:
        """Return a label column's names and each document's code (-1: none)."""
        return self._names(f"col.{name}"), self.arrays[f"col.{name}.codes"]

    def label_lists(self, name: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Return a list column's names, where each document's codes start, and the codes."""
        prefix = f"col.{name}"
        return self._names(prefix), self.arrays[f"{prefix}.starts"], self.arrays[f"{prefix}.codes"]

    def _names(self, prefix: str) -> list[str]:
        data, ends = self.arrays[f"{prefix}.names"], self.arrays[f"{prefix}.name_ends"]
        return [string_at(data, ends, i).decode("utf-8") for i in range(len(ends))]

    @property
    def published(self) -> np.ndarray:
        """Return each document's publication time in microseconds since 1970 (NO_DATE)."""
        return self.arrays["col.published"]

    @cached_property
    def ids(self) -> list[str]:
        """Return each document's article id."""
        return _all_strings(self.arrays["col.id"], self.arrays["col.id_ends"])

    @cached_property
    def fingerprints(self) -> list[str]:
        """Return each document's fingerprint (the digest of its fields)."""
        return _all_strings(self.arrays["col.fingerprint"], self.arrays["col.fingerprint_ends"])

    def fingerprint(self, docnum: int) -> str:
        """Return a document's fingerprint."""
        data, ends = self.arrays["col.fingerprint"], self.arrays["col.fingerprint_ends"]
        return string_at(data, ends, docnum).decode("utf-8")

    @property
    def signatures(self) -> np.ndarray:
        """Return each document's MinHash signature (rows of zeros: too short to sign)."""
        return self.arrays["col.minhash"]

    @cached_property
    def signed(self) -> np.ndarray:
        """Return whether each document has a signature."""
        return self.arrays["col.signed"].astype(bool)

    def stored_fields(self, docnum: int) -> dict:
        """Return the stored fields of a document, as Whoosh's stored_fields gives them."""
        ends = self.arrays["stored.ends"]
        start = int(ends[docnum - 1]) if docnum else 0
        packed = bytes(self.arrays["stored.data"][start : int(ends[docnum])])
        fields = json.loads(zlib.decompress(packed))
        if "published" in fields:
            fields["published"] = datetime.fromisoformat(fields["published"])
        return fields


def _all_strings(data: np.ndarray, ends: np.ndarray) -> list[str]:
    raw = bytes(data)
    bounds = ends.tolist()
    return [raw[a:b].decode("utf-8") for a, b in zip([0, *bounds[:-1]], bounds, strict=True)]
