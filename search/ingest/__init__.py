"""Read article collections: JSON Lines, JSON, CSV, and folders of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import InputError, UnsupportedInput
from ..models import Article
from .csvfile import read_csv
from .jsonarray import read_json
from .jsonl import read_jsonl
from .records import fingerprint, normalize_record, normalize_section

__all__ = ["collect_files", "fingerprint", "normalize_section", "read_articles", "SUFFIXES"]

Reader = Callable[[Path], Iterator[tuple[int, dict | InputError]]]
READERS: dict[str, Reader] = {
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".jsonl.gz": read_jsonl,
    ".ndjson.gz": read_jsonl,
    ".json": read_json,
    ".csv": read_csv,
    ".tsv": read_csv,
}
SUFFIXES = tuple(READERS)


def _suffix(path: Path) -> str:
    suffixes = "".join(path.suffixes[-2:]).lower()
    return suffixes if suffixes in READERS else path.suffix.lower()


def collect_files(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Return the readable files under paths, and the files in folders that were passed over.

    :raises UnsupportedInput: for a missing path or a file of an unknown format.
    """
    files: list[Path] = []
    passed_over: list[Path] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name.startswith("."):
                    continue
                (files if _suffix(child) in READERS else passed_over).append(child)
        elif path.is_file():
            if _suffix(path) not in READERS:
                raise UnsupportedInput(
                    f"{path}: unsupported format; give {', '.join(SUFFIXES)} files or a folder"
                )
            files.append(path)
        else:
            raise UnsupportedInput(f"{path}: no such file or folder")
    return files, passed_over


def read_articles(path: Path) -> Iterator[tuple[int, Article | InputError]]:
    """Yield each record's line with its article, or with the error that makes it unusable."""
    for line, raw in READERS[_suffix(path)](path):
        if isinstance(raw, InputError):
            yield line, raw
            continue
        try:
            yield line, normalize_record(raw, str(path), line)
        except InputError as error:
            yield line, error
