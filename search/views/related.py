"""Related articles: the articles closest to one by content, its own duplicates left out.

An article's key terms are those of its text that are frequent in it and rare in the archive
(the Bo1 model of divergence from randomness, as Whoosh's ``key_terms`` computes it); every
article is scored by BM25 on those terms in its text, each weighted by its key weight, over
the snapshot's arrays. The article itself, the other members of its cluster of duplicates
(``store/clustering.py``) and any article with the very same text are left out, and of
several related articles that duplicate each other only the best is kept.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from ..analysis.french import index_terms
from ..ranking.folding import Copies
from ..ranking.scoring import bm25
from ..store.snapshot import Snapshot

RELATED = 5
KEY_TERMS = 12
FIELD = "body"


@dataclass(frozen=True)
class Related:
    """An article similar to another, as listed beside it."""

    id: str
    title: str
    published: datetime | None
    section: str


def related_articles(
    snapshot: Snapshot, docnum: int, copies: Copies | None, limit: int = RELATED
) -> tuple[Related, ...]:
    """Return up to limit articles most similar to docnum's, none a duplicate of it."""
    searcher = snapshot.searcher
    own = searcher.stored_fields(docnum)
    terms = key_terms(snapshot, own.get(FIELD, ""))
    if not terms:
        return ()
    scores = related_scores(snapshot, terms)
    group = copies.cluster(docnum) if copies else None
    scores[[docnum, *(copies.members(group) if group is not None else ())]] = 0
    found, groups = [], set()
    for other_docnum in best_related(scores, limit):
        fields = searcher.stored_fields(other_docnum)
        other = copies.cluster(other_docnum) if copies else None
        if (other is not None and other in groups) or fields.get(FIELD) == own.get(FIELD):
            continue
        groups.add(other)
        found.append(related_of(fields))
        if len(found) == limit:
            break
    return tuple(found)


def related_scores(snapshot: Snapshot, terms: list[tuple[str, float]], stats=None) -> np.ndarray:
    """Return every live document's BM25 on the key terms in its text, each by its weight."""
    scores = sum(weight * bm25(snapshot, [(FIELD, t, False)], False, stats) for t, weight in terms)
    scores[~snapshot.live] = 0
    return scores


def best_related(scores: np.ndarray, limit: int) -> list[int]:
    """Return the docnums that may be among the limit related articles, best first."""
    return _best(scores, limit * 3 + 3)


def related_of(fields: dict) -> Related:
    """Return a related article from its stored fields."""
    return Related(
        fields["id"], fields.get("title", ""), fields.get("published"), fields.get("section", "")
    )


def key_terms(snapshot: Snapshot, text: str, number: int = KEY_TERMS) -> list[tuple[str, float]]:
    """Return a text's most important terms and their weights (the best weighs 1)."""
    counts = Counter(index_terms(text)[0])
    size = max(snapshot.size, 1)
    return weighed_terms(counts, lambda term: snapshot.total_frequency(FIELD, term) / size, number)


def weighed_terms(counts: Counter, spread_of, number: int = KEY_TERMS) -> list[tuple[str, float]]:
    """Return the most important of a text's term counts, by their spread over the archive."""
    scored = []
    for term, count in counts.items():
        # Bo1: how far the term's count here diverges from its spread over the archive.
        spread = spread_of(term)
        if spread:
            scored.append((term, count * math.log2((1 + spread) / spread) + math.log2(1 + spread)))
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    best = scored[0][1] if scored else 1.0
    return [(term, score / best) for term, score in scored[:number]]


def _best(scores: np.ndarray, count: int) -> list[int]:
    """Return the docnums of the highest positive scores, best first."""
    held = np.flatnonzero(scores > 0)
    if len(held) > count:
        held = held[np.argpartition(-scores[held], count - 1)[:count]]
    return held[np.lexsort((held, -scores[held]))].tolist()
