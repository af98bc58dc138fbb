"""Whoosh's own index format, written faster: each field's lengths read once per commit.

When a commit writes its postings, Whoosh looks up the length of the field in the document for
every posting, through a column reader and a file read each time: a tenth of indexing time.
``FastLengthsCodec`` reads each length column once into a list. What it writes is byte for
byte what Whoosh writes, and the segments it makes name Whoosh's codec, so that an index
written here opens with stock Whoosh.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, _lenfield
from whoosh.util.numeric import byte_to_length


class FastLengthsCodec(W3Codec):
    """Whoosh's codec, with field lengths read in bulk while postings are written."""

    def per_document_reader(self, storage, segment):
        return BulkLengthsReader(storage, segment)

    def new_segment(self, storage, indexname):
        return W3Codec().new_segment(storage, indexname)


class BulkLengthsReader(W3PerDocReader):
    """A per-document reader that decodes a field's lengths all at once, on first use."""

    def __init__(self, storage, segment):
        super().__init__(storage, segment)
        self._lengths: dict[str, list | None] = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        if fieldname not in self._lengths:
            # None too is kept: a field without lengths must not be looked for at each posting.
            self._lengths[fieldname] = self._read_lengths(fieldname)
        lengths = self._lengths[fieldname]
        if lengths is None:
            return default
        return lengths[docnum]

    def _read_lengths(self, fieldname: str) -> list | None:
        reader = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if reader is None:
            return None
        return [_DECODED[code] for code in reader.load()]


# Lengths are stored as one byte each. As in Whoosh's reader, a zero byte reads as None.
_DECODED = [None] + [byte_to_length(code) for code in range(1, 256)]
