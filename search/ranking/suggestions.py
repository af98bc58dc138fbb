"""Help for the reader's typing: spelling corrections and search-as-you-type completions."""

from __future__ import annotations

import re

import numpy as np
from whoosh.support.levenshtein import damerau_levenshtein, distance

from ..analysis.french import analyze, fold_accents, stem
from ..models import Completion
from ..store.schema import TEXT_FIELDS
from ..store.snapshot import Snapshot
from .query import Parsed
from .scoring import MAX_EXPANSIONS, bm25

WORDS = "words"


def spelling_suggestion(snapshot: Snapshot, text: str, parsed: Parsed) -> str | None:
    """Return the query with each word unknown to the index replaced by its closest known word.

    Returns None when every word is known, or no close word exists.
    """
    return corrected(text, parsed, [close_words(snapshot, parsed)])


def close_words(snapshot: Snapshot, parsed: Parsed) -> dict[str, dict[str, int] | None]:
    """Return, per word typed that could be corrected, None if the index knows it, else the
    known words close to it, with how many documents hold each."""
    reader = snapshot.reader
    found: dict[str, dict[str, int] | None] = {}
    for word in parsed.words:
        terms = analyze(word)
        if not terms or not word.isalpha():
            continue
        if _known(reader, terms):
            found[word] = None
            continue
        close = _close(snapshot.vocabulary(WORDS), word.lower())
        found[word] = {c: reader.doc_frequency(WORDS, c) for c in close}
    return found


def corrected(text: str, parsed: Parsed, parts: list[dict]) -> str | None:
    """Return the query with its unknown words corrected, from each shard's ``close_words``."""
    corrected = text
    for word in parsed.words:
        found = [part[word] for part in parts if word in part]
        if not found or any(close is None for close in found):
            continue
        counts: dict[str, int] = {}
        for close in found:
            for candidate, count in close.items():
                counts[candidate] = counts.get(candidate, 0) + count
        closest = _closest(counts, word.lower())
        if closest:
            corrected = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", closest, corrected, count=1)
    return corrected if corrected != text else None


def _known(reader, terms: list[str]) -> bool:
    return all(any(reader.doc_frequency(f, t) for f in TEXT_FIELDS) for t in terms)


def _close(vocabulary: dict[tuple[str, int], list[str]], word: str) -> set[str]:
    # Most typos keep the first letter; one edit for short words, two for longer ones.
    maxdist = 1 if len(word) <= 4 else 2
    candidates = _within(vocabulary, word, maxdist)
    if fold_accents(word) != word:
        candidates |= _within(vocabulary, fold_accents(word), maxdist)
    return candidates


def _closest(counts: dict[str, int], word: str) -> str | None:
    if not counts:
        return None
    bare = fold_accents(word)
    return max(
        sorted(counts),
        key=lambda c: (-distance(fold_accents(c), bare), -distance(c, word), counts[c]),
    )


def _within(vocabulary: dict[tuple[str, int], list[str]], word: str, maxdist: int) -> set[str]:
    """Return the known words with word's first letter within maxdist edits of it."""
    letters = set(word)
    return {
        known
        for length in range(len(word) - maxdist, len(word) + maxdist + 1)
        for known in vocabulary.get((word[:1], length), ())
        # An edit changes at most two letters of the set: a cheap test before the distance.
        if len(letters.symmetric_difference(known)) <= 2 * maxdist
        and damerau_levenshtein(known, word, maxdist + 1) <= maxdist
    }


def complete(snapshot: Snapshot, text: str, limit: int = 6, stats=None) -> Completion:
    """Return frequent words and titles that complete the last word typed.

    The collection's numbers come from stats (by default the snapshot's own).
    """
    stats = stats or snapshot.statistics
    head, last = typed(text)
    if len(last) < 2:
        return Completion(text, (), ())
    frequent, _ = stats.expand(WORDS, last, limit)
    words = tuple(f"{head} {word}".strip() for word in frequent)
    started = stats.expand("title", title_prefix(last), MAX_EXPANSIONS)[0]
    if not started:
        return Completion(text, words, ())
    best, _ = completing_titles(snapshot, head, started, limit, stats)
    stored = [snapshot.searcher.stored_fields(int(docnum)) for docnum in best]
    return Completion(text, words, tuple((f["id"], f.get("title", "")) for f in stored))


def typed(text: str) -> tuple[str, str]:
    """Return the words typed before the last one, and the last one in lowercase."""
    head, _, last = text.strip().rpartition(" ")
    return head, last.lower()


def title_prefix(last: str) -> str:
    """Return the prefix of title terms that the last word typed begins."""
    return stem(fold_accents(last)) if len(last) > 3 else fold_accents(last)


def completing_titles(snapshot: Snapshot, head: str, started, limit: int, stats):
    """Return the best titles holding every word of head and a started term, and scores."""
    held = [snapshot.holders("title", term) for term in analyze(head)]
    held.append(np.logical_or.reduce([snapshot.holders("title", t) for t in started]))
    entries = [("title", t, False) for t in [*analyze(head), *started]]
    scores = bm25(snapshot, entries, False, stats)
    scores = np.where(np.logical_and.reduce(held) & snapshot.live, scores, 0)
    best = np.flatnonzero(scores > 0)
    best = best[np.lexsort((best, -scores[best]))][:limit]
    return best, scores[best]
