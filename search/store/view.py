"""A view of one index version for the searching processes: arrays by document number, mapped.

What a searching process would otherwise build from the files beside the index each time a
version appears (which articles are copies of which, each article's topic vector), aligned
by document number, is written once by the indexer into ``fouille-view-<generation>.fsd``
(``arrays.py``'s format) and named by ``fouille-view.json``, replaced last. A searching
process maps it: taking up a version costs reading a small table whatever the archive's
size, and every worker shares the same pages. A view of another version, or of an older
record of duplicates or topic space (their size and time are in it), is not used: the
process then builds what it needs itself, as before, and the next ``fouille index`` writes
the view again. So a missing or damaged view never stops a search.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .arrays import ArrayWriter, read_arrays
from .codec import reader_segments
from .sidecar import replacing

POINTER = "fouille-view.json"
PREFIX = "fouille-view-"


@dataclass(frozen=True)
class View:
    """The mapped arrays of one index version and the sidecar files they were made from."""

    generation: int
    stamps: dict
    arrays: dict[str, np.ndarray]

    def made_from(self, name: str, stamp: tuple[int, int] | None) -> bool:
        """Return whether the view was made from the sidecar file of this size and time."""
        return self.stamps.get(name, False) == (list(stamp) if stamp else None)

    def fits(self, reader) -> bool:
        """Return whether the view was made for the segments this reader reads.

        A version number alone could name another index: one deleted and written again.
        """
        return self.stamps.get("segments") == segment_ids(reader)


def segment_ids(reader) -> list[str]:
    """Return the ids of the segments a reader reads, in order."""
    return [segment.segment_id() for _, segment, _ in reader_segments(reader)]


def write_view(
    index_dir: Path | str, generation: int, stamps: dict, arrays: dict[str, np.ndarray]
) -> None:
    """Write the view of an index version, then point to it and delete the former ones."""
    folder = Path(index_dir)
    name = f"{PREFIX}{generation}-{secrets.token_hex(4)}.fsd"
    writer = ArrayWriter(folder / name)
    try:
        for key, array in arrays.items():
            writer.add(key, array)
        writer.close({"generation": generation})
    except BaseException:
        writer.discard()
        raise
    with replacing(folder / POINTER) as out:
        json.dump({"file": name, "generation": generation, "stamps": stamps}, out)
    # Processes still mapping a former view keep reading it: a deleted file lives while mapped.
    for old in folder.glob(f"{PREFIX}*.fsd*"):
        if old.name not in (name, name + "t"):
            old.unlink(missing_ok=True)


def load_view(index_dir: Path | str, generation: int) -> View | None:
    """Return the view of this index version, None if there is none or it cannot be read."""
    folder = Path(index_dir)
    try:
        pointer = json.loads((folder / POINTER).read_text("utf-8"))
        if pointer["generation"] != generation:
            return None
        arrays, meta = read_arrays(folder / pointer["file"])
        if meta.get("generation") != generation:
            return None
        return View(generation, pointer["stamps"], arrays)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def clear_view(index_dir: Path | str) -> None:
    """Forget the views of an index."""
    folder = Path(index_dir)
    (folder / POINTER).unlink(missing_ok=True)
    for old in folder.glob(f"{PREFIX}*.fsd*"):
        old.unlink(missing_ok=True)
