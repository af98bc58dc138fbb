"""One committed version of the index as numpy arrays: what scoring, filters and facets read.

Whoosh scores, filters and groups one posting at a time in Python; a question of thirty
words then costs a second. A snapshot reads each posting list once into arrays (kept in a
bounded cache, since the same common words recur in every query) along with the field lengths
and the facet columns, so that a whole query is a handful of vectorised operations. A snapshot
belongs to one searcher: the archive makes a new one when a new version is committed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.util.numeric import byte_to_length
from whoosh.util.times import datetime_to_long

from ..limits import over_time
from .schema import TEXT_FIELDS

# Fields whose values are facets and filters (single label per article), and the list one.
LABEL_FIELDS = ("section", "author_label", "source_label", "year")
LIST_FIELD = "tags"
# Posting lists kept in memory, in bytes.
CACHE_BYTES = 150_000_000
# Phrases whose matches are remembered (compounds such as "covid-19" recur in queries).
CACHE_PHRASES = 1024
# A prefix's expansions are chosen among this many of its terms, in dictionary order: a
# one-letter prefix begins tens of thousands of words.
EXPANSIONS_SCANNED = 20_000
CACHE_EXPANSIONS = 1024
# Whoosh stores a field length in one byte; this table turns the byte back into a length.
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
NO_DATE = np.iinfo(np.int64).min
# Whoosh stores times as microseconds since year 1.
_EPOCH = datetime_to_long(datetime(1970, 1, 1))
_NEVER = datetime_to_long(datetime.max)


@dataclass(frozen=True)
class PostingList:
    """A term's postings: docnums (ascending), frequencies, and encoded positions if kept."""

    docs: np.ndarray
    freqs: np.ndarray
    values: bytes = b""  # each posting's encoded positions, end to end
    ends: np.ndarray | None = None  # where each posting's value ends in values

    def rows(self, docnums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return each document's row in this non-empty list, and whether the list holds it."""
        rows = np.minimum(np.searchsorted(self.docs, docnums), len(self.docs) - 1)
        return rows, self.docs[rows] == docnums

    @property
    def size(self) -> int:
        """Return the memory the arrays take, in bytes."""
        ends = self.ends.nbytes if self.ends is not None else 0
        return self.docs.nbytes + self.freqs.nbytes + len(self.values) + ends


_EMPTY = PostingList(np.empty(0, np.int32), np.empty(0, np.float32))


@dataclass(frozen=True)
class Labels:
    """A column of labels as codes: codes[docnum] indexes names; -1 for no label."""

    names: tuple[str, ...]
    codes: np.ndarray


@dataclass(frozen=True)
class LabelLists:
    """A column of label lists (tags): the codes of document d are codes[starts[d]:starts[d+1]]."""

    names: tuple[str, ...]
    starts: np.ndarray
    codes: np.ndarray
    owners: np.ndarray  # owners[i]: the docnum that codes[i] belongs to


class Snapshot:
    """The arrays of one searcher's index version; thread-safe for reading."""

    def __init__(self, searcher):
        self.searcher = searcher
        # The archive's topic vectors by docnum (``topics.TopicVectors``), set by the archive.
        self.topics = None
        self.reader = reader = searcher.reader()
        self.size = reader.doc_count_all()
        self.leaves = list(reader.leaf_readers())
        self.live = np.ones(self.size, dtype=bool)
        for leaf, base in self.leaves:
            deleted = list(leaf.deleted_docs_set) if leaf.has_deletions() else []
            self.live[np.asarray(deleted, dtype=np.int64) + base] = False
        self.documents = int(self.live.sum())
        self.lengths = {name: self._lengths(name) for name in TEXT_FIELDS}
        self.mean_length = {
            name: float(lengths[self.live].mean()) if self.documents else 0.0
            for name, lengths in self.lengths.items()
        }
        self.labels = {name: self._labels(name) for name in LABEL_FIELDS}
        self.tags = self._label_lists(LIST_FIELD)
        self.published = self._dates()
        self._cache: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached = 0
        # Phrases read positions, which cost more than postings; recent ones are remembered.
        self._phrases: OrderedDict[tuple[str, tuple[str, ...]], np.ndarray] = OrderedDict()
        self._vocabularies: dict[str, dict[tuple[str, int], list[str]]] = {}
        self._expansions: OrderedDict[tuple[str, str, int], tuple] = OrderedDict()
        self._lock = threading.Lock()

    def postings(self, fieldname: str, text: str) -> PostingList:
        """Return a term's postings, read once and then kept while memory allows.

        Once the request's time budget is spent, a list not read yet is taken as empty.
        """
        key = (fieldname, text)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        if over_time():
            return _EMPTY
        found = self._read_postings(fieldname, text)
        with self._lock:
            self._cache[key] = found
            self._cached += found.size
            while self._cached > CACHE_BYTES and len(self._cache) > 1:
                self._cached -= self._cache.popitem(last=False)[1].size
        return found

    def holders(self, fieldname: str, text: str) -> np.ndarray:
        """Return, per docnum, whether the document holds the term."""
        found = np.zeros(self.size, dtype=bool)
        found[self.postings(fieldname, text).docs] = True
        return found

    def phrase_holders(self, fieldname: str, words: list[str]) -> np.ndarray:
        """Return, per docnum, whether the document holds the words side by side, in order."""
        key = (fieldname, tuple(words))
        with self._lock:
            held = self._phrases.get(key)
        if held is None:
            held = np.flatnonzero(self._phrase(fieldname, words))
            with self._lock:
                self._phrases[key] = held
                if len(self._phrases) > CACHE_PHRASES:
                    self._phrases.popitem(last=False)
        found = np.zeros(self.size, dtype=bool)
        found[held] = True
        return found

    def _phrase(self, fieldname: str, words: list[str]) -> np.ndarray:
        found = np.zeros(self.size, dtype=bool)
        candidates = self.postings(fieldname, words[0]).docs
        for word in words[1:]:
            candidates = np.intersect1d(candidates, self.postings(fieldname, word).docs)
        if not len(candidates):
            return found
        spots = [self.positions(fieldname, word, candidates) for word in words]
        for done, docnum in enumerate(candidates.tolist()):
            if done % 512 == 511 and over_time():
                break
            # Where the phrase could start: each word must stand i places after its first.
            starts = set(spots[0][docnum])
            for offset, positions in enumerate(spots[1:], 1):
                starts &= {p - offset for p in positions[docnum]}
                if not starts:
                    break
            found[docnum] = bool(starts)
        return found

    def positions(self, fieldname: str, text: str, docnums: np.ndarray) -> dict[int, list[int]]:
        """Return where the term stands in those of the documents (ascending) that hold it."""
        found = self.postings(fieldname, text)
        if found.ends is None or not len(found.docs):
            return {}
        rows, held = found.rows(docnums)
        decode = self.reader.schema[fieldname].format.decode_positions
        starts = np.concatenate([[0], found.ends[:-1]])
        return {
            int(docnum): decode(found.values[starts[row] : found.ends[row]])
            for docnum, row in zip(docnums[held].tolist(), rows[held].tolist(), strict=True)
        }

    def frequency(self, fieldname: str, text: str) -> int:
        """Return how many documents hold a term (deleted ones included, as Whoosh counts)."""
        return len(self.postings(fieldname, text).docs)

    def expand(self, fieldname: str, prefix: str, limit: int) -> tuple[tuple[str, ...], bool]:
        """Return the limit most frequent terms of a field beginning with prefix, most first.

        Also return whether more terms begin with it (those left out).
        """
        key = (fieldname, prefix, limit)
        with self._lock:
            if key in self._expansions:
                return self._expansions[key]
        counted: list[tuple[int, str]] = []
        more = False
        for scanned, (term, info) in enumerate(self.reader.iter_prefix(fieldname, prefix)):
            if scanned == EXPANSIONS_SCANNED:
                more = True
                break
            if scanned % 64 == 0 and over_time():
                # Cut short by the budget: good for this request only, not kept.
                return _most_frequent(counted, limit), True
            counted.append((info.doc_frequency(), _text(term)))
        expansion = _most_frequent(counted, limit), more or len(counted) > limit
        with self._lock:
            self._expansions[key] = expansion
            if len(self._expansions) > CACHE_EXPANSIONS:
                self._expansions.popitem(last=False)
        return expansion

    def vocabulary(self, fieldname: str) -> dict[tuple[str, int], list[str]]:
        """Return a field's terms by first letter and length, read when first asked for."""
        with self._lock:
            if fieldname not in self._vocabularies:
                buckets: dict[tuple[str, int], list[str]] = {}
                for term in self.reader.lexicon(fieldname):
                    term = _text(term)
                    buckets.setdefault((term[:1], len(term)), []).append(term)
                self._vocabularies[fieldname] = buckets
            return self._vocabularies[fieldname]

    def field_lengths(self, fieldname: str) -> np.ndarray | None:
        """Return each document's length in a field, or None if the field keeps none."""
        if fieldname not in self.lengths:
            self.lengths[fieldname] = self._lengths(fieldname)
            lengths = self.lengths[fieldname]
            if lengths is not None:
                self.mean_length[fieldname] = float(lengths[self.live].mean() or 1.0)
        return self.lengths[fieldname]

    def _read_postings(self, fieldname: str, text: str) -> PostingList:
        positional = self.reader.schema[fieldname].format.supports("positions")
        docs, freqs, values = [], [], []
        for leaf, base in self.leaves:
            if (fieldname, text) not in leaf:
                continue
            for ids, weights, encoded in posting_blocks(
                leaf.postings(fieldname, text), positional
            ):
                docs.append(np.asarray(ids, dtype=np.int32) + base)
                freqs.append(np.asarray(weights, dtype=np.float32))
                values.extend(encoded)
        if not docs:
            return _EMPTY
        ends = np.cumsum([len(v) for v in values], dtype=np.int64) if positional else None
        return PostingList(np.concatenate(docs), np.concatenate(freqs), b"".join(values), ends)

    def _lengths(self, fieldname: str) -> np.ndarray | None:
        if not self.reader.schema[fieldname].scorable:
            return None
        lengths = np.zeros(self.size, dtype=np.float32)
        for leaf, base in self.leaves if self.size else ():
            column = leaf._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            if column is None:
                continue
            # One read of the column's bytes rather than a call per document.
            raw = column._dbfile.get(column._basepos, column._count)
            lengths[base : base + len(raw)] = _LENGTHS[np.frombuffer(raw, dtype=np.uint8)]
        return lengths

    def _labels(self, fieldname: str) -> Labels:
        values = self._column(fieldname)
        names = tuple(sorted({v for v in values if v}))
        index = {name: code for code, name in enumerate(names)}
        codes = np.fromiter((index.get(v, -1) for v in values), dtype=np.int32, count=self.size)
        return Labels(names, codes)

    def _label_lists(self, fieldname: str) -> LabelLists:
        lists = self._column(fieldname)
        names = tuple(sorted({v for values in lists for v in values or ()}))
        index = {name: code for code, name in enumerate(names)}
        counts = np.fromiter((len(v or ()) for v in lists), dtype=np.int64, count=self.size)
        starts = np.concatenate([[0], np.cumsum(counts)])
        codes = np.fromiter(
            (index[v] for values in lists for v in values or ()), dtype=np.int32, count=starts[-1]
        )
        owners = np.repeat(np.arange(self.size, dtype=np.int32), counts)
        return LabelLists(names, starts, codes, owners)

    def _dates(self) -> np.ndarray:
        """Return publication times as microseconds since 1970, or NO_DATE if none."""
        # Read raw: Whoosh stores "no date" as a value beyond datetime.max, which it cannot
        # turn back into a datetime.
        values = self._column("published", translate=False)
        return np.fromiter(
            (v - _EPOCH if v is not None and v < _NEVER else NO_DATE for v in values),
            dtype=np.int64,
            count=self.size,
        )

    def _column(self, fieldname: str, translate: bool = True) -> list:
        values = [None] * self.size
        for leaf, base in self.leaves:
            if not leaf.has_column(fieldname):
                continue
            column = leaf.column_reader(fieldname, translate=translate)
            for docnum in leaf.all_doc_ids():
                try:
                    values[base + docnum] = _text(column[docnum])
                except IndexError:
                    # Whoosh leaves a column short when a segment's last articles lack a value.
                    continue
        return values


def timestamp(moment: datetime) -> int:
    """Return a time as the snapshot stores publication dates (microseconds since 1970)."""
    return (moment - datetime(1970, 1, 1)) // _MICROSECOND


def moment(microseconds: int) -> datetime:
    """Return the time a stored publication date stands for."""
    return datetime(1970, 1, 1) + int(microseconds) * _MICROSECOND


_MICROSECOND = datetime(1970, 1, 1, 0, 0, 0, 1) - datetime(1970, 1, 1)


def posting_blocks(matcher, positional: bool):
    """Yield a posting list's docnums, frequencies and encoded values block by block."""
    if isinstance(matcher, W3LeafMatcher):
        # Whoosh's public API hands out one posting per call; its blocks are arrays already.
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            if positional:
                matcher._read_values()
            yield matcher._ids, matcher._weights, matcher._values if positional else ()
            matcher._next_block()
        return
    ids, weights, values = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if positional:
            values.append(matcher.value())
        matcher.next()
    yield ids, weights, values


def _most_frequent(counted: list[tuple[int, str]], limit: int) -> tuple[str, ...]:
    """Return the terms of the highest counts, highest first, ties in dictionary order."""
    return tuple(term for _, term in sorted(counted, key=lambda pair: -pair[0])[:limit])


def _text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, list):
        return [_text(v) for v in value]
    return value
