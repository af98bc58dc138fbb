"""Read article collections: JSON Lines, JSON, CSV, web pages, RSS/Atom feeds, text files, folders.

A feed can also be given by its http(s) URL; it is fetched each time it is read. Imports only
``analysis`` (to fold accents in dates and sections), never the index or what searches it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import InputError, UnsupportedInput
from ..models import Article, InputNote
from .csvfile import read_csv
from .feeds import read_feed, read_feed_url
from .fetch import is_url
from .html import read_html
from .jsonarray import read_json
from .jsonl import read_jsonl
from .plaintext import read_text
from .records import fingerprint, normalize_record, normalize_section

__all__ = ["collect_files", "fingerprint", "normalize_section", "read_articles", "SUFFIXES"]

Reader = Callable[[Path], Iterator[tuple[int, dict | InputNote | InputError]]]
READERS: dict[str, Reader] = {
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".jsonl.gz": read_jsonl,
    ".ndjson.gz": read_jsonl,
    ".json": read_json,
    ".csv": read_csv,
    ".tsv": read_csv,
    ".html": read_html,
    ".htm": read_html,
    ".rss": read_feed,
    ".atom": read_feed,
    ".xml": read_feed,
    ".txt": read_text,
}
SUFFIXES = tuple(READERS)
# Inside a folder, an .xml file is read only if it opens like a feed: sitemaps and other
# XML files are passed over, as any other unknown file is.
_FEED_START = re.compile(rb"<(?:\w+:)?(?:rss|feed|RDF)[\s>]")
# A shell path argument such as https://example.org/feed.xml reaches us as a pathlib.Path,
# which has merged the two slashes.
_MERGED_URL = re.compile(r"^(https?):/+(?=[^/])")


class FolderFile(type(Path())):
    """A file found in a folder given, which remembers that folder: text files' ids start there."""

    folder: Path


def _suffix(path: Path) -> str:
    suffixes = "".join(path.suffixes[-2:]).lower()
    return suffixes if suffixes in READERS else path.suffix.lower()


def collect_files(paths: list[Path | str]) -> tuple[list[Path | str], list[Path]]:
    """Return the readable files (and feed URLs, as given) under paths, and those passed over.

    :raises UnsupportedInput: for a missing path or a file of an unknown format.
    """
    files: list[Path | str] = []
    passed_over: list[Path] = []
    for given in paths:
        path = Path(given)
        if not path.exists() and is_url(url := _MERGED_URL.sub(r"\1://", str(given))):
            files.append(url)
        elif path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name.startswith("."):
                    continue
                (files if _readable(child) else passed_over).append(_in_folder(child, path))
        elif path.is_file():
            if _suffix(path) not in READERS:
                raise UnsupportedInput(
                    f"{path}: unsupported format; give {', '.join(SUFFIXES)} files, a folder "
                    "or a feed URL"
                )
            files.append(path)
        else:
            raise UnsupportedInput(f"{path}: no such file or folder")
    return files, passed_over


def _in_folder(child: Path, folder: Path) -> FolderFile:
    found = FolderFile(child)
    found.folder = folder
    return found


def _readable(child: Path) -> bool:
    suffix = _suffix(child)
    if suffix != ".xml":
        return suffix in READERS
    with child.open("rb") as file:
        return bool(_FEED_START.search(file.read(2048)))


def read_articles(path: Path | str) -> Iterator[tuple[int, Article | InputNote | InputError]]:
    """Yield each record's line with its article, or with the error that makes it unusable.

    path is a file, or the URL of a feed as collect_files returns it. A note says how a file
    was read when that was not as expected (a text file's encoding guessed).
    """
    if isinstance(path, str) and is_url(path):
        records = read_feed_url(path)
    elif isinstance(path, FolderFile) and _suffix(path) == ".txt":
        records = read_text(path, path.folder)
    else:
        path = Path(path)
        records = READERS[_suffix(path)](path)
    for line, raw in records:
        if isinstance(raw, InputError | InputNote):
            yield line, raw
            continue
        try:
            yield line, normalize_record(raw, str(path), line)
        except InputError as error:
            yield line, error
