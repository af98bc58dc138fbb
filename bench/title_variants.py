"""Ranking variants that let a title count as much as the collection shows titles to be worth.

Issue 18 (docs/RELEVANCE.md): summing title and text before one saturation (BM25F) drowns a
title match where titles are distinct (the CNIL FAQ), while saturating each field on its own
lifts paragraphs whose title is only their Wikipedia article's (PIAF). These variants weigh the
title's evidence by how many documents share the very title: once per collection (τ, the share
of documents whose title no other holds) or once per document (a title shared by k counts 1/k).
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

import search.ranking.ranker as ranker
import search.ranking.scoring as scoring
from search.store.arrays import unpack_runs
from search.store.schema import TEXT_FIELDS

_SHARING: dict[int, np.ndarray] = {}


def title_sharing(snapshot) -> np.ndarray:
    """Return how many live documents hold each document's title (same stems, same counts)."""
    key = id(snapshot)
    if key in _SHARING:
        return _SHARING[key]
    signature = np.zeros(snapshot.size, dtype=np.uint64)
    for data, base, _ in snapshot.segments:
        count = data.term_count("title")
        if not count:
            continue
        crcs = np.empty(count, dtype=np.uint64)
        crcs[data.arrays["title.hash_order"]] = data.arrays["title.hashes"].astype(np.uint64)
        docs, sizes = unpack_runs(data._runs("title", "docs"), 0, count)
        freqs, _ = unpack_runs(data._runs("title", "freqs"), 0, count)
        terms = np.repeat(np.arange(count), sizes)
        # A multiplicative mix, so that a bag of terms sums to a near-unique 64-bit value.
        with np.errstate(over="ignore"):
            mixed = (crcs[terms] + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
            mixed = mixed * freqs.astype(np.uint64)
        np.add.at(signature, docs + base, mixed)
    live = snapshot.live & (signature != 0)
    _, inverse, counts = np.unique(signature[live], return_inverse=True, return_counts=True)
    sharing = np.ones(snapshot.size)
    sharing[live] = counts[inverse]
    _SHARING[key] = sharing
    return sharing


def distinct_share(snapshot) -> float:
    """Return τ: the share of live documents with a title whose title no other document holds."""
    sharing = title_sharing(snapshot)
    titled = snapshot.live & (snapshot.field_lengths("title") > 0)
    return float((sharing[titled] == 1).mean()) if titled.any() else 0.0


def field_scores(snapshot, terms, fieldname, b=None, k1=None):
    """Return one field's own saturated BM25 (weighted, with the field's own IDF)."""
    scores = np.zeros(snapshot.size)
    k1 = scoring.K1 if k1 is None else k1
    saved = scoring.B
    if b is not None:
        scoring.B = b
    try:
        for name, text in terms:
            if name != fieldname:
                continue
            found = snapshot.postings(name, text)
            if len(found.docs):
                weight = TEXT_FIELDS.get(name, 1.0) * scoring.idf(snapshot.size, len(found.docs))
                tf, norm = (
                    found.freqs,
                    scoring._norm(snapshot, snapshot.statistics, name, found.docs),
                )
                scores[found.docs] += weight * tf * (k1 + 1) / (tf + k1 * norm)
    finally:
        scoring.B = saved
    return scores


def _short_only(score):
    """Patch BM25 for queries of up to LONG_QUERY words; passages keep per-field saturation."""

    def bm25(snapshot, entries, about=False, stats=None):
        terms = scoring.index_terms(snapshot.statistics, entries)
        if scoring.is_passage(entries):
            return scoring._per_field(snapshot, snapshot.statistics, terms)
        return score(snapshot, terms)

    scoring.bm25 = bm25
    ranker.bm25 = bm25


def tau_mix():
    """Interpolate BM25F and per-field saturation by τ."""

    def score(snapshot, terms):
        tau = distinct_share(snapshot)
        return (1 - tau) * scoring._bm25f(
            snapshot, snapshot.statistics, terms
        ) + tau * scoring._per_field(snapshot, snapshot.statistics, terms)

    _short_only(score)


def tau_title_add(scale=1.0):
    """Add τ times the title's own saturated BM25 to BM25F."""

    def score(snapshot, terms):
        tau = distinct_share(snapshot)
        title = field_scores(snapshot, terms, "title")
        return scoring._bm25f(snapshot, snapshot.statistics, terms) + scale * tau * title

    _short_only(score)


def shared_title(power=1.0, mode="per_field", title_weight=None, title_b=None, title_k1=None):
    """Count a title shared by k documents 1/k**power: per field, or inside BM25F."""

    def score(snapshot, terms):
        share = 1.0 / title_sharing(snapshot) ** power
        if mode == "per_field":
            rest = [(f, t) for f, t in terms if f != "title"]
            title = field_scores(snapshot, terms, "title", b=title_b, k1=title_k1)
            if title_weight is not None:
                title *= title_weight / TEXT_FIELDS["title"]
            return scoring._per_field(snapshot, snapshot.statistics, rest) + share * title
        if mode == "add":
            title = field_scores(snapshot, terms, "title", b=title_b, k1=title_k1)
            return scoring._bm25f(snapshot, snapshot.statistics, terms) + share * title
        return _bm25f_scaled(snapshot, terms, share)

    _short_only(score)


def _bm25f_scaled(snapshot, terms, share):
    """BM25F where the title's frequency is scaled by each document's share."""
    scores = np.zeros(snapshot.size)
    fields_of: dict[str, list[str]] = {}
    for fieldname, text in terms:
        fields_of.setdefault(text, []).append(fieldname)
    for text, fieldnames in fields_of.items():
        frequency = np.zeros(snapshot.size)
        held = np.zeros(snapshot.size, dtype=bool)
        for fieldname in fieldnames:
            found = snapshot.postings(fieldname, text)
            weight = TEXT_FIELDS.get(fieldname, 1.0)
            if fieldname == "title":
                weight = weight * share[found.docs]
            frequency[found.docs] += (
                weight
                * found.freqs
                / scoring._norm(snapshot, snapshot.statistics, fieldname, found.docs)
            )
            held[found.docs] = True
        docs = np.flatnonzero(held)
        if len(docs):
            tf = frequency[docs]
            k1 = scoring.K1
            scores[docs] += scoring.idf(snapshot.size, len(docs)) * tf * (k1 + 1) / (tf + k1)
    return scores


def per_field_title(title_weight=None, title_b=None):
    """Per-field saturation for every query, with the title's weight or b changed."""
    shared_title(power=0.0, title_weight=title_weight, title_b=title_b)


def title_proximity(shared=True):
    """Let consecutive query words side by side in the title count as in the text.

    Closeness is the larger of the text's and the title's, the title's times its share.
    """
    original = ranker._group_positions

    def in_field(fieldname):
        def positions(snapshot, group, docnums):
            saved = ranker.PROXIMITY_FIELD
            ranker.PROXIMITY_FIELD = fieldname
            try:
                return original(snapshot, group, docnums)
            finally:
                ranker.PROXIMITY_FIELD = saved

        return positions

    def proximity(snapshot, groups, docnums):
        result = {}
        share = 1.0 / title_sharing(snapshot) if shared else np.ones(snapshot.size)
        for fieldname, factor in (("body", None), ("title", share)):
            spots = [in_field(fieldname)(snapshot, group, docnums) for group in groups]
            pairs = list(pairwise(spots))
            closeness = dict.fromkeys(docnums.tolist(), 0.0)
            for left, right in pairs:
                for docnum in left.keys() & right.keys():
                    closeness[docnum] += 1 / ranker._distance(left[docnum], right[docnum])
            for docnum, total in closeness.items():
                value = total / max(len(pairs), 1) * (1.0 if factor is None else factor[docnum])
                result[docnum] = max(result.get(docnum, 0.0), value)
        return result

    ranker.proximity = proximity


def tau_path(title_weight=None, title_b=None, title_prox=False, power=1.0):
    """Interpolate the two shipped paths by τ: BM25F with proximity, per-field without.

    score = (1 - τ) BM25F + τ per-field; proximity's bonus scaled by (1 - τ) (τ ** power).
    """

    def score(snapshot, terms):
        tau = distinct_share(snapshot) ** power
        rest = [(f, t) for f, t in terms if f != "title"]
        title = field_scores(snapshot, terms, "title", b=title_b)
        if title_weight is not None:
            title *= title_weight / TEXT_FIELDS["title"]
        per_field = scoring._per_field(snapshot, snapshot.statistics, rest) + title
        return (1 - tau) * scoring._bm25f(snapshot, snapshot.statistics, terms) + tau * per_field

    _short_only(score)
    if title_prox:
        title_proximity(shared=False)
    original = ranker.proximity

    def proximity(snapshot, groups, docnums):
        tau = distinct_share(snapshot) ** power
        return {d: (1 - tau) * c for d, c in original(snapshot, groups, docnums).items()}

    ranker.proximity = proximity


def tau_path_by_length(cover=True, words=6):
    """τ-interpolation whose title share also shrinks with the query's length.

    cover: weight τ × min(1, mean title length / query words) (how much of the query a title
    can hold); otherwise τ for queries of up to `words` words and 0 (BM25F) above.
    """
    current = [0.0]

    def weight(snapshot, count):
        tau = distinct_share(snapshot)
        if cover:
            return tau * min(1.0, snapshot.mean_length["title"] / max(count, 1))
        return tau if count <= words else 0.0

    def score(snapshot, terms):
        current[0] = w = weight(snapshot, len({t for _, t in terms}))
        per_field = scoring._per_field(snapshot, snapshot.statistics, terms)
        return (1 - w) * scoring._bm25f(snapshot, snapshot.statistics, terms) + w * per_field

    _short_only(score)
    original = ranker.proximity

    def proximity(snapshot, groups, docnums):
        return {d: (1 - current[0]) * c for d, c in original(snapshot, groups, docnums).items()}

    ranker.proximity = proximity


def per_field_union(snapshot, terms):
    """Per-field saturation, each word's IDF over the documents holding it in any field."""
    holders: dict[str, np.ndarray] = {}
    for name, text in terms:
        docs = snapshot.postings(name, text).docs
        holders[text] = np.union1d(holders.get(text, docs[:0]), docs)
    scores = np.zeros(snapshot.size)
    for name, text in terms:
        found = snapshot.postings(name, text)
        if len(found.docs):
            weight = TEXT_FIELDS.get(name, 1.0) * scoring.idf(snapshot.size, len(holders[text]))
            tf, norm = found.freqs, scoring._norm(snapshot, snapshot.statistics, name, found.docs)
            scores[found.docs] += weight * tf * (scoring.K1 + 1) / (tf + scoring.K1 * norm)
    return scores


def tau_union(scale_proximity=False, title_prox=False):
    """τ-interpolation of BM25F and per-field saturation with the union IDF (short queries)."""

    def score(snapshot, terms):
        tau = distinct_share(snapshot)
        return (1 - tau) * scoring._bm25f(
            snapshot, snapshot.statistics, terms
        ) + tau * per_field_union(snapshot, terms)

    _short_only(score)
    if title_prox:
        title_proximity(shared=False)
    if scale_proximity:
        original = ranker.proximity

        def proximity(snapshot, groups, docnums):
            tau = distinct_share(snapshot)
            return {d: (1 - tau) * c for d, c in original(snapshot, groups, docnums).items()}

        ranker.proximity = proximity


def shape_route(patch=None, declarative=None):
    """Rank a question or a few words by one patch, a declarative sentence by another.

    A question or a few words ask what an article is about (its title); a sentence pasted in
    asks for the text that says it (``search/ranking/shape.py``). Each patch is a function
    that patches ``ranker.bm25`` and ``ranker.proximity``; None keeps the shipped ones.
    """
    import search.archive
    from search.ranking.shape import asks_about

    paths = {}
    for name, apply in (("about", patch or tau_path), ("text", declarative)):
        saved = ranker.bm25, ranker.proximity
        if apply is not None:
            apply()
        paths[name] = ranker.bm25, ranker.proximity
        ranker.bm25, ranker.proximity = saved
    current = ["text"]
    original_parse = search.archive.parse_query

    def parse(text):
        current[0] = "about" if asks_about(text) else "text"
        return original_parse(text)

    search.archive.parse_query = parse
    ranker.bm25 = lambda snapshot, entries, *_: paths[current[0]][0](snapshot, entries)
    ranker.proximity = lambda snapshot, groups, docs: paths[current[0]][1](snapshot, groups, docs)
