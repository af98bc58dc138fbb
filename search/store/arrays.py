"""Numpy arrays on disk: many in one file, mapped read-only, and runs packed by width.

A segment keeps its arrays in one data file, each at an aligned offset, with a JSON table
of their names, types and places beside it; reading maps the file once (``np.memmap``), so
opening a segment costs a read of its table whatever its size, and every process that
opens it shares the pages.

Posting lists are *runs*: the docnums of one term, the frequencies of one term, the
positions of one term. A run is stored as the differences between its values (or the values
themselves) in the narrowest of 1, 2, 4 or 8 bytes that holds its largest, so that the
common small gaps take a byte, and a run decodes with one ``frombuffer`` and one ``cumsum``.

>>> runs = pack_runs(np.array([3, 5, 9, 1, 300]), np.array([3, 2]), deltas=True)
>>> [unpack_run(runs, 0).tolist(), unpack_run(runs, 1).tolist()], runs.widths.tolist()
([[3, 5, 9], [1, 300]], [1, 2])
"""

from __future__ import annotations

import json
import mmap
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ALIGN = 64
_WIDTHS = (1, 2, 4, 8)
_DTYPES = {1: np.dtype("<u1"), 2: np.dtype("<u2"), 4: np.dtype("<u4"), 8: np.dtype("<u8")}


@dataclass(frozen=True)
class Runs:
    """Runs of values end to end: run i is data[starts[i]:starts[i + 1]] in widths[i] bytes.

    With deltas, each run (or each part of it that begins at a restart) holds differences
    from the previous value.
    """

    data: np.ndarray  # uint8
    starts: np.ndarray  # uint64, one more than runs
    widths: np.ndarray  # uint8
    deltas: bool

    def __len__(self) -> int:
        return len(self.widths)


def pack_runs(
    values: np.ndarray, lengths: np.ndarray, deltas: bool, restarts: np.ndarray | None = None
) -> Runs:
    """Pack values cut into runs of the given lengths, each in its narrowest width.

    With deltas, a value is stored as its difference from the previous one, except at the
    start of a run and at the indexes in restarts, where it is stored whole.
    """
    values = np.asarray(values, dtype=np.uint64)
    lengths = np.asarray(lengths, dtype=np.int64)
    firsts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    stored = values.copy()
    if deltas and len(values):
        stored[1:] -= values[:-1]
        stored[firsts[lengths > 0]] = values[firsts[lengths > 0]]
        if restarts is not None and len(restarts):
            stored[restarts] = values[restarts]
    largest = np.zeros(len(lengths), dtype=np.uint64)
    filled = lengths > 0
    if filled.any():
        largest[filled] = np.maximum.reduceat(stored, firsts[filled])
    widths = np.select(
        [largest < 1 << 8, largest < 1 << 16, largest < 1 << 32], [1, 2, 4], 8
    ).astype(np.uint8)
    starts = np.concatenate([[0], np.cumsum(lengths * widths)]).astype(np.uint64)
    data = np.empty(int(starts[-1]), dtype=np.uint8)
    element_width = np.repeat(widths, lengths)
    element_run = np.repeat(np.arange(len(lengths)), lengths)
    within = np.arange(len(values), dtype=np.int64) - firsts[element_run]
    for width in _WIDTHS:
        chosen = element_width == width
        if not chosen.any():
            continue
        places = starts[element_run[chosen]].astype(np.int64) + within[chosen] * width
        packed = stored[chosen].astype(_DTYPES[width]).view(np.uint8).reshape(-1, width)
        for byte in range(width):
            data[places + byte] = packed[:, byte]
    return Runs(data, starts, widths, deltas)


def unpack_run(runs: Runs, index: int, restarts: np.ndarray | None = None) -> np.ndarray:
    """Return run index as int64 values; restarts are its indexes stored whole (deltas)."""
    start, end = int(runs.starts[index]), int(runs.starts[index + 1])
    stored = runs.data[start:end].view(_DTYPES[int(runs.widths[index])]).astype(np.int64)
    if not runs.deltas:
        return stored
    if restarts is None or len(restarts) <= 1:
        return np.cumsum(stored)
    return segmented_cumsum(stored, restarts)


def unpack_runs(
    runs: Runs, first: int, end: int, restarts: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return runs first to end as one int64 array, and each run's length.

    With deltas, sums restart at each run and at restarts (indexes into the result).

    >>> runs = pack_runs(np.array([3, 5, 9, 1, 300]), np.array([3, 2]), deltas=True)
    >>> [a.tolist() for a in unpack_runs(runs, 0, 2)]
    [[3, 5, 9, 1, 300], [3, 2]]
    """
    widths = runs.widths[first:end].astype(np.int64)
    starts = runs.starts[first : end + 1].astype(np.int64)
    lengths = np.diff(starts) // np.maximum(widths, 1)
    total = int(lengths.sum())
    values = np.zeros(total, dtype=np.int64)
    element_run = np.repeat(np.arange(len(lengths)), lengths)
    firsts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    within = np.arange(total, dtype=np.int64) - firsts[element_run]
    element_width = widths[element_run]
    for width in _WIDTHS:
        chosen = np.flatnonzero(element_width == width)
        if not len(chosen):
            continue
        places = starts[element_run[chosen]] + within[chosen] * width
        read = np.zeros(len(chosen), dtype=np.uint64)
        for byte in range(width):
            read |= runs.data[places + byte].astype(np.uint64) << np.uint64(8 * byte)
        values[chosen] = read.astype(np.int64)
    if runs.deltas and total:
        cuts = np.zeros(total, dtype=bool)
        cuts[firsts[lengths > 0]] = True
        if restarts is not None:
            cuts[restarts] = True
        values = segmented_cumsum(values, np.flatnonzero(cuts))
    return values, lengths


def segmented_cumsum(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Return the running sums of values, starting again at each index of starts.

    >>> segmented_cumsum(np.array([3, 1, 2, 5, 1]), np.array([0, 3])).tolist()
    [3, 4, 6, 5, 6]
    """
    total = np.cumsum(values)
    before = np.zeros(len(values), dtype=total.dtype)
    before[starts[1:]] = total[starts[1:] - 1]
    return total - np.maximum.accumulate(before)


def write_arrays(path: Path, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Write arrays into one data file at path and their table (with meta) beside it."""
    writer = ArrayWriter(path)
    for name, array in arrays.items():
        writer.add(name, array)
    writer.close(meta)


class ArrayWriter:
    """Write arrays into one data file; a streamed array may grow piece by piece.

    Whole arrays go straight into the file; streamed ones go to a scratch file each, appended
    at close, so that several can grow at once (a merge writes docnums, frequencies and
    positions side by side) in bounded memory.
    """

    def __init__(self, path: Path):
        self.path = path
        self.out = open(path, "wb")
        self.table: dict[str, list] = {}
        self.streams: dict[str, tuple] = {}

    def add(self, name: str, array: np.ndarray) -> None:
        """Write a whole array."""
        self.table[name] = self._write(self.out, np.ascontiguousarray(array))

    __setitem__ = add

    def extend(self, name: str, piece: np.ndarray) -> None:
        """Append a piece to the streamed array name, begun on first use."""
        if name not in self.streams:
            scratch = self.path.with_name(f"{self.path.name}.{len(self.streams)}.tmp")
            self.streams[name] = (scratch, open(scratch, "wb"), piece.dtype, [0])
        scratch, handle, dtype, count = self.streams[name]
        handle.write(memoryview(np.ascontiguousarray(piece, dtype=dtype)).cast("B"))
        count[0] += len(piece)

    def close(self, meta: dict) -> None:
        """Append the streamed arrays, write the table, and make both durable."""
        for name, (scratch, handle, dtype, count) in self.streams.items():
            handle.close()
            self._align(self.out)
            self.table[name] = [dtype.str, [count[0]], self.out.tell()]
            with open(scratch, "rb") as piece:
                shutil.copyfileobj(piece, self.out, 1 << 22)
            scratch.unlink()
        self.out.flush()
        os.fsync(self.out.fileno())
        self.out.close()
        _write_table(self.path, {"meta": meta, "arrays": self.table})

    def discard(self) -> None:
        """Close and delete what was written."""
        self.out.close()
        self.path.unlink(missing_ok=True)
        for scratch, handle, _, _ in self.streams.values():
            handle.close()
            scratch.unlink(missing_ok=True)

    def _align(self, out) -> None:
        out.write(b"\0" * (-out.tell() % ALIGN))

    def _write(self, out, array: np.ndarray) -> list:
        self._align(out)
        entry = [array.dtype.str, list(array.shape), out.tell()]
        out.write(memoryview(array).cast("B") if array.size else b"")
        return entry


def _write_table(path: Path, table: dict) -> None:
    with open(table_path(path), "w", encoding="utf-8") as out:
        out.write(json.dumps(table))
        out.flush()
        os.fsync(out.fileno())


def read_arrays(path: Path) -> tuple[dict[str, np.ndarray], dict]:
    """Return the arrays of the data file at path, mapped read-only, and its meta."""
    table = json.loads(table_path(path).read_text("utf-8"))
    mapped = map_file(path)
    arrays = {}
    for name, (dtype, shape, offset) in table["arrays"].items():
        dtype = np.dtype(dtype)
        count = int(np.prod(shape)) if shape else 1
        view = mapped[offset : offset + count * dtype.itemsize]
        # Plain arrays over the mapping: numpy's memmap class costs a call at every index.
        arrays[name] = view.view(dtype).reshape(shape).view(np.ndarray)
    return arrays, table["meta"]


def range_slots(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Return the indexes of the ranges [starts[i], starts[i] + counts[i]), end to end.

    >>> range_slots(np.array([5, 0]), np.array([2, 3])).tolist()
    [5, 6, 0, 1, 2]
    """
    starts = np.asarray(starts, dtype=np.int64)
    counts = np.asarray(counts, dtype=np.int64)
    return np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))


def term_chunks(df: np.ndarray, postings: int):
    """Yield [first, end) ranges of terms holding about this many postings each."""
    df = np.asarray(df, dtype=np.int64)
    bounds = np.searchsorted(np.cumsum(df), np.arange(postings, df.sum(), postings))
    edges = [0, *sorted(set(bounds.tolist()) - {0}), len(df)]
    yield from ((a, b) for a, b in zip(edges, edges[1:], strict=False) if b > a)


def map_file(path: Path) -> np.ndarray:
    """Return a file's bytes, mapped read-only (an empty file cannot be mapped)."""
    if not path.stat().st_size:
        return np.zeros(0, np.uint8)
    return np.memmap(path, dtype=np.uint8, mode="r")


def release(arrays: dict[str, np.ndarray]) -> None:
    """Let go of the pages of mapped arrays this process has read (they stay in the page cache).

    A merge reads its sources once, front to back: without this, every page it read would
    count in the process's memory until the sources were closed.
    """
    seen = set()
    for array in arrays.values():
        mapped = _mapping(array)
        if mapped is not None and id(mapped) not in seen:
            seen.add(id(mapped))
            mapped.madvise(mmap.MADV_DONTNEED)


def _mapping(array: np.ndarray) -> mmap.mmap | None:
    while array is not None and not isinstance(array, mmap.mmap):
        found = getattr(array, "_mmap", None)
        if found is not None:
            return found
        array = getattr(array, "base", None)
    return array


def table_path(path: Path) -> Path:
    """Return where the table of a data file is."""
    return path.with_suffix(path.suffix + "t")


def strings(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return strings as their UTF-8 bytes end to end, and where each ends.

    >>> data, ends = strings(["été", "a"])
    >>> bytes(data[: ends[0]]).decode(), ends.tolist()
    ('été', [5, 6])
    """
    encoded = [value.encode("utf-8") for value in values]
    ends = np.cumsum([len(e) for e in encoded], dtype=np.uint64)
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), ends


def string_at(data: np.ndarray, ends: np.ndarray, index: int) -> bytes:
    """Return string index of strings(), as bytes."""
    start = int(ends[index - 1]) if index else 0
    return bytes(data[start : int(ends[index])])
