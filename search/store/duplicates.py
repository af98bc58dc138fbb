"""Find the articles that are one dispatch published more than once, exactly or nearly.

The pipeline, for each article's body (its summary when it has no body):

1. Words: lowercased, accents folded, runs of letters and digits, so that
   ``domestique.Consternant`` (sentences glued together, as in most scraped bodies) gives two
   words. Neither stemmed nor stopped: a republished dispatch keeps its very words, and the
   figures of a daily recurring article (a toll, a score) are what tell one day from the next.
2. Shingles: every run of SHINGLE consecutive words, hashed. A text of fewer than MIN_WORDS
   words gets none and is never a duplicate: the same caption, teaser or stray "." under two
   headlines is no evidence of one dispatch.
3. MinHash: for each of PERMUTATIONS hash functions (multiply-add-shift), the smallest hash of
   a shingle, of which the low 16 bits are kept. Two signatures agree at a position with
   probability the Jaccard similarity of the two shingle sets (plus 2**-16).
4. LSH: the signature is cut into BANDS bands; articles that agree on a whole band are
   candidates, and candidates whose signatures agree at THRESHOLD of their positions or more
   are duplicates.
5. Clusters: the connected groups of duplicates (union-find), canonical article first.

Identical bodies have identical signatures, so exact duplicates are found by the same path.
THRESHOLD and its measurement on the real corpus: docs/INGESTION.md, "Duplicates".
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from itertools import combinations

import numpy as np

from ..analysis.french import WORD_CACHE, fold_accents
from ..analysis.french import words as analysed_words

SHINGLE = 5
MIN_WORDS = 20
# Bands of 4 values of 16 bits: each band is read as one 64-bit key.
PERMUTATIONS = 64
BANDS = 16
# One paragraph of seven rewritten leaves about 0.7 of a dispatch's shingles in common.
THRESHOLD = 0.7
_WORD = re.compile(r"\w+")
_LOW32 = np.uint64(0xFFFFFFFF)


def _constants(name: str) -> np.ndarray:
    # Derived from fixed names rather than a random generator, so that signatures stored
    # in an index stay comparable across numpy versions and machines.
    values = [
        int.from_bytes(hashlib.blake2b(f"{name}{i}".encode(), digest_size=8).digest(), "big")
        for i in range(PERMUTATIONS)
    ]
    return np.array(values, dtype=np.uint64)


_MULTIPLIERS = _constants("fouille-minhash-a") | np.uint64(1)
# Texts whose shingles are permuted at once: a few megabytes, which the caches hold.
_TEXTS_AT_ONCE = 8
_INCREMENTS = _constants("fouille-minhash-b")
_SHIFT = np.uint64(1_000_003)


def words(text: str) -> list[str]:
    """Return the words of text as shingles see them: lowercase, without accents.

    >>> words("L'été, domestique.Consternant !")
    ['l', 'ete', 'domestique', 'consternant']
    """
    return [fold_accents(w.lower()) for word in analysed_words(text) for w in _WORD.findall(word)]


@lru_cache(maxsize=WORD_CACHE)
def word_hashes(word: str) -> tuple[int, ...]:
    """Return the hashes of the shingle words in one word of the analyzer (``l’été``: two)."""
    return tuple(zlib.crc32(fold_accents(w.lower()).encode()) for w in _WORD.findall(word))


def shingle_hashes(text: str) -> np.ndarray:
    """Return the distinct 32-bit hashes of text's shingles (none under MIN_WORDS words)."""
    hashes = np.array([h for word in analysed_words(text) for h in word_hashes(word)], np.uint64)
    shingles, _ = _shingles(hashes, np.array([len(hashes)]))
    return np.unique(shingles)


def signature(text: str) -> np.ndarray | None:
    """Return the MinHash signature of text's shingles, or None under MIN_WORDS words."""
    hashes = np.array([h for word in analysed_words(text) for h in word_hashes(word)], np.uint64)
    found, signed = signatures(hashes, np.array([len(hashes)]))
    return found[0] if signed[0] else None


def signatures(hashes: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the MinHash signature of each text, and whether it has one (MIN_WORDS words).

    Texts are given by their word hashes end to end, counts[i] words for text i; texts
    without a signature get a row of zeros.
    """
    found = np.zeros((len(counts), PERMUTATIONS), dtype=np.uint16)
    shingles, owners = _shingles(hashes.astype(np.uint64), counts)
    bounds = np.searchsorted(owners, np.arange(0, len(counts), _TEXTS_AT_ONCE))
    for start, end in zip(bounds, [*bounds[1:], len(owners)], strict=True):
        if end <= start:
            continue
        mixed = np.multiply(shingles[start:end, None], _MULTIPLIERS)
        mixed += _INCREMENTS
        mixed >>= np.uint64(32)
        group = owners[start:end]
        firsts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        found[group[firsts]] = np.minimum.reduceat(mixed, firsts, axis=0).astype(np.uint16)
    return found, counts >= MIN_WORDS


def _shingles(hashes: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the 32-bit hash of every shingle of the texts long enough, and its text."""
    count = len(hashes) - SHINGLE + 1
    if count < 1:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    mixed = np.zeros(count, dtype=np.uint64)
    for offset in range(SHINGLE):
        # Polynomial hash of the words in order, modulo 2**64 (uint64 arrays wrap silently).
        mixed = mixed * _SHIFT + hashes[offset : offset + count]
    owners = np.repeat(np.arange(len(counts)), counts)[:count]
    ends = np.cumsum(counts)
    # A shingle lies within one text, of MIN_WORDS words or more.
    valid = (np.arange(count) + SHINGLE <= ends[owners]) & (counts[owners] >= MIN_WORDS)
    return ((mixed ^ (mixed >> np.uint64(32))) & _LOW32)[valid], owners[valid]


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """Return the estimated Jaccard similarity of the shingles behind two signatures."""
    return float(np.count_nonzero(first == second)) / PERMUTATIONS


def duplicate_pairs(signatures: dict[str, np.ndarray]) -> set[tuple[str, str]]:
    """Return the pairs of ids, each sorted, whose signatures are THRESHOLD similar or more."""
    ids = sorted(signatures)
    if not ids:
        return set()
    matrix = np.stack([signatures[i] for i in ids])
    bands = np.ascontiguousarray(matrix).view(np.uint64)
    candidates: set[tuple[int, int]] = set()
    for column in bands.T:
        for group in _equal_runs(column):
            candidates.update(combinations(group.tolist(), 2))
    return {
        (ids[first], ids[second])
        for first, second in candidates
        if np.count_nonzero(matrix[first] == matrix[second]) >= THRESHOLD * PERMUTATIONS
    }


def _equal_runs(values: np.ndarray) -> list[np.ndarray]:
    """Return the sorted row numbers of each value that more than one row holds."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(ordered)]
    return [np.sort(order[s:e]) for s, e in zip(starts, ends, strict=True) if e - s > 1]


def clusters(pairs: Iterable[tuple[str, str]], order: dict[str, tuple]) -> list[tuple[str, ...]]:
    """Return the connected groups of pairs, each sorted by (order, id): canonical first.

    >>> clusters([("b", "c"), ("a", "b"), ("x", "y")], {"a": (2,), "b": (1,), "c": (3,)})
    [('b', 'a', 'c'), ('x', 'y')]
    """
    parent: dict[str, str] = {}

    def root(item: str) -> str:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for first, second in pairs:
        parent[root(first)] = root(second)
    groups: dict[str, list[str]] = defaultdict(list)
    for item in list(parent):
        groups[root(item)].append(item)
    ordered = (tuple(sorted(g, key=lambda i: (order.get(i, ()), i))) for g in groups.values())
    return sorted(ordered)
