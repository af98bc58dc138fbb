"""Fouille's codec for Whoosh: the segment its table of contents records, and its readers.

Fouille writes its segments itself (``building.py``, ``merging.py``) and its own queries read
their arrays (``snapshot.py``); Whoosh's searcher is still used for a few things (an article by
id, related articles, title completions) and by anyone opening the index with plain Whoosh.
``FouilleSegment`` is what Whoosh pickles into each table of contents (its id, its article
count, its deleted articles); the readers answer Whoosh's term, posting, length, column and
stored-field questions from the segment's arrays.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from whoosh import columns as whoosh_columns
from whoosh.codec import base as whoosh_base
from whoosh.matching import ListMatcher
from whoosh.reading import TermInfo, TermNotFound
from whoosh.util.numeric import byte_to_length

from ..errors import IndexIncompatible
from .segment import DATA, FORMAT, SegmentData, segment_data

_LENGTHS = [byte_to_length(code) for code in range(256)]


class FouilleSegment(whoosh_base.Segment):
    """A segment written by Fouille: its id, its article count and its deleted articles."""

    def __init__(self, indexname: str, doc_count: int, segid: str | None = None):
        super().__init__(indexname)
        if segid is not None:
            self.segid = segid
        self._doccount = doc_count
        self._deleted: set[int] | None = None
        self.format = FORMAT

    def codec(self):
        return FouilleCodec()

    def doc_count_all(self) -> int:
        return self._doccount

    def deleted_count(self) -> int:
        return len(self._deleted) if self._deleted else 0

    def deleted_docs(self):
        return iter(sorted(self._deleted or ()))

    def delete_document(self, docnum: int, delete: bool = True) -> None:
        if self._deleted is None:
            self._deleted = set()
        if delete:
            self._deleted.add(docnum)
        else:
            self._deleted.discard(docnum)

    def is_deleted(self, docnum: int) -> bool:
        return bool(self._deleted) and docnum in self._deleted

    def should_assemble(self) -> bool:
        return False

    def data_path(self, folder: Path | str) -> Path:
        """Return the path of this segment's data file in the index folder."""
        return Path(folder) / self.make_filename(DATA)


class FouilleCodec(whoosh_base.Codec):
    """Whoosh's view of Fouille's segments: readers only; Fouille writes them itself."""

    def terms_reader(self, storage, segment):
        return TermsReader(arrays_of(storage.folder, segment))

    def per_document_reader(self, storage, segment):
        return PerDocumentReader(arrays_of(storage.folder, segment), segment)

    def new_segment(self, storage, indexname):
        raise NotImplementedError("Fouille's segments are written by search.store.building")


def reader_segments(reader) -> list[tuple[SegmentData, FouilleSegment, int]]:
    """Return (arrays, segment, first docnum) of each non-empty segment a reader reads.

    :raises IndexIncompatible: if a segment was not written by Fouille.
    """
    found = []
    for leaf, base in reader.leaf_readers():
        if not leaf.doc_count_all():
            continue
        segment = leaf.segment()
        folder = leaf.storage().folder
        if not isinstance(segment, FouilleSegment):
            raise IndexIncompatible(
                f"{folder}: a segment of this index was written by another program; "
                "rebuild it with: fouille index --rebuild PATH"
            )
        found.append((arrays_of(folder, segment), segment, base))
    return found


def arrays_of(folder: Path | str, segment: FouilleSegment) -> SegmentData:
    """Return the mapped arrays of a segment of the index in folder."""
    return segment_data(segment.data_path(folder))


class TermsReader(whoosh_base.TermsReader):
    """A segment's term dictionaries and postings, as Whoosh reads them."""

    def __init__(self, data: SegmentData):
        self.data = data

    def __contains__(self, term) -> bool:
        return self.data.find(*term) is not None

    def indexed_field_names(self):
        return sorted(self.data.fields)

    def cursor(self, fieldname, fieldobj):
        raise NotImplementedError("Fouille's segments have no term cursor")

    def terms(self) -> Iterator[tuple[str, bytes]]:
        for fieldname in sorted(self.data.fields):
            for index in range(self.data.term_count(fieldname)):
                yield fieldname, self.data.term_at(fieldname, index)

    def terms_from(self, fieldname, prefix) -> Iterator[tuple[str, bytes]]:
        for name, index in self._ranks_from(fieldname, prefix):
            yield name, self.data.term_at(name, index)

    def items(self):
        for fieldname, term in self.terms():
            yield (fieldname, term), self.term_info(fieldname, term)

    def items_from(self, fieldname, prefix):
        for name, index in self._ranks_from(fieldname, prefix):
            yield (name, self.data.term_at(name, index)), self._info(name, index)

    def _ranks_from(self, fieldname: str, prefix: bytes) -> Iterator[tuple[str, int]]:
        """Yield (field, rank) of every term from prefix on, then of the later fields."""
        for name in sorted(self.data.fields):
            if name < fieldname:
                continue
            first = self.data.prefix_range(name, prefix)[0] if name == fieldname else 0
            for index in range(first, self.data.term_count(name)):
                yield name, index

    def term_info(self, fieldname, tbytes) -> TermInfo:
        index = self.data.find(fieldname, tbytes)
        if index is None:
            raise KeyError((fieldname, tbytes))
        return self._info(fieldname, index)

    def _info(self, fieldname: str, index: int) -> TermInfo:
        docs = self.data.docs(fieldname, index)
        freqs = self.data.freqs(fieldname, index)
        return TermInfo(
            weight=float(self.data.total_frequencies(fieldname)[index]),
            df=len(docs),
            minlength=0,
            maxlength=_LENGTHS[255],
            maxweight=float(freqs.max()),
            minid=int(docs[0]),
            maxid=int(docs[-1]),
        )

    def frequency(self, fieldname, tbytes) -> float:
        index = self.data.find(fieldname, tbytes)
        if index is None:
            raise KeyError((fieldname, tbytes))
        return float(self.data.total_frequencies(fieldname)[index])

    def doc_frequency(self, fieldname, tbytes) -> int:
        index = self.data.find(fieldname, tbytes)
        if index is None:
            raise KeyError((fieldname, tbytes))
        return int(self.data.doc_frequencies(fieldname)[index])

    def matcher(self, fieldname, tbytes, format_, scorer=None):
        index = self.data.find(fieldname, tbytes)
        if index is None:
            raise TermNotFound(f"{fieldname}:{tbytes!r}")
        docs = self.data.docs(fieldname, index).tolist()
        weights = self.data.freqs(fieldname, index).astype(float).tolist()
        values = None
        if self.data.has_positions(fieldname) and format_.supports("positions"):
            values = _EncodedPositions(*self.data.positions(fieldname, index), format_)
        return ListMatcher(
            docs,
            weights,
            values,
            format_,
            scorer=scorer,
            term=(fieldname, tbytes),
            terminfo=self._info(fieldname, index),
        )

    def close(self):
        pass


class _EncodedPositions:
    """A term's positions, posting by posting, encoded as Whoosh's format reads them.

    Encoded when a matcher asks for one (a phrase query does), not before: Whoosh scores
    most queries from frequencies alone.
    """

    def __init__(self, positions: np.ndarray, ends: np.ndarray, format_):
        self.positions, self.ends, self.format = positions, ends, format_

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, posting: int) -> bytes:
        start = int(self.ends[posting - 1]) if posting else 0
        return self.format.encode(self.positions[start : int(self.ends[posting])].tolist())


class PerDocumentReader(whoosh_base.PerDocumentReader):
    """A segment's lengths, columns and stored fields, as Whoosh reads them."""

    def __init__(self, data: SegmentData, segment: FouilleSegment):
        self.data, self.segment = data, segment

    def doc_count(self) -> int:
        return self.segment.doc_count()

    def doc_count_all(self) -> int:
        return self.data.doc_count

    def has_deletions(self) -> bool:
        return self.segment.has_deletions()

    def is_deleted(self, docnum) -> bool:
        return self.segment.is_deleted(docnum)

    def deleted_docs(self):
        return self.segment.deleted_docs()

    def supports_columns(self) -> bool:
        return True

    def has_column(self, fieldname) -> bool:
        return fieldname in COLUMNS

    def column_reader(self, fieldname, column):
        return _ValuesColumn(COLUMNS[fieldname](self.data))

    def doc_field_length(self, docnum, fieldname, default=0):
        lengths = self.data.lengths(fieldname)
        if lengths is None:
            return default
        return _LENGTHS[int(lengths[docnum])]

    def field_length(self, fieldname) -> int:
        return self.data.field_stats(fieldname)["total"]

    def min_field_length(self, fieldname) -> int:
        return self.data.field_stats(fieldname)["min"]

    def max_field_length(self, fieldname) -> int:
        return self.data.field_stats(fieldname)["max"]

    def stored_fields(self, docnum) -> dict:
        return self.data.stored_fields(docnum)


class _ValuesColumn(whoosh_columns.ColumnReader):
    """A column of a segment as Whoosh reads columns: one value per document."""

    def __init__(self, values: list):
        self._values = values

    def __len__(self) -> int:
        return len(self._values)

    def __getitem__(self, docnum):
        return self._values[docnum]

    def __iter__(self):
        return iter(self._values)

    def load(self):
        return self._values


# Whoosh's columns hold bytes, which its fields translate back to text.
def _labels(name: str):
    def read(data: SegmentData) -> list[bytes]:
        names, codes = data.labels(name)
        encoded = [n.encode("utf-8") for n in names]
        return [encoded[c] if c >= 0 else b"" for c in codes.tolist()]

    return read


def _tags(data: SegmentData) -> list[list[bytes]]:
    names, starts, codes = data.label_lists("tags")
    encoded = [n.encode("utf-8") for n in names]
    return [[encoded[c] for c in codes[starts[d] : starts[d + 1]]] for d in range(data.doc_count)]


def _fingerprints(data: SegmentData) -> list[bytes]:
    return [data.fingerprint(docnum).encode("ascii") for docnum in range(data.doc_count)]


COLUMNS = {
    "section": _labels("section"),
    "author_label": _labels("author_label"),
    "source_label": _labels("source_label"),
    "year": _labels("year"),
    "tags": _tags,
    "fingerprint": _fingerprints,
}
