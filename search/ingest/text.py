"""Read a whole text file as UTF-8, naming the line of the first invalid byte."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError


def read_utf8(path: Path) -> str:
    """Return the file's text.

    :raises InputError: if the file is not valid UTF-8.
    """
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(
            str(path), line, None, "invalid UTF-8 in this line; save the file as UTF-8"
        ) from None
