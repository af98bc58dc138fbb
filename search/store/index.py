"""Open and create the on-disk Whoosh index."""

from __future__ import annotations

import pickle
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import FileIndex

from ..errors import IndexIncompatible, IndexMissing
from .schema import build_schema


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
    return ix


def create_index(index_dir: Path) -> FileIndex:
    """Create an empty index in index_dir, replacing any index already there."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(str(index_dir), build_schema())


def _incompatible(index_dir: Path, reason) -> IndexIncompatible:
    return IndexIncompatible(
        f"{index_dir}: this index was built by another version of Fouille ({reason}); "
        "rebuild it with: fouille index --rebuild PATH"
    )
