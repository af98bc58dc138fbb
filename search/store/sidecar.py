"""Files kept beside an index (sources, duplicates, topics), each replaced whole."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import NO_SPACE, DiskFull


@contextmanager
def replacing(path: Path, binary: bool = False) -> Iterator:
    """Yield a new file to write; once written it replaces path in one step."""
    # Written beside and moved over the old file, so that a reader never sees half of it.
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        # mkstemp's 0600 would hide the file from other users who read the index (the web server).
        os.chmod(temporary, 0o644)
        mode = "wb" if binary else "w"
        with os.fdopen(handle, mode, encoding=None if binary else "utf-8") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError) and error.errno in NO_SPACE:
            raise DiskFull(
                f"no space left on the disk of {path.parent} to write {path.name}: the "
                "articles are committed, this file beside them was not brought up to date; "
                "free some space and run fouille index again"
            ) from None
        raise


def stamp(path: Path) -> tuple[int, int] | None:
    """Return the size and modification time of a file, None if there is none."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_size, status.st_mtime_ns
