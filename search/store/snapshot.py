"""One committed version of the index as numpy arrays: what scoring, filters and facets read.

A snapshot lays the segments of one searcher end to end (a document's number is its
segment's base plus its number there) and reads from their mapped arrays (``segment.py``):
field lengths, facet columns and dates are concatenated once; a term's postings are decoded
from each segment when first asked for and kept in a bounded cache, since the same common
words recur in every query. A whole query is then a handful of vectorised operations. The
archive makes a new snapshot when a new version is committed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from whoosh.util.numeric import byte_to_length

from ..limits import over_time
from .arrays import range_slots
from .codec import reader_segments
from .schema import TEXT_FIELDS
from .segment import NO_DATE, SegmentData, moment, timestamp
from .spellings import Grouping
from .statistics import Statistics
from .titles import distinct_share, title_signatures

# Fields whose values are facets and filters (single label per article), and the list one.
LABEL_FIELDS = ("section", "author_label", "source_label", "year")
LIST_FIELD = "tags"
# Posting lists kept in memory, in bytes: each worker holds its own, so this bounds a worker's
# private memory (docs/BENCHMARKS.md measures what a smaller cache costs in latency).
CACHE_BYTES = 64_000_000
# Phrases whose matches are remembered (compounds such as "covid-19" recur in queries).
CACHE_PHRASES = 1024
CACHE_EXPANSIONS = 1024
# Whoosh stores a field length in one byte; this table turns the byte back into a length.
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)

__all__ = ["NO_DATE", "LabelLists", "Labels", "PostingList", "Snapshot", "moment", "timestamp"]


@dataclass(frozen=True)
class PostingList:
    """A term's postings: docnums (ascending), frequencies, and positions if kept.

    The positions of the i-th posting are positions[ends[i - 1]:ends[i]].
    """

    docs: np.ndarray
    freqs: np.ndarray
    positions: np.ndarray | None = None
    ends: np.ndarray | None = None

    def rows(self, docnums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return each document's row in this non-empty list, and whether the list holds it."""
        rows = np.minimum(np.searchsorted(self.docs, docnums), len(self.docs) - 1)
        return rows, self.docs[rows] == docnums

    @property
    def size(self) -> int:
        """Return the memory the arrays take, in bytes."""
        extra = self.positions.nbytes + self.ends.nbytes if self.positions is not None else 0
        return self.docs.nbytes + self.freqs.nbytes + extra


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

    def __init__(self, searcher, mapped: dict[str, np.ndarray] | None = None):
        """Read searcher's version; mapped, its view's arrays (``columns``), saves making them."""
        self.searcher = searcher
        # The archive's topic vectors by docnum (``topics.TopicVectors``), set by the archive.
        self.topics = None
        # Acronyms the archive defines, by folded form (``definitions.py``), set by the archive.
        self.definitions: dict[str, str] = {}
        self.reader = reader = searcher.reader()
        self.segments = [(data, base, seg) for data, seg, base in reader_segments(reader)]
        self.size = sum(data.doc_count for data, _, _ in self.segments)
        self.live = np.ones(self.size, dtype=bool)
        for _, base, segment in self.segments:
            deleted = np.fromiter(segment.deleted_docs(), dtype=np.int64)
            self.live[deleted + base] = False
        self.documents = int(self.live.sum())
        mapped = mapped if mapped is not None and "published" in mapped else {}
        self.lengths = {
            name: mapped[key] if (key := f"lengths.{name}") in mapped else self._lengths(name)
            for name in TEXT_FIELDS
        }
        self.mean_length = {name: self._mean(lengths) for name, lengths in self.lengths.items()}
        self.labels = {name: self._labels(name, mapped) for name in LABEL_FIELDS}
        self.tags = self._label_lists(LIST_FIELD, mapped)
        self.spellings = Grouping(self.labels, self.tags, self.live)
        if "distinct_titles" in mapped:
            # Worked out by the indexer: a third of a second at 360k articles.
            self.__dict__["distinct_titles"] = float(mapped["distinct_titles"][0])
        self.published = mapped.get("published")
        if self.published is None:
            self.published = self._concatenated(lambda data: data.published, np.int64)
        self._cache: OrderedDict[tuple[str, str], PostingList] = OrderedDict()
        self._cached = 0
        # Phrases read positions, which cost more than postings; recent ones are remembered.
        self._phrases: OrderedDict[tuple[str, tuple[str, ...]], np.ndarray] = OrderedDict()
        self._vocabularies: dict[str, dict[tuple[str, int], list[str]]] = {}
        self._expansions: OrderedDict[tuple[str, str, int], tuple] = OrderedDict()
        self._lock = threading.Lock()

    @cached_property
    def statistics(self) -> Statistics:
        """Return the collection statistics this snapshot ranks by when on its own."""
        return Statistics(self)

    @cached_property
    def distinct_titles(self) -> float:
        """Return the share of live articles whose title no other holds (``titles.py``)."""
        return distinct_share(title_signatures(self.segments, self.size), self.live)

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
            held = self._phrase(fieldname, words)
            with self._lock:
                self._phrases[key] = held
                if len(self._phrases) > CACHE_PHRASES:
                    self._phrases.popitem(last=False)
        found = np.zeros(self.size, dtype=bool)
        found[held] = True
        return found

    def _phrase(self, fieldname: str, words: list[str]) -> np.ndarray:
        """Return the docnums holding the words one after the other."""
        lists = [self.postings(fieldname, word) for word in words]
        candidates = lists[0].docs
        for found in lists[1:]:
            candidates = np.intersect1d(candidates, found.docs)
        if not len(candidates) or any(found.positions is None for found in lists):
            return candidates[:0]
        # Where each candidate's phrase could start: (docnum, position of the first word).
        starts = self._spots(lists[0], candidates, 0)
        for offset, found in enumerate(lists[1:], 1):
            starts = starts[_isin_rows(starts, self._spots(found, candidates, offset))]
            if not len(starts):
                break
        return np.unique(starts[:, 0]) if len(starts) else candidates[:0]

    @staticmethod
    def _spots(found: PostingList, docnums: np.ndarray, offset: int) -> np.ndarray:
        """Return (docnum, position - offset) for each position of the term in docnums."""
        rows, held = found.rows(docnums)
        rows = rows[held]
        starts = np.concatenate([[0], found.ends[:-1]])[rows]
        counts = found.ends[rows] - starts
        positions = found.positions[range_slots(starts, counts)] - offset
        spots = np.column_stack([np.repeat(docnums[held], counts), positions])
        # A phrase cannot start before the text does.
        return spots[positions >= 0]

    def positions(self, fieldname: str, text: str, docnums: np.ndarray) -> dict[int, list[int]]:
        """Return where the term stands in those of the documents (ascending) that hold it."""
        found = self.postings(fieldname, text)
        if found.positions is None or not len(found.docs):
            return {}
        rows, held = found.rows(docnums)
        starts = np.concatenate([[0], found.ends[:-1]])
        return {
            int(docnum): found.positions[starts[row] : found.ends[row]].tolist()
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
        encoded = prefix.encode("utf-8")
        counts: dict[bytes, int] = {}
        more = False
        for data, _, _ in self.segments:
            first, end = data.prefix_range(fieldname, encoded)
            if end - first > limit:
                more = True
            df = data.doc_frequencies(fieldname)[first:end] if end > first else []
            # Each segment's most frequent: a term frequent in the archive is among them.
            best = np.argsort(-np.asarray(df, dtype=np.int64), kind="stable")[: 2 * limit]
            for index in best.tolist():
                counts[data.term_at(fieldname, first + index)] = 0
        for term in counts:
            counts[term] = sum(
                self._doc_frequency(data, fieldname, term) for data, _, _ in self.segments
            )
        ranked = sorted(counts, key=lambda term: (-counts[term], term))
        expansion = tuple(t.decode("utf-8") for t in ranked[:limit]), more or len(ranked) > limit
        with self._lock:
            self._expansions[key] = expansion
            if len(self._expansions) > CACHE_EXPANSIONS:
                self._expansions.popitem(last=False)
        return expansion

    @staticmethod
    def _doc_frequency(data: SegmentData, fieldname: str, term: bytes) -> int:
        index = data.find(fieldname, term)
        return 0 if index is None else int(data.doc_frequencies(fieldname)[index])

    def total_frequency(self, fieldname: str, text: str) -> int:
        """Return how often a term occurs in the archive, from the term dictionaries alone."""
        encoded, total = text.encode("utf-8"), 0
        for data, _, _ in self.segments:
            index = data.find(fieldname, encoded)
            if index is not None:
                total += int(data.total_frequencies(fieldname)[index])
        return total

    def document_frequency(self, fieldname: str, text: str) -> int:
        """Return how many documents hold a term, from the term dictionaries alone."""
        encoded = text.encode("utf-8")
        return sum(self._doc_frequency(data, fieldname, encoded) for data, _, _ in self.segments)

    def vocabulary(self, fieldname: str) -> dict[tuple[str, int], list[str]]:
        """Return a field's terms by first letter and length, read when first asked for."""
        with self._lock:
            if fieldname not in self._vocabularies:
                buckets: dict[tuple[str, int], set[str]] = {}
                for data, _, _ in self.segments:
                    for term in _all_terms(data, fieldname):
                        buckets.setdefault((term[:1], len(term)), set()).add(term)
                self._vocabularies[fieldname] = {k: sorted(v) for k, v in buckets.items()}
            return self._vocabularies[fieldname]

    def field_lengths(self, fieldname: str) -> np.ndarray | None:
        """Return each document's length in a field, or None if the field keeps none."""
        if fieldname not in self.lengths:
            self.lengths[fieldname] = self._lengths(fieldname)
            lengths = self.lengths[fieldname]
            if lengths is not None:
                self.mean_length[fieldname] = self._mean(lengths) or 1.0
        return self.lengths[fieldname]

    def _mean(self, lengths: np.ndarray) -> float:
        """Return the live documents' mean length, summed exactly (shards sum to the same)."""
        if not self.documents:
            return 0.0
        return float(lengths[self.live].sum(dtype=np.float64)) / self.documents

    def _read_postings(self, fieldname: str, text: str) -> PostingList:
        encoded = text.encode("utf-8")
        docs, freqs, positions, ends = [], [], [], []
        for data, base, _ in self.segments:
            index = data.find(fieldname, encoded)
            if index is None:
                continue
            docs.append(data.docs(fieldname, index) + base)
            freqs.append(data.freqs(fieldname, index))
            if data.has_positions(fieldname):
                found, found_ends = data.positions(fieldname, index)
                offset = sum(len(p) for p in positions)
                positions.append(found)
                ends.append(found_ends + offset)
        if not docs:
            return _EMPTY
        # 32-bit docnums and positions: half the cache, for any archive of under 2**31.
        return PostingList(
            np.concatenate(docs).astype(np.int32),
            np.concatenate(freqs).astype(np.float32),
            np.concatenate(positions).astype(np.int32) if positions else None,
            np.concatenate(ends).astype(np.int32) if ends else None,
        )

    def _concatenated(self, read, dtype) -> np.ndarray:
        parts = [np.asarray(read(data)) for data, _, _ in self.segments]
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)

    def _lengths(self, fieldname: str) -> np.ndarray | None:
        if not self.reader.schema[fieldname].scorable:
            return None
        parts = []
        for data, _, _ in self.segments:
            codes = data.lengths(fieldname)
            parts.append(
                _LENGTHS[codes] if codes is not None else np.zeros(data.doc_count, np.float32)
            )
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)

    def columns(self) -> dict[str, np.ndarray]:
        """Return the arrays by document number a view keeps for the next snapshots."""
        found = {f"lengths.{name}": lengths for name, lengths in self.lengths.items()}
        found |= {f"labels.{name}": labels.codes for name, labels in self.labels.items()}
        found |= {"tags.starts": self.tags.starts, "tags.codes": self.tags.codes}
        found |= {"tags.owners": self.tags.owners, "published": self.published}
        return found | {"distinct_titles": np.array([self.distinct_titles])}

    def _labels(self, name: str, mapped: dict) -> Labels:
        columns = [data.labels(name) for data, _, _ in self.segments]
        names = tuple(sorted({n for own, _ in columns for n in own}))
        # The names are few and read from each segment; the codes, one per article, mapped.
        if f"labels.{name}" in mapped:
            return Labels(names, mapped[f"labels.{name}"])
        index = {label: code for code, label in enumerate(names)}
        codes = []
        for own, own_codes in columns:
            table = np.array([index[n] for n in own] + [-1], dtype=np.int32)
            codes.append(table[own_codes])
        return Labels(names, np.concatenate(codes) if codes else np.zeros(0, np.int32))

    def _label_lists(self, name: str, mapped: dict) -> LabelLists:
        columns = [data.label_lists(name) for data, _, _ in self.segments]
        names = tuple(sorted({n for own, _, _ in columns for n in own}))
        if "tags.owners" in mapped:
            return LabelLists(names, *(mapped[f"tags.{k}"] for k in ("starts", "codes", "owners")))
        index = {label: code for code, label in enumerate(names)}
        codes, counts = [], []
        for own, starts, own_codes in columns:
            table = np.array([index[n] for n in own] + [-1], dtype=np.int32)
            codes.append(table[own_codes])
            counts.append(np.diff(starts.astype(np.int64)))
        counts = np.concatenate(counts) if counts else np.zeros(0, np.int64)
        starts = np.concatenate([[0], np.cumsum(counts)])
        owners = np.repeat(np.arange(self.size, dtype=np.int32), counts)
        codes = np.concatenate(codes) if codes else np.zeros(0, np.int32)
        return LabelLists(names, starts, codes, owners)


def _all_terms(data: SegmentData, fieldname: str) -> list[str]:
    """Return every term of a field in a segment, as text."""
    if not data.term_count(fieldname):
        return []
    raw = bytes(data.arrays[f"{fieldname}.terms"])
    ends = data.arrays[f"{fieldname}.term_ends"].tolist()
    return [raw[a:b].decode("utf-8") for a, b in zip([0, *ends[:-1]], ends, strict=True)]


def _isin_rows(rows: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Return which (docnum, position) rows are also rows of among."""
    if not len(among):
        return np.zeros(len(rows), dtype=bool)
    width = int(max(rows[:, 1].max(initial=0), among[:, 1].max(initial=0))) + 1
    return np.isin(rows[:, 0] * width + rows[:, 1], among[:, 0] * width + among[:, 1])
