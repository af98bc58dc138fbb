"""What a query's words also stand for: acronyms the archive defines, general-French variants.

A reader who asks "C'est quoi le RGPD ?" means the articles about the règlement général sur
la protection des données, whether or not they write the acronym; one who types ``courriel``
means those that write ``e-mail`` too. For a query that asks what an article is about
(``shape.asks_about``) each such word's meanings are searched as well: an article holding
only a meaning matches, and each meaning's BM25F is added to the score at WEIGHT divided by
the number of meanings, so that the words typed still count most. A sentence pasted in is
searched as written. Measured in docs/RELEVANCE.md (issue 18).
"""

from __future__ import annotations

from functools import lru_cache

from whoosh.query import NullQuery

from ..analysis.variants import variant_group
from ..store.snapshot import Snapshot
from .query import Parsed, parse_query

# The share of a word's score its meanings add, together (docs/RELEVANCE.md: 0.25 and 1 less).
WEIGHT = 0.5


def meanings(snapshot: Snapshot, parsed: Parsed) -> list[tuple[Parsed, ...]]:
    """Return, for each query word that stands for something else, its meanings parsed.

    Empty unless the query asks what an article is about; a word without meanings costs a
    dictionary lookup or two.
    """
    if not parsed.about or parsed.query is None:
        return []
    found: dict[tuple[str, ...], None] = {}
    for form in parsed.forms:
        defined = snapshot.definitions.get(form)
        if defined:
            found[(defined,)] = None
        variants = variant_group(form)
        if variants:
            group, member = variants
            found[tuple(w for w in group if w != member)] = None
    groups = [
        tuple(p for p in map(_parsed, means) if p.query not in (None, NullQuery))
        for means in found
    ]
    return [group for group in groups if group]


@lru_cache(maxsize=4096)
def _parsed(meaning: str) -> Parsed:
    return parse_query(meaning)
