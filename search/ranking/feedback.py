"""The words of the best titles, fed back into a query that asks what an article is about.

A reader's question rarely writes the words the archive's titles use ("Avec le RGPD, reste-t-il
des déclarations à faire ?" against "Formalités préalables : ce qui change"). The titles of
the first few articles a question finds say what the subject is called; their words are
searched as well, scored as asking what an article is about, and added at FEEDBACK_WEIGHT of
the first score, so that they reorder near ties without overturning the query's own words
(pseudo-relevance feedback, Rocchio's idea applied to titles). Measured in docs/RELEVANCE.md.
"""

from __future__ import annotations

import numpy as np

from ..analysis.french import analyze
from ..store.schema import TEXT_FIELDS
from ..store.snapshot import Snapshot
from .scoring import Entry, bm25

# Titles read from the best matches; their words' best score is this share of the first's.
FEEDBACK_TITLES = 3
FEEDBACK_WEIGHT = 0.1


def title_feedback(
    snapshot: Snapshot, entries: set[Entry], matched: np.ndarray, scores: np.ndarray
) -> np.ndarray:
    """Return what the words of the best matches' titles add to every document's score."""
    added = np.zeros(snapshot.size, dtype=np.float64)
    if not len(matched):
        return added
    order = np.argsort(-scores[matched], kind="stable")[:FEEDBACK_TITLES]
    best = matched[order]
    words = set()
    for docnum in best.tolist():
        words.update(analyze(snapshot.searcher.stored_fields(docnum).get("title") or ""))
    extra = {(name, word, False) for name in TEXT_FIELDS for word in words} - set(entries)
    if not extra:
        return added
    found = bm25(snapshot, extra, True)
    highest = float(found[matched].max())
    if highest > 0:
        added = FEEDBACK_WEIGHT * float(scores[best[0]]) * found / highest
    return added
