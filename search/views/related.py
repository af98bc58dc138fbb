"""Related articles: the articles closest to one by content, its own duplicates left out.

An article's key terms (Whoosh's Bo1 expansion model over its text) are searched in every
body; the article itself, the other members of its cluster of duplicates (``store/clustering.py``)
and any article with the very same text are left out, and of several related articles that
duplicate each other only the best is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from whoosh import query as wq

from ..ranking.folding import Copies

RELATED = 5
KEY_TERMS = 12


@dataclass(frozen=True)
class Related:
    """An article similar to another, as listed beside it."""

    id: str
    title: str
    published: datetime | None
    section: str


def related_articles(searcher, docnum: int, copies: Copies | None, limit: int = RELATED):
    """Return up to limit articles most similar to docnum's, none a duplicate of it."""
    own = searcher.stored_fields(docnum)
    terms = searcher.key_terms([docnum], "body", numterms=KEY_TERMS)
    if not terms:
        return ()
    query = wq.Or([wq.Term("body", term, boost=weight) for term, weight in terms])
    group = copies.group_of.get(docnum) if copies else None
    mask = {docnum, *(copies.members[group] if group is not None else ())}
    found, groups = [], set()
    for hit in searcher.search(query, limit=limit * 3 + len(mask), mask=mask):
        other = copies.group_of.get(hit.docnum) if copies else None
        if (other is not None and other in groups) or hit.get("body") == own.get("body"):
            continue
        groups.add(other)
        found.append(
            Related(hit["id"], hit.get("title", ""), hit.get("published"), hit.get("section", ""))
        )
        if len(found) == limit:
            break
    return tuple(found)
