"""The words of the best titles, fed back into a question.

A reader's question rarely writes the words the archive's titles use ("Avec le RGPD, reste-t-il
des déclarations à faire ?" against "Formalités préalables : ce qui change"). The titles of
the first few articles a question finds say what the subject is called; their other words
are searched in every title (the title's own BM25, which reads only titles' postings) and
added at FEEDBACK_WEIGHT of the first score, so that they reorder near ties without
overturning the query's own words (pseudo-relevance feedback, as Rocchio's, from titles).
Measured in docs/RELEVANCE.md.
"""

from __future__ import annotations

import numpy as np

from ..analysis.french import analyze
from ..store.snapshot import Snapshot
from .scoring import Entry, title_bm25

# Titles read from the best matches; their words' best score is this share of the first's.
FEEDBACK_TITLES = 3
FEEDBACK_WEIGHT = 0.1
# The rarest of their words that another title also holds: a common word's postings are long to
# read at 360k articles and say little of the subject (docs/RELEVANCE.md).
FEEDBACK_WORDS: int | None = None


def title_feedback(
    snapshot: Snapshot, entries: set[Entry], window: np.ndarray, scores: np.ndarray
) -> np.ndarray:
    """Return what the words of the best titles add to each of the best matches (window).

    The window is the best matches, best first; the feedback only reorders them, which
    spares reading where every other title of the archive holds the words.
    """
    added = np.zeros(len(window), dtype=np.float64)
    words = set()
    for docnum in window[:FEEDBACK_TITLES].tolist():
        words.update(analyze(snapshot.searcher.stored_fields(docnum).get("title") or ""))
    words -= {text for _, text, _ in entries}
    if FEEDBACK_WORDS is not None:
        held = {w: snapshot.document_frequency("title", w) for w in words}
        words = sorted((w for w in words if held[w] > 1), key=held.get)[:FEEDBACK_WORDS]
    if not words:
        return added
    found = title_bm25(snapshot, words, window)
    highest = float(found.max())
    if highest > 0:
        added = FEEDBACK_WEIGHT * float(scores[window[0]]) * found / highest
    return added
