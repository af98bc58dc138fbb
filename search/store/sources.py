"""Remember which input files an index holds: size, mtime, content hash and article ids.

The record is a JSON file beside Whoosh's own files in the index folder. It is rewritten whole
(a temporary file, then ``os.replace``) only after a commit, so it never lists a file whose
articles are not committed; a crash can at worst make a file be read again.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import IndexIncompatible
from .sidecar import replacing

SIDECAR = "fouille-sources.json"
FORMAT = 1


@dataclass
class SourceFile:
    """What one input file held when it was last indexed."""

    size: int
    mtime_ns: int
    sha256: str
    ids: set[str] = field(default_factory=set)
    invalid: int = 0


def stat_file(path: Path) -> tuple[int, int]:
    """Return the size and modification time (ns) of a file."""
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def hash_file(path: Path) -> str:
    """Return the sha256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def source_key(path: Path) -> str:
    """Return the name under which a file is recorded: its resolved path."""
    return str(Path(path).resolve())


def clear_sources(index_dir: Path) -> None:
    """Forget every recorded file of the index in index_dir."""
    (Path(index_dir) / SIDECAR).unlink(missing_ok=True)


class Sources:
    """The files an index holds, and the one file each of their articles was last read from."""

    def __init__(self, index_dir: Path):
        self.path = Path(index_dir) / SIDECAR
        self.files: dict[str, SourceFile] = {}
        self._owners: dict[str, str] = {}
        self._changes: dict[str, SourceFile | None] = {}
        self._seen: tuple[int, int] | None = None

    @classmethod
    def load(cls, index_dir: Path) -> Sources:
        """Return the record of the index in index_dir, empty if there is none.

        :raises IndexIncompatible: if the record cannot be read.
        """
        sources = cls(index_dir)
        sources._read()
        return sources

    def record(self, key: str, entry: SourceFile) -> None:
        """Remember what file key holds; its ids stop belonging to any other file."""
        self._put(key, entry)
        self._changes[key] = entry

    def forget(self, key: str) -> None:
        """Stop remembering file key and the articles it held."""
        self._drop(key)
        self._changes[key] = None

    def disown(self, ids: list[str]) -> bool:
        """Remove ids from the files holding them; return whether any was recorded."""
        found = False
        for article_id in ids:
            if (key := self._owners.pop(article_id, None)) is not None:
                self.files[key].ids.discard(article_id)
                self._changes[key] = self.files[key]
                found = True
        return found

    def keep_held(self, held: set[str]) -> dict[str, int]:
        """Drop the ids the index does not hold; return how many each such file lost, by key.

        The index is the truth: a file that lost articles (segments deleted, or an index
        restored from an older copy) is marked as never read, so that every pass reads it.
        """
        lost = {}
        for key, entry in self.files.items():
            gone = entry.ids - held
            if not gone:
                continue
            for article_id in gone:
                self._owners.pop(article_id, None)
            entry.ids -= gone
            entry.size, entry.mtime_ns, entry.sha256 = -1, -1, ""
            self._changes[key] = entry
            lost[key] = len(gone)
        return lost

    def under(self, folders: list[Path]) -> list[str]:
        """Return the recorded files inside any of folders (resolved paths)."""
        prefixes = tuple(os.path.join(source_key(folder), "") for folder in folders)
        return sorted(key for key in self.files if key.startswith(prefixes))

    def save(self) -> None:
        """Write the record atomically, keeping what another process wrote since it was read."""
        if self._seen != self._stamp():
            changes, self._changes = self._changes, {}
            self._read()
            for key, entry in changes.items():
                if entry is None:
                    self.forget(key)
                else:
                    self.record(key, entry)
        data = {"format": FORMAT, "files": {k: _entry_json(e) for k, e in self.files.items()}}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(self.path) as file:
            json.dump(data, file, ensure_ascii=False, indent=1)
        self._seen, self._changes = self._stamp(), {}

    def _put(self, key: str, entry: SourceFile) -> None:
        self._drop(key)
        self.files[key] = entry
        for article_id in entry.ids:
            previous = self._owners.get(article_id)
            if previous is not None and previous != key:
                self.files[previous].ids.discard(article_id)
            self._owners[article_id] = key

    def _drop(self, key: str) -> None:
        entry = self.files.pop(key, None)
        for article_id in entry.ids if entry else ():
            if self._owners.get(article_id) == key:
                self._owners.pop(article_id, None)

    def _read(self) -> None:
        self.files, self._owners = {}, {}
        self._seen = self._stamp()
        if self._seen is None:
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError(f"format {data.get('format')!r}, expected {FORMAT}")
            for key, raw in data["files"].items():
                self._put(key, _entry_from_json(raw))
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
            raise IndexIncompatible(
                f"{self.path}: cannot read the record of indexed files ({error}); delete it "
                "(every file will be read again) or rebuild with: fouille index --rebuild PATH"
            ) from None

    def _stamp(self) -> tuple[int, int] | None:
        try:
            return stat_file(self.path)
        except FileNotFoundError:
            return None


def _entry_json(entry: SourceFile) -> dict:
    return {
        "size": entry.size,
        "mtime_ns": entry.mtime_ns,
        "sha256": entry.sha256,
        "ids": sorted(entry.ids),
        "invalid": entry.invalid,
    }


def _entry_from_json(raw: dict) -> SourceFile:
    return SourceFile(
        size=int(raw["size"]),
        mtime_ns=int(raw["mtime_ns"]),
        sha256=str(raw["sha256"]),
        ids={str(i) for i in raw["ids"]},
        invalid=int(raw.get("invalid", 0)),
    )
