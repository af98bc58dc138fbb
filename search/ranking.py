"""Ranking: BM25F from Whoosh, then the top hits reordered by how well they cover the query.

Every caller ranks through :func:`rank`: the site, the CLI and ``fouille eval``, so what is
evaluated is what readers get. Over the top ``RESCORE_WINDOW`` hits, each score is multiplied
by the share of the query's words the article holds, each word weighted by its rarity
(coordination: "all words matter, but an article need not hold them all"), and raised when
consecutive query words stand close together in its text (proximity). Both were measured in
``docs/RELEVANCE.md``.
"""

from __future__ import annotations

import math
from itertools import islice, pairwise

from whoosh import query as wq

from .facets import facet_definitions
from .models import Sort
from .query import Parsed

# Beyond this window BM25F order stands, so that pages never repeat or skip an article.
RESCORE_WINDOW = 200
# A prefix query word holds in a document through at most this many of its expansions.
MAX_PREFIX_TERMS = 200
# How much close query words raise a score: an article where every pair of consecutive
# query words stands side by side scores (1 + PROXIMITY_WEIGHT) times higher.
PROXIMITY_WEIGHT = 0.5
PROXIMITY_FIELD = "body"


def rank(searcher, parsed: Parsed, limit: int, *, filter=None, sort=Sort.RELEVANCE, facets=False):
    """Return Whoosh's results and the top hits in their final order."""
    query = query_of(parsed)
    rescore = sort is Sort.RELEVANCE and len(parsed.groups) > 1
    options = {"limit": max(limit, RESCORE_WINDOW if rescore else 0), "filter": filter}
    if facets:
        options["groupedby"] = facet_definitions()
    if sort is not Sort.RELEVANCE or parsed.query is None:
        options["sortedby"] = "published"
        options["reverse"] = sort is not Sort.OLDEST
    results = searcher.search(query, **options)
    # results[:] rather than list(results): list() would first count every match via len().
    return results, (_rescore(searcher.reader(), results, parsed) if rescore else results[:])


def query_of(parsed: Parsed) -> wq.Query:
    """Return the Whoosh query to run; an empty query lists every article."""
    return parsed.query if parsed.query is not None else wq.Every()


def _rescore(reader, results, parsed: Parsed) -> list:
    """Reorder the top hits by score × coordination × (1 + proximity bonus)."""
    hits = results[:]
    window, rest = hits[:RESCORE_WINDOW], hits[RESCORE_WINDOW:]
    docnums = sorted(hit.docnum for hit in window)
    held = dict.fromkeys(docnums, 0.0)
    weights = [_weight(reader, group) for group in parsed.groups]
    for group, weight in zip(parsed.groups, weights, strict=True):
        for docnum in _holding(reader, group, docnums):
            held[docnum] += weight
    near = _proximity(reader, parsed.groups, docnums)
    total = sum(weights)

    def score(hit) -> float:
        bonus = 1 + PROXIMITY_WEIGHT * near[hit.docnum]
        return hit.score * held[hit.docnum] / total * bonus

    return sorted(window, key=score, reverse=True) + rest


def _weight(reader, group) -> float:
    """Return a query word's weight in coordination: its inverse document frequency.

    Holding a rare word of the query says more about an article than holding a common one.
    """
    frequency = 1
    for fieldname, text, is_prefix in group:
        terms = reader.expand_prefix(fieldname, text) if is_prefix else [text]
        for term in islice(terms, MAX_PREFIX_TERMS):
            frequency = max(frequency, reader.doc_frequency(fieldname, term))
    return math.log(1 + reader.doc_count_all() / frequency)


def _holding(reader, group, docnums: list[int]) -> set[int]:
    """Return the docnums (sorted input) that hold any term of one query word's group."""
    found: set[int] = set()
    for fieldname, text, is_prefix in group:
        terms = reader.expand_prefix(fieldname, text) if is_prefix else [text]
        for term in islice(terms, MAX_PREFIX_TERMS):
            if (fieldname, term) in reader:
                found |= set(_positions(reader.postings(fieldname, term), docnums, False))
    return found


def _proximity(reader, groups, docnums: list[int]) -> dict[int, float]:
    """Return, per docnum, the mean closeness (1 / distance) of consecutive query words."""
    spots = [_group_positions(reader, group, docnums) for group in groups]
    pairs = list(pairwise(spots))
    closeness = dict.fromkeys(docnums, 0.0)
    for docnum in docnums:
        for left, right in pairs:
            if docnum in left and docnum in right:
                closeness[docnum] += 1 / _distance(left[docnum], right[docnum])
    return {d: total / len(pairs) for d, total in closeness.items()} if pairs else closeness


def _group_positions(reader, group, docnums: list[int]) -> dict[int, list[int]]:
    spots: dict[int, list[int]] = {}
    for fieldname, text, is_prefix in group:
        if fieldname == PROXIMITY_FIELD and not is_prefix and (fieldname, text) in reader:
            matcher = reader.postings(fieldname, text)
            for docnum, found in _positions(matcher, docnums, True).items():
                spots.setdefault(docnum, []).extend(found)
    return {docnum: sorted(found) for docnum, found in spots.items()}


def _positions(matcher, docnums: list[int], read: bool) -> dict[int, list[int]]:
    """Return which of the sorted docnums a posting list holds (with positions if read)."""
    found = {}
    for docnum in docnums:
        if not matcher.is_active():
            break
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
        if matcher.is_active() and matcher.id() == docnum:
            found[docnum] = matcher.value_as("positions") if read else []
    return found


def _distance(left: list[int], right: list[int]) -> int:
    """Return the smallest gap (at least 1) between two sorted position lists."""
    i = j = 0
    best = 1 << 30
    while i < len(left) and j < len(right):
        best = min(best, abs(left[i] - right[j]))
        if left[i] < right[j]:
            i += 1
        else:
            j += 1
    return max(best, 1)
