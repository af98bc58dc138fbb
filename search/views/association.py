"""The words most associated with a query: Dunning's log-likelihood (G²) against the archive.

Words are those of titles and leads as written (the index's ``words`` field: lowercase,
accents kept, French function words left out), so they read as the articles wrote them.
The matching articles' words, counted on a bounded sample of them, are compared with the
rest of the archive; a word scores high when it is far more frequent in the matches than
elsewhere, and words of the query itself are left out (they are associated by definition).

>>> g2 = log_likelihood(np.array([30.0]), np.array([1_000.0]), 1_000.0, 100_000.0)
>>> round(float(g2[0]), 1)
26.3
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from ..analysis.french import WordAnalyzer, fold_accents, stem
from ..limits import over_time

# Articles whose words are counted, at most: enough for stable scores, fast for 36,000.
SAMPLE = 2_000
MIN_COUNT = 2
TOP = 15
_WORDS = WordAnalyzer()


@dataclass(frozen=True)
class KeyTerm:
    """A word associated with a query: how often the matches use it, and its G² score."""

    word: str
    count: int
    score: float


def key_terms(searcher, docnums: list[int], query_terms: set[str], top: int = TOP):
    """Return the words most over-represented in these documents' titles and leads."""
    reader = searcher.reader()
    if not docnums or "words" not in reader.schema:
        return ()
    step = max(1, len(docnums) // SAMPLE)
    counts: Counter[str] = Counter()
    for docnum in docnums[::step][:SAMPLE]:
        if over_time():
            break
        fields = searcher.stored_fields(docnum)
        text = "\n".join((fields.get("title", ""), fields.get("summary", "")))
        counts.update(t.text for t in _WORDS(text) if _is_word(t.text))
    words = [w for w, n in counts.items() if n >= MIN_COUNT and _stem(w) not in query_terms]
    if not words:
        return ()
    sample = np.array([counts[w] for w in words], dtype=float)
    archive = np.array([reader.frequency("words", w) for w in words], dtype=float)
    sample_size = float(counts.total())
    scores = log_likelihood(sample, archive, sample_size, reader.field_length("words"))
    rest_rate = (archive - sample) / max(reader.field_length("words") - sample_size, 1.0)
    over = sample / sample_size > rest_rate
    order = [i for i in np.argsort(-scores, kind="stable") if over[i]][:top]
    return tuple(KeyTerm(words[i], int(sample[i]), round(float(scores[i]), 1)) for i in order)


def log_likelihood(sample, archive, sample_size, archive_size) -> np.ndarray:
    """Return Dunning's G² of each word: sample counts against the rest of the archive.

    archive counts and size include the sample, which is part of the archive.
    """
    rest = np.maximum(archive - sample, 0.0)
    rest_size = max(float(archive_size) - float(sample_size), 1.0)
    both = sample + rest
    expected_sample = sample_size * both / (sample_size + rest_size)
    expected_rest = rest_size * both / (sample_size + rest_size)
    with np.errstate(divide="ignore", invalid="ignore"):
        left = np.where(sample > 0, sample * np.log(sample / expected_sample), 0.0)
        right = np.where(rest > 0, rest * np.log(rest / expected_rest), 0.0)
    return 2 * (left + right)


def _is_word(text: str) -> bool:
    return len(text) > 2 and any(c.isalpha() for c in text)


def _stem(word: str) -> str:
    return stem(fold_accents(word.replace("’", "'")))
