"""Score ranking variants on a relevance set without re-indexing: the experiments of RELEVANCE.md.

Usage: python -m bench.relevance_variants SET INDEX_DIR VARIANT...
SET is a folder of ../shared/eval (faq-cnil-dev, piaf-dev, orangesum-knownitem-dev),
orangesum-heldout (leads the dev set does not judge, ``bench/heldout.py``) or
orangesum-headlines (a few words of a headline, ``bench/headlines.py``); INDEX_DIR is built
on the first run and reused. Each variant is patched into the production ranking path
(``Archive.rank_ids``) in forked worker processes; ``base`` is the shipped configuration.
Example: python -m bench.relevance_variants piaf-dev /tmp/piaf base true_bm25f b075
"""

from __future__ import annotations

import functools
import importlib
import math
import multiprocessing
import re
import sys
import time
import zlib
from pathlib import Path

import numpy as np

import search.archive
import search.ranking.feedback as feedback
import search.ranking.query
import search.ranking.ranker as ranking
import search.ranking.scoring as scoring
from bench import acronyms_variant as acronyms
from bench import title_variants as tv
from bench.headlines import NAME as HEADLINES
from bench.headlines import headline_set
from bench.heldout import NAME as HELDOUT
from bench.heldout import heldout_set
from search import Archive, build_index, update_topics
from search.analysis.french import written_forms
from search.evaluation import EvalSet, is_searchable, load_eval_set, score_run
from search.store.schema import TEXT_FIELDS

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


def dirichlet(snapshot, entries, mu=300.0):
    """Query likelihood with Dirichlet smoothing over title (×2), lead (×1.5) and text."""
    weights = {"title": 2.0, "summary": 1.5, "body": 1.0}
    lengths = sum(w * snapshot.field_lengths(f) for f, w in weights.items())
    collection = float(lengths[snapshot.live].sum())
    fields_of: dict[str, list[str]] = {}
    for fieldname, text in scoring.index_terms(snapshot.statistics, entries):
        if fieldname in weights:
            fields_of.setdefault(text, []).append(fieldname)
    scores, words = np.zeros(snapshot.size), 0
    for text, fieldnames in fields_of.items():
        tf = np.zeros(snapshot.size)
        for fieldname in fieldnames:
            found = snapshot.postings(fieldname, text)
            tf[found.docs] += weights[fieldname] * found.freqs
        if tf.sum():
            docs = np.flatnonzero(tf)
            scores[docs] += np.log1p(tf[docs] / (mu * tf.sum() / collection))
            words += 1
    docs = np.flatnonzero(scores > 0)
    result = np.zeros(snapshot.size)
    result[docs] = scores[docs] + words * np.log(mu / (lengths[docs] + mu))
    if len(docs):
        # Positive, so that coordination and proximity still multiply it sensibly.
        result[docs] -= result[docs].min() - 1e-3
    return result


def coordination_power(power):
    original = scoring.coordination
    ranking.coordination = lambda snapshot, groups, *rest: (
        original(snapshot, groups, *rest) ** power
    )


def early_bonus(weight, within=50):
    """Raise articles whose text opens with the query's words (inverted pyramid)."""
    original = ranking.proximity

    def proximity(snapshot, groups, docnums):
        near = original(snapshot, groups, docnums)
        early, total = dict.fromkeys(near, 0.0), 0.0
        for group in groups:
            frequency = max([snapshot.frequency(f, t) for f, t, p in group if not p] or [1])
            rarity = math.log(1 + snapshot.size / max(frequency, 1))
            total += rarity
            for docnum, spots in ranking._group_positions(snapshot, group, docnums).items():
                if spots and spots[0] < within:
                    early[docnum] += rarity
        extra = weight / ranking.PROXIMITY_WEIGHT / (total or 1)
        return {d: near[d] + extra * early[d] for d in near}

    ranking.proximity = proximity


def long_query_only(patch):
    """Apply a patch of ``scoring._per_field``'s globals only while it scores a long query."""
    original = scoring._per_field

    def per_field(snapshot, stats, terms, *rest, **named):
        saved = {name: getattr(scoring, name) for name in patch}
        for name, value in patch.items():
            setattr(scoring, name, value)
        try:
            return original(snapshot, stats, terms, *rest, **named)
        finally:
            for name, value in saved.items():
                setattr(scoring, name, value)

    scoring._per_field = per_field


def idf_power(power):
    original = scoring.idf
    long_query_only({"idf": lambda n, df: original(n, df) ** power})


def no_long_proximity(groups=16):
    original = ranking.proximity

    def proximity(snapshot, query_groups, docnums):
        near = original(snapshot, query_groups, docnums)
        return dict.fromkeys(near, 0.0) if len(query_groups) > groups else near

    ranking.proximity = proximity


def names_weigh(factor):
    """Weigh capitalised words inside a sentence (proper names) more in coordination."""
    original_parse = search.archive.parse_query
    names: set[str] = set()

    def parse(text):
        names.clear()
        for match in re.finditer(r"(?<![.!?:«\"]\s)(?<!^)\b([A-ZÀ-Ý][\w'’-]+)", text):
            names.update(written_forms(match.group(1)))
        return original_parse(text)

    search.archive.parse_query = parse
    written_coordination(boost=lambda form: factor if form in names else 1.0)


def written_coordination(power=1.0, rarity=None, long_power=None, words=16, boost=None):
    """Coordination over written forms: (1 + share) ** power, words weighed by rarity(N, df)
    times boost(form)."""
    rarity = rarity or (lambda n, df: math.log(1 + n / df))
    boost = boost or (lambda form: 1.0)

    def coordination(snapshot, forms, *_):
        held = np.zeros(snapshot.size)
        total = 0.0
        for form in dict.fromkeys(forms):
            found = snapshot.postings("forms", form)
            if len(found.docs):
                weight = rarity(snapshot.size, len(found.docs)) * boost(form)
                held[found.docs] += weight
                total += weight
        share = held / total if total else held
        p = long_power if long_power is not None and len(set(forms)) > words else power
        return (1 + share) ** p - 1

    ranking.coordination = coordination


def forms_bm25(weight, long_only=False, words=16):
    """Add a BM25 over the words as written (lengths of the text) to the stems' BM25F."""
    original_parse, original_bm25 = search.archive.parse_query, ranking.bm25
    current: list[list[str]] = [[]]

    def parse(text):
        parsed = original_parse(text)
        current[0] = parsed.forms
        return parsed

    def bm25(snapshot, entries, *_):
        scores = original_bm25(snapshot, entries)
        forms = list(dict.fromkeys(current[0]))
        if long_only and len(forms) <= words:
            return scores
        for form in forms:
            found = snapshot.postings("forms", form)
            if len(found.docs):
                w = weight * scoring.idf(snapshot.size, len(found.docs))
                tf, norm = (
                    found.freqs,
                    scoring._norm(snapshot, snapshot.statistics, "body", found.docs),
                )
                scores[found.docs] += w * tf * (scoring.K1 + 1) / (tf + scoring.K1 * norm)
        return scores

    search.archive.parse_query = parse
    ranking.bm25 = bm25


def sentences_geomean(delta, words=16):
    """Score a pasted paragraph by the geometric mean of its sentences' BM25F (all must match)."""
    original_parse, original_bm25 = search.archive.parse_query, ranking.bm25
    current = [""]

    def parse(text):
        current[0] = text
        return original_parse(text)

    def bm25(snapshot, entries, *_):
        scores = original_bm25(snapshot, entries)
        if len({t for _, t, _ in entries}) <= words:
            return scores
        parts = [p for p in re.split(r"(?<=[.!?])\s+(?=\S)", current[0]) if p.strip()]
        parsed = [original_parse(p) for p in parts]
        parsed = [p for p in parsed if p.query is not None]
        if len(parsed) < 2:
            return scores
        logs = np.zeros(snapshot.size)
        for p in parsed:
            logs += np.log(original_bm25(snapshot, ranking.scored_entries(p.query)) + delta)
        combined = np.exp(logs / len(parsed)) - delta
        return np.where(scores > 0, np.maximum(combined, 1e-9), 0.0)

    search.archive.parse_query = parse
    ranking.bm25 = bm25


def per_field_union_idf():
    """Per-field saturation, but each word's IDF counted over articles holding it anywhere."""

    def per_field(snapshot, stats, terms, *rest, **named):
        scores = np.zeros(snapshot.size)
        holders: dict[str, set] = {}
        for fieldname, text in terms:
            found = snapshot.postings(fieldname, text).docs
            holders.setdefault(text, set()).update(found.tolist())
        for fieldname, text in terms:
            found = snapshot.postings(fieldname, text)
            if len(found.docs):
                rarity = scoring.idf(snapshot.size, len(holders[text]))
                weight = TEXT_FIELDS.get(fieldname, 1.0) * rarity
                tf, norm = found.freqs, scoring._norm(snapshot, stats, fieldname, found.docs)
                scores[found.docs] += weight * tf * (scoring.K1 + 1) / (tf + scoring.K1 * norm)
        return scores

    scoring._per_field = per_field


def passage_rarest(keep):
    """Score a passage's BM25 on its `keep` rarest words only (coordination keeps them all)."""
    original = scoring._per_field

    def per_field(snapshot, stats, terms, *rest, **named):
        frequency = {}
        for fieldname, text in terms:
            frequency[text] = max(frequency.get(text, 0), snapshot.frequency(fieldname, text))
        rarest = set(sorted(frequency, key=frequency.get)[:keep])
        return original(snapshot, stats, [(f, t) for f, t in terms if t in rarest], *rest, **named)

    scoring._per_field = per_field


def passage_fusion(weight=1.0, k=60, mu=300.0):
    """Fuse a passage's ranking with Dirichlet query likelihood by reciprocal ranks."""
    original = ranking.rank

    def rank(snapshot, parsed, allowed=None, sort=ranking.Sort.RELEVANCE):
        result = original(snapshot, parsed, allowed, sort)
        entries = ranking.scored_entries(parsed.query) if parsed.query is not None else set()
        if not result.scored or not scoring.is_passage(entries):
            return result
        docs = result.matched
        likelihood = dirichlet(snapshot, entries, mu)
        key = np.zeros(snapshot.size)
        for scores, share in ((result.key, 1.0), (likelihood, weight)):
            order = docs[np.lexsort((docs, -scores[docs]))]
            key[order] += share / (k + np.arange(1, len(order) + 1))
        return ranking.Ranking(snapshot, result.candidates, docs, key, scored=True)

    ranking.rank = rank
    search.archive.rank = rank


VARIANTS = {
    "base": lambda: None,
    # The ranking before the query's shape counted (issue 18): every query as a sentence.
    "before_shape": lambda: None,
    # The ranking before issue 18: BM25F alone for short queries, no title evidence added.
    "bm25f_alone": lambda: tv._short_only(
        lambda snapshot, terms: scoring._bm25f(snapshot, snapshot.statistics, terms)
    ),
    "always_bm25f": lambda: setattr(scoring, "LONG_QUERY", 10**6),
    "always_per_field": lambda: setattr(scoring, "LONG_QUERY", 0),
    "long_query_8": lambda: setattr(scoring, "LONG_QUERY", 8),
    "long_query_12": lambda: setattr(scoring, "LONG_QUERY", 12),
    "long_query_24": lambda: setattr(scoring, "LONG_QUERY", 24),
    "dirichlet": lambda: setattr(ranking, "bm25", dirichlet),
    "dirichlet_500": lambda: setattr(ranking, "bm25", functools.partial(dirichlet, mu=500)),
    "dirichlet_alone": lambda: (setattr(ranking, "bm25", dirichlet), coordination_power(0)),
    "no_coordination": lambda: coordination_power(0),
    "coordination_squared": lambda: coordination_power(2),
    "early": lambda: early_bonus(0.5),
    "b075": lambda: setattr(scoring, "B", 0.75),
    "k15": lambda: setattr(scoring, "K1", 1.5),
    "proximity05": lambda: setattr(ranking, "PROXIMITY_WEIGHT", 0.5),
    "no_proximity": lambda: setattr(ranking, "PROXIMITY_WEIGHT", 0.0),
    "title3": lambda: TEXT_FIELDS.update(title=3.0),
    "long_no_proximity": no_long_proximity,
    "long_idf15": lambda: idf_power(1.5),
    "long_idf2": lambda: idf_power(2.0),
    "long_k1_2": lambda: long_query_only({"K1": 2.0}),
    "long_k1_09": lambda: long_query_only({"K1": 0.9}),
    "long_b075": lambda: long_query_only({"B": 0.75}),
    "long_b1": lambda: long_query_only({"B": 1.0}),
    "long_title3": lambda: long_query_only({"TEXT_FIELDS": {**TEXT_FIELDS, "title": 3.0}}),
    "long_title15": lambda: long_query_only({"TEXT_FIELDS": {**TEXT_FIELDS, "title": 1.5}}),
    "names15": lambda: names_weigh(1.5),
    "names2": lambda: names_weigh(2.0),
    "coord_idf": lambda: written_coordination(rarity=scoring.idf),
    "coord_log2": lambda: written_coordination(rarity=lambda n, df: math.log(1 + n / df) ** 2),
    "coord_p2": lambda: written_coordination(power=2),
    "long_coord_p2": lambda: written_coordination(long_power=2),
    "long_coord_p3": lambda: written_coordination(long_power=3),
    "forms_bm25_05": lambda: forms_bm25(0.5),
    "forms_bm25_1": lambda: forms_bm25(1.0),
    "long_forms_bm25_1": lambda: forms_bm25(1.0, long_only=True),
    "sentences_1": lambda: sentences_geomean(1.0),
    "sentences_5": lambda: sentences_geomean(5.0),
    "sentences_20": lambda: sentences_geomean(20.0),
    "per_field_union_idf": per_field_union_idf,
    "passage_rarest_8": lambda: passage_rarest(8),
    "passage_rarest_12": lambda: passage_rarest(12),
    "passage_rarest_20": lambda: passage_rarest(20),
    "passage_fusion": passage_fusion,
    "passage_fusion_05": lambda: passage_fusion(0.5),
    "long_combo": lambda: (no_long_proximity(), long_query_only({"K1": 2.0, "B": 1.0})),
    "long_noprox_b1": lambda: (no_long_proximity(), long_query_only({"B": 1.0})),
    "long_noprox_k2": lambda: (no_long_proximity(), long_query_only({"K1": 2.0})),
    "long_noprox_k3_b1": lambda: (no_long_proximity(), long_query_only({"K1": 3.0, "B": 1.0})),
    "long_combo_k15": lambda: (no_long_proximity(), long_query_only({"K1": 1.5, "B": 1.0})),
    "no_sentence_signals": lambda: setattr(ranking, "SENTENCE_TERMS", 10**6),
    "sentence_terms_0": lambda: setattr(ranking, "SENTENCE_TERMS", 0),
    "sentence_terms_6": lambda: setattr(ranking, "SENTENCE_TERMS", 6),
    "sentence_terms_16": lambda: setattr(ranking, "SENTENCE_TERMS", 16),
    # The sentence weights before the title's share joined them (fifth session's fit).
    "on_base_no_title_share": lambda: ranking.SENTENCE_WEIGHTS.update(
        topic=1.25, likelihood=1.0, coordination=1.5, title=0.0
    ),
    "on_base_title_share_old_weights": lambda: ranking.SENTENCE_WEIGHTS.update(
        topic=1.25, likelihood=1.0, coordination=1.5, title=0.5
    ),
    # Issue 18: the title counts as much as titles are distinct (bench/title_variants.py).
    "tau_mix": tv.tau_mix,
    "tau_title_add": tv.tau_title_add,
    "tau_title_add_05": lambda: tv.tau_title_add(0.5),
    "shared_title": tv.shared_title,
    "shared_title_sqrt": lambda: tv.shared_title(0.5),
    "shared_title_add": lambda: tv.shared_title(mode="add"),
    "shared_title_bm25f": lambda: tv.shared_title(mode="bm25f"),
    "shared_title_w3": lambda: tv.shared_title(title_weight=3.0),
    "shared_title_w4": lambda: tv.shared_title(title_weight=4.0),
    "shared_title_b05": lambda: tv.shared_title(title_b=0.5),
    "shared_title_b03": lambda: tv.shared_title(title_b=0.3),
    "shared_title_w3_b05": lambda: tv.shared_title(title_weight=3.0, title_b=0.5),
    "per_field_w3": lambda: tv.per_field_title(title_weight=3.0),
    "per_field_b05": lambda: tv.per_field_title(title_b=0.5),
    "title_proximity": tv.title_proximity,
    "title_proximity_all": lambda: tv.title_proximity(shared=False),
    "shared_title_tprox": lambda: (tv.shared_title(), tv.title_proximity()),
    "shared_title_sqrt_tprox": lambda: (tv.shared_title(0.5), tv.title_proximity()),
    "tau_mix_tprox": lambda: (tv.tau_mix(), tv.title_proximity()),
    "shared_title_noprox": lambda: (tv.shared_title(), no_long_proximity(0)),
    "tau_mix_noprox": lambda: (tv.tau_mix(), no_long_proximity(0)),
    "tau_path": tv.tau_path,
    "tau_path_sq": lambda: tv.tau_path(power=2.0),
    "tau_path_tprox": lambda: tv.tau_path(title_prox=True),
    "tau_path_w3": lambda: tv.tau_path(title_weight=3.0),
    "tau_path_w15": lambda: tv.tau_path(title_weight=1.5),
    "tau_path_b05": lambda: tv.tau_path(title_b=0.5),
    "tau_path_b075": lambda: tv.tau_path(title_b=0.75),
    "tau_path_cover": tv.tau_path_by_length,
    "tau_path_upto6": lambda: tv.tau_path_by_length(cover=False),
    "tau_path_upto8": lambda: tv.tau_path_by_length(cover=False, words=8),
    "tau_path_upto0": lambda: tv.tau_path_by_length(cover=False, words=0),
    "tau_union": tv.tau_union,
    "tau_union_path": lambda: tv.tau_union(scale_proximity=True),
    "tau_union_tprox": lambda: tv.tau_union(title_prox=True),
    "tau_mix_tprox_all": lambda: (tv.tau_mix(), tv.title_proximity(shared=False)),
    "tau_title_add_025": lambda: tv.tau_title_add(0.25),
    "tau_title_add_tprox": lambda: (tv.tau_title_add(), tv.title_proximity(shared=False)),
    # Issue 18, by the query's shape: questions and a few words by one path, sentences by base.
    "shape_tau_path": tv.shape_route,
    "acronyms": acronyms.expand,
    "acronyms_025": lambda: acronyms.expand(0.25),
    "acronyms_1": lambda: acronyms.expand(1.0),
    "shape_acronyms": lambda: acronyms.expand(inner=tv.shape_route),
    "shape_acronyms_025": lambda: acronyms.expand(0.25, inner=tv.shape_route),
    "shape_acronyms_1": lambda: acronyms.expand(1.0, inner=tv.shape_route),
    "shape_acr_match": lambda: acronyms.expand_all(
        inner=tv.shape_route, variants=False, match=True
    ),
    "shape_variants": lambda: acronyms.expand_all(inner=tv.shape_route, acronyms=False),
    "shape_variants_match": lambda: acronyms.expand_all(
        inner=tv.shape_route, acronyms=False, match=True
    ),
    "shape_both": lambda: acronyms.expand_all(inner=tv.shape_route),
    "shape_both_match": lambda: acronyms.expand_all(inner=tv.shape_route, match=True),
    "shape_both_match_05": lambda: acronyms.expand_all(0.5, inner=tv.shape_route, match=True),
    "shape_both_about": lambda: acronyms.expand_all(
        0.5, inner=tv.shape_route, match=True, about=True
    ),
    **{
        f"on_base_feedback_words_{n}": functools.partial(setattr, feedback, "FEEDBACK_WORDS", n)
        for n in (3, 5, 8, 12)
    },
    # Every word of the best titles fed back, as before the rarest eight were chosen.
    "on_base_feedback_all_words": lambda: setattr(feedback, "FEEDBACK_WORDS", None),
    # How many of the best matches proximity, feedback and the sentence signals reorder.
    **{
        f"on_base_window_{n}": functools.partial(setattr, ranking, "RESCORE_WINDOW", n)
        for n in (100, 300, 400)
    },
    # The shipped expansions without the best titles' words fed back (what they cost at 360k).
    "on_base_no_title_feedback": lambda: setattr(
        ranking, "feedback_words", lambda snapshot, best, entries, stats: []
    ),
}

# Variants that start from the shipped ranking; every other one patches the ranking of before
# the query's shape counted (issue 18), so that its numbers in docs/RELEVANCE.md reproduce.
SHIPPED = ("base", "on_base_")


def _before_shape() -> None:
    """Rank every query as a sentence, as before the shape counted, whatever BM25 is patched in."""
    # parse_query reads the shape through these two names (query.py imports them).
    search.ranking.query.is_question = search.ranking.query.is_keywords = lambda text: False
    patched = ranking.bm25
    # One index's own statistics: what every variant but the shipped one was measured with.
    ranking.bm25 = lambda snapshot, entries, about=False, stats=None: patched(snapshot, entries)


_archive: Archive | None = None


def _open(folder: str) -> None:
    global _archive
    _archive = Archive(folder)


def _rank(task: tuple[str, str, int]) -> tuple[str, list[tuple[str, float]]]:
    qid, text, depth = task
    return qid, _archive.rank_ids(text, depth)


def open_set(name: str, folder: str) -> tuple[EvalSet, list[tuple[str, str]]]:
    """Return a relevance set and its searchable queries; index it in folder unless done.

    ``orangesum-heldout`` and ``orangesum-headlines`` search the same articles as
    orangesum-knownitem-dev, so the three can share one index folder.
    """
    if name in (HELDOUT, HEADLINES):
        eval_set = heldout_set() if name == HELDOUT else headline_set()
    else:
        eval_set = load_eval_set(EVAL / name)
    if not list(Path(folder).glob("_MAIN_*.toc")):
        build_index(Path(folder), eval_set.articles)
        update_topics(folder)
    return eval_set, [(q, t) for q, t in eval_set.queries.items() if is_searchable(t)]


def rank_all(folder: str, tasks: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Return the 100 best article ids of each query, ranked by two forked processes."""
    return {q: [doc for doc, _ in hits] for q, hits in rank_scored(folder, tasks, 100).items()}


def rank_scored(
    folder: str, tasks: list[tuple[str, str]], depth: int
) -> dict[str, list[tuple[str, float]]]:
    """Return the depth best (article id, score) of each query, ranked by two processes."""
    # Forked workers inherit the patched modules.
    with multiprocessing.get_context("fork").Pool(2, _open, (folder,)) as pool:
        jobs = [(qid, text, depth) for qid, text in tasks]
        return dict(pool.imap(_rank, jobs, chunksize=16))


def main(name: str, folder: str, variants: list[str]) -> None:
    eval_set, tasks = open_set(name, folder)
    for variant in variants:
        importlib.reload(scoring)
        importlib.reload(ranking)
        importlib.reload(search.ranking.query)
        importlib.reload(search.archive)
        TEXT_FIELDS.update(title=2.0)
        VARIANTS[variant]()
        if not variant.startswith(SHIPPED):
            _before_shape()
        started = time.perf_counter()
        run = {qid: ranked for qid, ranked in rank_all(folder, tasks).items() if ranked}
        metrics = score_run(eval_set.qrels, run)
        shown = " / ".join(f"{metrics[m]:.4f}" for m in ("nDCG@10", "MRR@10", "R@100"))
        # Two halves of the queries: a change that helps both is less likely a fit to noise.
        halves = [
            score_run(
                {q: r for q, r in eval_set.qrels.items() if zlib.crc32(q.encode()) % 2 == h}, run
            )
            for h in (0, 1)
        ]
        split = " | ".join(f"{half['nDCG@10']:.3f}" for half in halves)
        took = time.perf_counter() - started
        print(f"{name} {variant}: {shown} (halves {split}; {took:.0f} s)", flush=True)


if __name__ == "__main__":
    if len(sys.argv) < 4 or not set(sys.argv[3:]) <= VARIANTS.keys():
        names = ", ".join(VARIANTS)
        sys.exit(f"usage: python -m bench.relevance_variants SET INDEX_DIR VARIANT... ({names})")
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
