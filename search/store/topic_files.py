"""The files of a topic space: its fitted basis written once, its article vectors appended.

``fouille-topics.json``, replaced whole and last, names the files of the space and counts
the valid rows of its vectors:

- ``fouille-topics-<token>.fsd`` (``arrays.py``'s format): the stems, their idf and the
  basis (topics × stems, float16), written once per fit and mapped by searching processes;
- ``fouille-topics-<token>.vectors`` and ``.fingerprints``: one row per article, its unit
  vector (float16) and its fingerprint (FINGERPRINT bytes), side by side.

Folding articles in appends rows: both files are first cut to the recorded count (what a
crash mid-append left is ignored, then cut), the new rows written and flushed, and only then
is the count recorded, so a reader never sees a row that was not wholly written. A fit, or
copying the live rows once the dead ones outnumber them, writes new files under a new token;
recording it deletes the others. Every file of a space starts with ``fouille-topics``.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .arrays import ArrayWriter, map_file, read_arrays, strings, table_path
from .sidecar import replacing, stamp

RECORD = "fouille-topics.json"
PREFIX = "fouille-topics-"
# The single file of earlier versions, no longer read: the next update fits the space again.
FORMER = "fouille-topics.npz"
FORMAT = 2
# A fingerprint's bytes: ``ingest.records.fingerprint`` gives 24 hex digits.
FINGERPRINT = 24
VECTORS, FINGERPRINTS = ".vectors", ".fingerprints"


@dataclass(frozen=True)
class Record:
    """What ``fouille-topics.json`` holds: the files of a space and their valid rows."""

    space: str  # the basis's file
    rows_file: str  # the row files' name, before their suffixes
    rows: int
    dimensions: int


def read_record(folder: Path) -> Record | None:
    """Return the record of the topic space in folder; None if there is none or it is damaged."""
    try:
        data = json.loads((folder / RECORD).read_text("utf-8"))
        if data.pop("format") != FORMAT:
            return None
        record = Record(**data)
        numbers = (record.rows, record.dimensions)
        if not all(isinstance(n, int) and n >= 0 for n in numbers):
            return None
        return record
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_record(folder: Path, record: Record) -> None:
    """Record the files of the space and their rows, then delete every other file of a space."""
    with replacing(folder / RECORD) as out:
        json.dump({"format": FORMAT, **asdict(record)}, out)
    named = {record.space, table_path(Path(record.space)).name}
    named |= {record.rows_file + suffix for suffix in (VECTORS, FINGERPRINTS)}
    for path in folder.glob(f"{PREFIX}*"):
        if path.name not in named:
            path.unlink(missing_ok=True)
    (folder / FORMER).unlink(missing_ok=True)


def clear_files(folder: Path) -> None:
    """Delete every file of the topic space in folder, its record first."""
    (folder / RECORD).unlink(missing_ok=True)
    for path in folder.glob(f"{PREFIX}*"):
        path.unlink(missing_ok=True)
    (folder / FORMER).unlink(missing_ok=True)


def record_stamp(folder: Path) -> tuple[int, int] | None:
    """Return the size and time of the record, which every fit and append replaces."""
    return stamp(folder / RECORD)


def new_name() -> str:
    """Return a name for new files of a space, unlike any other."""
    return f"{PREFIX}{secrets.token_hex(6)}"


def write_space(
    folder: Path, stems: list[str], idf: np.ndarray, basis: np.ndarray, fitted: int
) -> str:
    """Write a fitted space's stems, idf and float16 basis; return the file's name."""
    name = new_name() + ".fsd"
    data, ends = strings(stems)
    writer = ArrayWriter(folder / name)
    try:
        writer.add("stems", data)
        writer.add("stem_ends", ends)
        writer.add("idf", np.asarray(idf, dtype=np.float32))
        writer.add("basis", np.asarray(basis, dtype=np.float16))
        writer.close({"fitted": fitted})
    except BaseException:
        writer.discard()
        raise
    return name


def read_space(folder: Path, record: Record) -> tuple[dict[str, int], np.ndarray, np.ndarray, int]:
    """Return a space's vocabulary, idf, basis (mapped) and the articles it was fitted on."""
    arrays, meta = read_arrays(folder / record.space)
    text, ends = bytes(arrays["stems"]), arrays["stem_ends"].tolist()
    places = zip([0, *ends][:-1], ends, strict=True)
    vocabulary = {text[start:end].decode("utf-8"): i for i, (start, end) in enumerate(places)}
    basis = arrays["basis"]
    if basis.shape != (record.dimensions, len(vocabulary)) or len(arrays["idf"]) != len(ends):
        raise ValueError(f"{record.space} does not match {RECORD}")
    return vocabulary, arrays["idf"], basis, int(meta["fitted"])


def read_rows(folder: Path, record: Record) -> tuple[np.ndarray, np.ndarray]:
    """Return the recorded rows' fingerprints and vectors, mapped read-only.

    Bytes past the recorded rows (an append that did not finish) are left out.
    """
    width = 2 * record.dimensions
    vectors = map_file(folder / (record.rows_file + VECTORS))
    fingerprints = map_file(folder / (record.rows_file + FINGERPRINTS))
    if len(vectors) < record.rows * width or len(fingerprints) < record.rows * FINGERPRINT:
        raise ValueError(f"{record.rows_file} holds fewer rows than {RECORD} counts")
    return (
        fingerprints[: record.rows * FINGERPRINT].view(f"S{FINGERPRINT}").view(np.ndarray),
        vectors[: record.rows * width]
        .view(np.float16)
        .reshape(record.rows, record.dimensions)
        .view(np.ndarray),
    )


class RowWriter:
    """Append rows to a space's row files, after the first rows they hold (as a context).

    New files (rows 0) are deleted if the writing fails; rows appended to existing ones are
    only past the recorded count, ignored until recorded.
    """

    def __init__(self, folder: Path, name: str, rows: int, dimensions: int):
        self.paths = [folder / (name + suffix) for suffix in (VECTORS, FINGERPRINTS)]
        self.rows = self.first = rows
        self.dimensions = dimensions
        self.files = []

    def __enter__(self) -> RowWriter:
        for path, width in zip(self.paths, (2 * self.dimensions, FINGERPRINT), strict=True):
            # Appending mode: every write goes to the end, past the cut.
            self.files.append(open(path, "ab"))
            self.files[-1].truncate(self.rows * width)
        return self

    def append(self, fingerprints: np.ndarray, vectors: np.ndarray) -> None:
        """Append rows: each article's fingerprint (str or bytes) and its vector."""
        encoded = np.asarray(fingerprints, dtype="S")
        if len(encoded) and encoded.dtype.itemsize > FINGERPRINT:
            raise ValueError(f"a fingerprint is longer than {FINGERPRINT} bytes")
        rows = np.ascontiguousarray(vectors, dtype=np.float16)
        assert rows.shape == (len(encoded), self.dimensions)
        self.files[0].write(rows.reshape(-1).view(np.uint8))
        self.files[1].write(encoded.astype(f"S{FINGERPRINT}").tobytes())
        self.rows += len(encoded)

    def __exit__(self, kind, error, trace) -> None:
        for file in self.files:
            if kind is None:
                file.flush()
                os.fsync(file.fileno())
            file.close()
        if kind is not None and self.first == 0:
            for path in self.paths:
                path.unlink(missing_ok=True)
