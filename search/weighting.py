"""BM25F with the probabilistic IDF of Robertson and Spärck Jones, as Lucene computes it.

Whoosh's own IDF, ``log(N / (df + 1)) + 1``, never falls below 1: in a long query ("a lead
pasted as a query") every common word then weighs at least a tenth of the rarest one, and
common words drown the words that identify the article. ``log(1 + (N - df + 0.5) / (df + 0.5))``
lets a word in half the articles weigh almost nothing. Measured in ``docs/RELEVANCE.md``.
"""

from __future__ import annotations

import math

from whoosh.scoring import BM25F, BM25FScorer


class ProbabilisticBM25F(BM25F):
    """BM25F whose term weights use the probabilistic IDF.

    Make one per searcher: it caches each term's IDF, which Whoosh asks for once per segment.
    """

    def __init__(self, **options):
        super().__init__(**options)
        self._idf: dict[tuple[str, str], float] = {}

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, BM25FScorer):
            key = (fieldname, text)
            if key not in self._idf:
                parent = searcher.get_parent()
                self._idf[key] = idf(parent.doc_count_all(), parent.doc_frequency(fieldname, text))
            scorer.idf = self._idf[key]
        return scorer


def idf(documents: int, frequency: int) -> float:
    """Return the probabilistic inverse document frequency of a term.

    >>> round(idf(1000, 1), 2), round(idf(1000, 500), 2)
    (6.5, 0.69)
    """
    return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))
