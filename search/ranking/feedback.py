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
from .scoring import Entry

# Titles read from the best matches; their words' best score is this share of the first's.
FEEDBACK_TITLES = 3
FEEDBACK_WEIGHT = 0.1
# The rarest of their words that another title also holds: a common word's postings are long to
# read at 360k articles and say little of the subject (docs/RELEVANCE.md: the FAQ 0.725 →
# 0.729, PIAF 0.8195 → 0.8191; a question's p95 at 360k 68–74 → 61–67 ms).
FEEDBACK_WORDS: int | None = 8


def feedback_words(
    snapshot: Snapshot, window: np.ndarray, entries: set[Entry], stats
) -> list[str]:
    """Return the words of the best matches' titles (the window, best first) to search for.

    In order, so that their scores add up alike in every process.
    """
    words = set()
    for docnum in window[:FEEDBACK_TITLES].tolist():
        words.update(analyze(snapshot.searcher.stored_fields(docnum).get("title") or ""))
    return chosen_words(words - {text for _, text, _ in entries}, stats)


def chosen_words(words: set[str], stats) -> list[str]:
    """Return the titles' words that are fed back, in order."""
    if FEEDBACK_WORDS is not None:
        held = {w: stats.frequency("title", w) for w in words}
        words = sorted((w for w in words if held[w] > 1), key=held.get)[:FEEDBACK_WORDS]
    return sorted(words)


def feedback_scores(found: np.ndarray, first: float, highest: float) -> np.ndarray:
    """Return what the words' title scores (found, over the window) add to the window's.

    first is the best match's score; highest, the best title score in the window. The
    feedback only reorders the best matches, which spares reading where every other title of
    the archive holds the words.
    """
    if highest > 0:
        return FEEDBACK_WEIGHT * first * found / highest
    return np.zeros(len(found), dtype=np.float64)
