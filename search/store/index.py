"""Open and create the on-disk Whoosh index."""

from __future__ import annotations

import pickle
import re
import shutil
import sys
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import FileIndex, clean_files

from ..errors import IndexIncompatible, IndexMissing
from . import schema
from .schema import build_schema
from .segment import FORMAT

# Indexes written before search/ was laid out by layer pickled their schema's classes as
# search.schema.*; that name still leads to them (search.analysis.* is kept by the package).
sys.modules.setdefault("search.schema", schema)


def open_index(index_dir: Path) -> FileIndex:
    """Return the index in index_dir.

    :raises IndexMissing: if there is none.
    :raises IndexIncompatible: if it was built with another schema.
    """
    if not whoosh_index.exists_in(str(index_dir)):
        raise IndexMissing(f"{index_dir}: no index here; build one with: fouille index PATH")
    try:
        ix = whoosh_index.open_dir(str(index_dir))
        names = set(ix.schema.names())
    except (AttributeError, ImportError, pickle.UnpicklingError, EOFError) as error:
        raise _incompatible(index_dir, error) from None
    if names != set(build_schema().names()):
        raise _incompatible(index_dir, "its fields differ from this version's")
    if any(getattr(s, "format", None) != FORMAT for s in ix._segments()):
        raise _incompatible(index_dir, "its segments are in another format")
    return ix


def create_index(index_dir: Path) -> FileIndex:
    """Create an empty index in index_dir, replacing any index already there."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(str(index_dir), build_schema())


def discard_uncommitted(ix: FileIndex) -> None:
    """Delete what a failed or killed write left: files no committed generation names.

    Nothing is deleted while a Whoosh writer is at work (its files in progress would look
    the same): a writer from another program, which Fouille's own lock does not stop.
    """
    if not whoosh_index.exists_in(ix.storage.folder, ix.indexname):
        return
    lock = ix.lock("WRITELOCK")
    if not lock.acquire(blocking=False):
        return
    try:
        toc = ix._read_toc()
        clean_files(ix.storage, ix.indexname, toc.generation, toc.segments)
        folder = Path(ix.storage.folder)
        for path in folder.iterdir():
            if _LEFTOVER.match(path.name) and path.is_file():
                path.unlink(missing_ok=True)
        # The writer's scratch folder, where its sorted postings wait for the commit.
        shutil.rmtree(folder / f"{ix.indexname}.tmp", ignore_errors=True)
    finally:
        lock.release()


# Whoosh's next table of contents before its renaming, and files beside the index being
# replaced (``sidecar.py``).
_LEFTOVER = re.compile(r"^_[A-Za-z]+_[0-9]+\.toc\.[0-9.]+$|^\.fouille-.+-[A-Za-z0-9_]+$")


def _incompatible(index_dir: Path, reason) -> IndexIncompatible:
    return IndexIncompatible(
        f"{index_dir}: this index was built by another version of Fouille ({reason}); "
        "rebuild it with: fouille index --rebuild PATH"
    )
