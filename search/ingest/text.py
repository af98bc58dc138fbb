"""Read a whole file: its bytes within a size limit, or its text as UTF-8."""

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


def read_bounded(path: Path, limit: int, what: str) -> bytes:
    """Return the file's bytes.

    :raises InputError: if it is over limit bytes, saying it is too large for what.
    """
    size = path.stat().st_size
    if size > limit:
        message = f"{size / 1e6:.0f} MB is over the {limit // 1_000_000} MB limit for {what}"
        raise InputError(str(path), None, None, message)
    return path.read_bytes()
