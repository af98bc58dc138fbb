"""How distinct a collection's titles are: the share of articles whose title no other holds.

A title says what its article is about only if it is the article's own: a FAQ entry's question
or a news headline, not the Wikipedia article's name that each of its paragraphs carries. Two
titles are the same when they hold the same index terms as often (``Coronavirus : le point``
and ``Coronavirus: le point``), found from the title's postings, without reading a stored field.
"""

from __future__ import annotations

import numpy as np

# A multiplicative mix spreads each term's CRC over 64 bits, so that the sum of a title's
# terms is, in practice, unique to its bag of terms.
_MIX = np.uint64(0x9E3779B97F4A7C15)


def title_signatures(segments, size: int) -> np.ndarray:
    """Return a 64-bit signature of each document's title terms; 0 for no title."""
    signatures = np.zeros(size, dtype=np.uint64)
    for data, base, _ in segments:
        count = data.term_count("title")
        if not count:
            continue
        docs, freqs, sizes = data.all_postings("title")
        crcs = np.empty(count, dtype=np.uint64)
        crcs[data.arrays["title.hash_order"]] = data.arrays["title.hashes"].astype(np.uint64)
        with np.errstate(over="ignore"):
            mixed = (np.repeat(crcs, sizes) + np.uint64(1)) * _MIX * freqs.astype(np.uint64)
        np.add.at(signatures, docs + base, mixed)
    return signatures


def distinct_share(signatures: np.ndarray, live: np.ndarray) -> float:
    """Return the share of live documents with a title whose title no other live one holds.

    >>> distinct_share(np.array([5, 5, 7, 0, 9], np.uint64), np.array([1, 1, 1, 1, 0], bool))
    0.3333333333333333
    """
    titled = signatures[live & (signatures != 0)]
    if not len(titled):
        return 0.0
    _, counts = np.unique(titled, return_counts=True)
    return float((counts == 1).sum() / len(titled))
