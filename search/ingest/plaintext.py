"""Read plain-text article files (``.txt``): one article per file.

The first non-empty line is the title and the rest the body, one paragraph per block of lines
(or per line, when no blank line separates them). The date comes from the file's name when it
holds one (``2021-03-12-greve.txt``, ``20210312.txt``); the id is the file's path from the
folder given, so that it stays the same when the text changes.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from ..errors import InputError
from ..models import InputNote
from .language import detect_language
from .text import read_bounded

# A body is at most 1,000,000 characters (records.py), four bytes each at most in UTF-8.
MAX_BYTES = 4_000_000
# Text holds tabs, line ends and form feeds; a file with more other control characters than
# this share is not text (a Ctrl-Z that old DOS editors put at the end is one).
MAX_CONTROL_SHARE = 0.001
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_NAME_DATE = re.compile(r"(?<!\d)(\d{4})(-?)(\d{2})\2(\d{2})(?!\d)")
_CODECS = {"UTF-16": "utf-16", "UTF-8": "utf-8-sig", "Windows-1252": "cp1252"}
_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")


def read_text(
    path: Path, folder: Path | None = None
) -> Iterator[tuple[int, dict | InputNote | InputError]]:
    """Yield line 1 with the file's article fields, after a note if its encoding was guessed.

    folder is the folder given that holds path (its parent when path was given alone).
    """
    name = str(path)
    try:
        text, encoding = _decode(_file_bytes(path), name)
        if encoding == "Windows-1252":
            yield (
                1,
                InputNote(
                    name,
                    f"not UTF-8, read as {encoding}; if its accents look wrong, save it as UTF-8",
                ),
            )
        yield 1, text_fields(text, name) | _name_fields(path, folder or path.parent)
    except InputError as error:
        yield 1, error
    except OSError as error:
        yield 1, InputError(name, None, None, f"cannot read the file ({error.strerror})")


def text_fields(text: str, name: str) -> dict[str, str]:
    """Return the title, body and language of an article's text; name is used in errors.

    >>> text_fields("\\nGrève\\n\\nLes trains\\nroulent peu.\\n\\nDemain aussi.", "a.txt")
    {'title': 'Grève', 'text': 'Les trains roulent peu.\\nDemain aussi.', 'lang': ''}
    """
    title, _, rest = text.strip().partition("\n")
    if not title:
        raise InputError(
            name,
            None,
            None,
            "empty file: write the article's title on its first line and its text below, "
            "or remove the file",
        )
    paragraphs = [" ".join(block.split()) for block in _paragraphs(rest)]
    body = "\n".join(p for p in paragraphs if p)
    if not body:
        raise InputError(
            name,
            None,
            None,
            f"only a title ({' '.join(title.split())[:60]!r}), no text: write the article "
            "below its title, after a blank line",
        )
    title = " ".join(title.split())
    return {"title": title, "text": body, "lang": detect_language(f"{title}\n{body}")}


def _paragraphs(rest: str) -> list[str]:
    rest = rest.strip()
    # Lines wrapped by hand are joined when blank lines mark the paragraphs; else each line is one.
    return _BLANK_LINE.split(rest) if _BLANK_LINE.search(rest) else rest.split("\n")


def _name_fields(path: Path, folder: Path) -> dict[str, str]:
    """Return the id (folder name and path within) and the date the file's name holds."""
    folder = folder.resolve()
    relative = path.resolve().relative_to(folder).as_posix()
    fields = {"id": f"{folder.name}/{relative}" if folder.name else relative}
    for match in _NAME_DATE.finditer(path.stem):
        try:
            day = date(int(match[1]), int(match[3]), int(match[4]))
        except ValueError:
            continue  # A number that is not a date (a reference, a count).
        fields["published"] = day.isoformat()
        break
    return fields


def _file_bytes(path: Path) -> bytes:
    return read_bounded(
        path, MAX_BYTES, "one article: is it text? Split it into one file per article"
    )


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """Return the text of data and its encoding: UTF-8 (BOM or not), else Windows-1252."""
    # What Windows' Notepad calls "Unicode" starts with a UTF-16 byte order mark.
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    # Latin-1 and Windows-1252 differ only in 0x80-0x9F: control codes in Latin-1 that no
    # text holds, printable in Windows-1252 (€, œ, ’, «), which is therefore the one to read.
    # Its five unassigned bytes appear only in binary data.
    for encoding in ("UTF-16",) if utf16 else ("UTF-8", "Windows-1252"):
        try:
            text = data.decode(_CODECS[encoding])
        except UnicodeDecodeError:
            continue
        controls = len(_CONTROL.findall(text))
        if "\x00" not in text and controls <= max(1, len(text) * MAX_CONTROL_SHARE):
            return text.replace("\r\n", "\n").replace("\r", "\n"), encoding
        break
    raise InputError(
        name,
        None,
        None,
        "binary data, not text: check what this file is (a .txt file holds an article's "
        "title on its first line and its text below)",
    )
