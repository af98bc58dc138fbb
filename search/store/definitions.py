"""The acronyms the archive's articles define, kept in ``fouille-definitions.json``.

Each commit adds the definitions its new articles hold ("… (RGPD)": ``analysis/definitions``)
with how many articles gave each, before the version that holds them is committed; so every
version a searcher opens has its definitions. A definition stays when its article is
deleted or replaced: it is still a French definition of the acronym, and forgetting it would
mean reading every text again. A rebuild starts the file afresh. An index written before the
file existed gets it at its next ``fouille index``, from one reading of its stored texts.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..analysis.definitions import find_definitions
from ..analysis.french import fold_accents
from ..models import Article
from .sidecar import replacing

SIDECAR = "fouille-definitions.json"
FORMAT = 1
# A text's fields in the order they are read, as one text.
_FIELDS = ("title", "summary", "body")

Counts = dict[str, dict[str, int]]


def article_definitions(articles: Iterable[Article]) -> Counter:
    """Return how many of the articles define each (acronym, definition)."""
    found = Counter()
    for article in articles:
        text = " ".join(getattr(article, name) or "" for name in _FIELDS)
        found.update(set(find_definitions(text)))
    return found


def stored_definitions(fields: Iterable[Mapping]) -> Counter:
    """Return how many of the stored documents define each (acronym, definition)."""
    found = Counter()
    for stored in fields:
        text = " ".join(stored.get(name) or "" for name in _FIELDS)
        found.update(set(find_definitions(text)))
    return found


def add_definitions(index_dir: Path | str, found: Counter) -> None:
    """Add definitions and their article counts to the index's file, writing it if none."""
    path = Path(index_dir) / SIDECAR
    counts = read_counts(path) or {}
    for (acronym, words), count in found.items():
        meanings = counts.setdefault(acronym, {})
        meanings[words] = meanings.get(words, 0) + count
    write_counts(index_dir, counts)


def write_counts(index_dir: Path | str, counts: Counts) -> None:
    """Replace the index's file of definitions with these article counts."""
    with replacing(Path(index_dir) / SIDECAR) as out:
        json.dump({"format": FORMAT, "acronyms": counts}, out, ensure_ascii=False)


def has_definitions(index_dir: Path | str) -> bool:
    """Return whether the index has its file of definitions."""
    return (Path(index_dir) / SIDECAR).exists()


def read_counts(path: Path) -> Counts | None:
    """Return each acronym's definitions with their article counts; None without the file."""
    try:
        data = json.loads(path.read_text("utf-8"))
        if data.get("format") != FORMAT:
            return None
        return data["acronyms"]
    except (OSError, ValueError, KeyError, AttributeError):
        # Unreadable is as good as missing: searches go on without the expansion.
        return None


def load_definitions(index_dir: Path | str) -> dict[str, str]:
    """Return each acronym's definition by its folded form (``rgpd``); empty without file.

    An acronym means what the archive's articles most often say it means (the first found,
    among equals): the others are rarer senses or words caught by mistake
    ("c est quoi lacommission nationale …"), docs/RELEVANCE.md.
    """
    counts = read_counts(Path(index_dir) / SIDECAR) or {}
    best: dict[str, tuple[int, str]] = {}
    for acronym, found in counts.items():
        key = fold_accents(acronym.lower())
        for words, count in found.items():
            if key not in best or count > best[key][0]:
                best[key] = (count, words)
    return {key: words for key, (_, words) in best.items()}


def clear_definitions(index_dir: Path | str) -> None:
    """Forget the definitions of an index."""
    (Path(index_dir) / SIDECAR).unlink(missing_ok=True)
