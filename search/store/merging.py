"""Keep segments few: merge them by size tiers, array by array, in bounded memory.

Each commit adds a segment or two; a search reads every segment, so their number must stay
small without rewriting the whole index at each commit. Segments fall into tiers by their live
articles (tier 0 under BASE, each next tier FACTOR times larger); FACTOR segments of a tier
are merged into one of the next tier, as Lucene's tiered policy does. An article is thus
rewritten about log_FACTOR(n / BASE) times, and an archive of n articles keeps
O(log n) segments. A segment mostly deleted is merged with its tier as soon as it is so.

A merge decodes the posting runs of its segments a slice of terms at a time, renumbers the
documents (deleted ones are dropped), orders the postings by term, source and document with
one stable sort, and packs the runs again (``arrays.py``): numpy throughout, never a
posting at a time.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .arrays import (
    ArrayWriter,
    Runs,
    pack_runs,
    range_slots,
    release,
    term_chunks,
    unpack_runs,
)
from .building import LABELS, add_lengths, add_names, add_terms
from .codec import FouilleSegment, arrays_of
from .segment import FORMAT

FACTOR = 4
BASE = 4_000
# A segment with more deleted articles than this share is merged with its tier at once.
DELETED_SHARE = 0.5
# Postings decoded at once while merging a field.
CHUNK_POSTINGS = 500_000


def tier(segment: FouilleSegment) -> int:
    """Return a segment's size tier: 0 under BASE live articles, then one per FACTOR times."""
    live = segment.doc_count()
    return 0 if live < BASE else 1 + int(math.log(live / BASE, FACTOR))


def merges_due(segments: list[FouilleSegment]) -> list[list[FouilleSegment]]:
    """Return the groups of segments the policy merges now (each group into one)."""
    by_tier: dict[int, list[FouilleSegment]] = {}
    for segment in segments:
        by_tier.setdefault(tier(segment), []).append(segment)
    groups = []
    for members in by_tier.values():
        members.sort(key=lambda s: s.doc_count())
        mostly_deleted = any(
            s.deleted_count() > DELETED_SHARE * s.doc_count_all() for s in members
        )
        if len(members) >= FACTOR:
            groups.append(members[:FACTOR])
        elif mostly_deleted:
            groups.append(members)
    return groups


def apply_policy(folder: Path, indexname: str, segments: list) -> list[FouilleSegment]:
    """Return the segments after every merge the policy asks for, cascades included."""
    segments = [s for s in segments if s.doc_count() > 0]
    while groups := merges_due(segments):
        for group in groups:
            merged = merge_segments(folder, indexname, group)
            first = segments.index(group[0])
            segments = [s for s in segments if s not in group]
            # In the place of the first merged: documents keep their order across segments.
            segments.insert(min(first, len(segments)), merged)
    return segments


def merge_segments(folder: Path, indexname: str, sources: list) -> FouilleSegment:
    """Write the live articles of sources, in order, as one new segment; return it."""
    datas = [arrays_of(folder, s) for s in sources]
    renumber, bases, total = [], [], 0
    for source, data in zip(sources, datas, strict=True):
        live = np.ones(data.doc_count, dtype=bool)
        live[list(source.deleted_docs())] = False
        numbers = np.full(data.doc_count, -1, dtype=np.int64)
        numbers[live] = total + np.arange(int(live.sum()))
        renumber.append(numbers)
        bases.append(total)
        total += int(live.sum())
    merged = FouilleSegment(indexname, total)
    writer = ArrayWriter(merged.data_path(folder))
    try:
        fields = {}
        for name in sorted({f for d in datas for f in d.fields}):
            fields[name] = _merge_field(writer, name, datas, renumber)
        _merge_columns(writer, datas, renumber)
        writer.close({"format": FORMAT, "docs": total, "fields": fields})
    except BaseException:
        writer.discard()
        raise
    return merged


def _merge_field(writer: ArrayWriter, name: str, datas: list, renumber: list) -> dict:
    """Write one field's merged terms, runs and lengths; return its entry in the table."""
    present = [d for d in datas if name in d.fields]
    meta = dict(present[0].fields[name])
    terms, places = _merged_terms(name, datas)
    df_all = np.zeros(len(terms), dtype=np.int64)
    cf_all = np.zeros(len(terms), dtype=np.int64)
    doc_runs, freq_runs, pos_runs = _RunsOut(), _RunsOut(), _RunsOut()
    for first, end in _chunks(datas, name, places, len(terms)):
        postings = _chunk_postings(name, datas, renumber, places, first, end, meta)
        df, cf = postings["df"], postings["cf"]
        df_all[first:end], cf_all[first:end] = df, cf
        doc_runs.add(writer, f"{name}.docs", pack_runs(postings["docs"], df, deltas=True))
        if meta["freqs"]:
            freq_runs.add(writer, f"{name}.freqs", pack_runs(postings["freqs"], df, deltas=False))
        if meta["positions"]:
            restarts = np.concatenate([[0], np.cumsum(postings["freqs"])[:-1]])
            runs = pack_runs(postings["positions"], cf, True, restarts)
            pos_runs.add(writer, f"{name}.pos", runs)
        for data in datas:
            release(data.arrays)
    # Terms whose every article was deleted are left out.
    kept = df_all > 0
    add_terms(writer, name, [term for term, keep in zip(terms, kept, strict=True) if keep])
    writer.add(f"{name}.df", df_all[kept].astype(np.uint32))
    writer.add(f"{name}.cf", cf_all[kept].astype(np.uint32))
    for runs, kind, wanted in (
        (doc_runs, "docs", True),
        (freq_runs, "freqs", meta["freqs"]),
        (pos_runs, "pos", meta["positions"]),
    ):
        if wanted:
            runs.finish(writer, f"{name}.{kind}", kept)
    if meta.get("forward"):
        _merge_forward(writer, name, datas, renumber, places, np.cumsum(kept) - 1)
    if "length" in meta:
        lengths = np.concatenate(
            [_live(d.arrays[f"{name}.exact"], r) if name in d.fields else _zeros(r)
             for d, r in zip(datas, renumber, strict=True)]
        )  # fmt: skip
        meta["length"] = add_lengths(writer, name, lengths.astype(np.int64))
    return meta


class _RunsOut:
    """The starts and widths of runs whose data is written piece by piece."""

    def __init__(self):
        self.starts, self.widths, self.offset = [np.zeros(1, np.uint64)], [], 0

    def add(self, writer: ArrayWriter, prefix: str, runs: Runs) -> None:
        writer.extend(f"{prefix}.data", runs.data)
        self.starts.append(runs.starts[1:] + np.uint64(self.offset))
        self.widths.append(runs.widths)
        self.offset += len(runs.data)

    def finish(self, writer: ArrayWriter, prefix: str, kept: np.ndarray) -> None:
        """Write the starts and widths of the kept runs (the others are empty)."""
        if f"{prefix}.data" not in writer.streams:
            writer.extend(f"{prefix}.data", np.zeros(0, np.uint8))
        starts = np.concatenate(self.starts)
        writer.add(f"{prefix}.starts", np.concatenate([starts[:1], starts[1:][kept]]))
        widths = np.concatenate(self.widths or [np.zeros(0, np.uint8)])
        writer.add(f"{prefix}.widths", widths[kept])


def _merge_forward(writer, name, datas, renumber, places, final: np.ndarray) -> None:
    """Write each live document's terms, renumbered as merged terms kept at rank final."""
    counts = []
    for data, numbers, place in zip(datas, renumber, places, strict=True):
        live = np.flatnonzero(numbers >= 0)
        if name not in data.fields:
            counts.append(np.zeros(len(live), dtype=np.int64))
            continue
        merged_of = np.zeros(data.term_count(name), dtype=np.int64)
        held = np.flatnonzero(place >= 0)
        merged_of[place[held]] = final[held]
        for block in np.array_split(live, max(1, -(-len(live) // 50_000))):
            terms, sizes = data.forward(name, block)
            writer.extend(f"{name}.fwd.terms", merged_of[terms].astype(np.uint32))
            counts.append(sizes)
        release(data.arrays)
    if f"{name}.fwd.terms" not in writer.streams:
        writer.extend(f"{name}.fwd.terms", np.zeros(0, np.uint32))
    sizes = np.concatenate(counts) if counts else np.zeros(0, np.int64)
    writer.add(f"{name}.fwd.starts", np.r_[0, np.cumsum(sizes)].astype(np.uint64))


def _merged_terms(name: str, datas: list) -> tuple[list[bytes], list[np.ndarray]]:
    """Return the union of the sources' terms in byte order, and each source's rank of it."""
    present = [(n, d) for n, d in enumerate(datas) if name in d.fields]
    blocks = [(d.arrays[f"{name}.terms"], d.arrays[f"{name}.term_ends"]) for _, d in present]
    counts = [len(ends) for _, ends in blocks]
    width = max((int(np.diff(ends, prepend=0).max(initial=0)) for _, ends in blocks), default=0)
    if sum(counts) * max(width, 1) <= _PADDED_BYTES and not any((b == 0).any() for b, _ in blocks):
        merged, inverse = np.unique(_padded(blocks, width), return_inverse=True)
        terms = merged.tolist()
    else:
        # Terms too long to pad, or holding NUL bytes that padding would confuse: in Python.
        terms = sorted({bytes(b[s:e]) for b, ends in blocks for s, e in _bounds(ends)})
        rank = {term: number for number, term in enumerate(terms)}
        inverse = np.array([rank[bytes(b[s:e])] for b, ends in blocks for s, e in _bounds(ends)])
    places = [np.full(len(terms), -1, dtype=np.int64) for _ in datas]
    offset = 0
    for (number, _), count in zip(present, counts, strict=True):
        places[number][inverse[offset : offset + count]] = np.arange(count)
        offset += count
    return terms, places


# Terms are sorted as fixed-width byte strings (one numpy sort) when they fit in this much.
_PADDED_BYTES = 256 * 1024 * 1024


def _padded(blocks: list, width: int) -> np.ndarray:
    """Return the terms of every block as one array of NUL-padded byte strings."""
    lengths = np.concatenate([np.diff(ends.astype(np.int64), prepend=0) for _, ends in blocks])
    data = np.concatenate([np.asarray(b) for b, _ in blocks])
    padded = np.zeros((len(lengths), max(width, 1)), dtype=np.uint8)
    rows = np.repeat(np.arange(len(lengths)), lengths)
    columns = np.arange(len(data)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    padded[rows, columns] = data
    return padded.view(f"S{max(width, 1)}").ravel()


def _bounds(ends: np.ndarray):
    values = ends.tolist()
    return zip([0, *values[:-1]], values, strict=True)


def _chunks(datas: list, name: str, places: list, count: int):
    """Yield [first, end) ranges of merged terms holding about CHUNK_POSTINGS postings."""
    df = np.zeros(count, dtype=np.int64)
    for data, place in zip(datas, places, strict=True):
        held = place >= 0
        if held.any():
            df[held] += data.arrays[f"{name}.df"][place[held]]
    yield from term_chunks(df, CHUNK_POSTINGS)


def _chunk_postings(name, datas, renumber, places, first, end, meta) -> dict[str, np.ndarray]:
    """Return the merged postings of merged terms [first, end), ordered and renumbered."""
    parts = {"term": [], "docs": [], "freqs": [], "positions": [], "lengths": []}
    for data, numbers, place in zip(datas, renumber, places, strict=True):
        held = np.flatnonzero(place[first:end] >= 0) + first
        if not len(held):
            continue
        own_first, own_end = int(place[held[0]]), int(place[held[-1]]) + 1
        docs, df = unpack_runs(data._runs(name, "docs"), own_first, own_end)
        parts["term"].append(np.repeat(held, df))
        parts["docs"].append(numbers[docs])
        if meta["freqs"] or meta["positions"]:
            freqs = unpack_runs(data._runs(name, "freqs"), own_first, own_end)[0]
            parts["freqs"].append(freqs)
        if meta["positions"]:
            restarts = np.concatenate([[0], np.cumsum(freqs)[:-1]])
            positions, _ = unpack_runs(data._runs(name, "pos"), own_first, own_end, restarts)
            parts["positions"].append(positions)
            parts["lengths"].append(freqs)
    term = np.concatenate(parts["term"])
    docs = np.concatenate(parts["docs"])
    keep = docs >= 0
    order = np.flatnonzero(keep)[np.argsort(term[keep], kind="stable")]
    merged = {"docs": docs[order]}
    df = np.bincount(term[order] - first, minlength=end - first)
    merged["df"] = df
    merged["cf"] = df
    if parts["freqs"]:
        freqs = np.concatenate(parts["freqs"])
        merged["freqs"] = freqs[order]
        merged["cf"] = np.bincount(
            term[order] - first, weights=freqs[order], minlength=end - first
        )
        merged["cf"] = merged["cf"].astype(np.int64)
    if parts["positions"]:
        lengths = np.concatenate(parts["lengths"])
        merged["positions"] = _reordered(np.concatenate(parts["positions"]), lengths, order)
    return merged


def _reordered(values: np.ndarray, lengths: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Return groups of values (group i has lengths[i]) in the given order of groups.

    >>> _reordered(np.array([1, 2, 3, 4, 5]), np.array([2, 1, 2]), np.array([2, 0])).tolist()
    [4, 5, 1, 2]
    """
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return values[range_slots(starts[order], lengths[order])]


def _live(values: np.ndarray, numbers: np.ndarray) -> np.ndarray:
    return np.asarray(values)[numbers >= 0]


def _zeros(numbers: np.ndarray) -> np.ndarray:
    return np.zeros(int((numbers >= 0).sum()), dtype=np.int64)


def _merge_columns(writer: ArrayWriter, datas: list, renumber: list) -> None:
    """Write the per-document columns and stored fields of the live articles."""
    pairs = list(zip(datas, renumber, strict=True))
    for name in LABELS:
        labels = [(d.labels(name)[0], _live(d.labels(name)[1], r)) for d, r in pairs]
        names, codes = _recoded(labels)
        writer.add(f"col.{name}.codes", codes)
        add_names(writer, f"col.{name}", names)
    lists, counts = [], []
    for data, numbers in pairs:
        own, starts, own_codes = data.label_lists("tags")
        sizes = np.diff(starts.astype(np.int64))
        owner = np.repeat(numbers, sizes)
        counts.append(sizes[numbers >= 0])
        lists.append((own, np.asarray(own_codes)[owner >= 0]))
    names, codes = _recoded(lists)
    starts = np.concatenate([[0], np.cumsum(np.concatenate(counts))]).astype(np.uint64)
    writer.add("col.tags.starts", starts)
    writer.add("col.tags.codes", codes)
    add_names(writer, "col.tags", names)
    for name in ("col.published", "col.minhash", "col.signed"):
        writer.add(name, np.concatenate([_live(d.arrays[name], r) for d, r in pairs]))
    for name in ("col.id", "col.fingerprint", "stored"):
        _merge_strings(writer, name, pairs)


def _recoded(parts: list[tuple[list[str], np.ndarray]]) -> tuple[list[str], np.ndarray]:
    """Return the names the codes of several segments use, sorted, and the codes renumbered."""
    used = sorted({names[c] for names, codes in parts for c in set(codes.tolist()) if c >= 0})
    number = {name: code for code, name in enumerate(used)}
    recoded = [
        np.array([number.get(n, -1) for n in names] + [-1], dtype=np.int32)[codes]
        for names, codes in parts
    ]
    return used, np.concatenate(recoded).astype(np.int32)


def _merge_strings(writer: ArrayWriter, name: str, pairs: list) -> None:
    """Write the live documents' byte strings of a column (or the stored fields), in order."""
    data_name, ends_name = (
        ("stored.data", "stored.ends") if name == "stored" else (name, f"{name}_ends")
    )
    ends_out, offset = [], 0
    for data, numbers in pairs:
        values, ends = data.arrays[data_name], data.arrays[ends_name].astype(np.int64)
        starts = np.concatenate([[0], ends[:-1]])
        live = np.flatnonzero(numbers >= 0)
        sizes = (ends - starts)[live]
        # Live documents come in runs; copy each run of consecutive ones in one slice.
        breaks = np.flatnonzero(np.diff(live) != 1) + 1
        for run in np.split(live, breaks) if len(live) else []:
            writer.extend(data_name, values[starts[run[0]] : ends[run[-1]]])
        ends_out.append(offset + np.cumsum(sizes))
        offset += int(sizes.sum())
        release(data.arrays)
    if data_name not in writer.streams:
        writer.extend(data_name, np.zeros(0, np.uint8))
    writer.add(ends_name, np.concatenate(ends_out).astype(np.uint64))
