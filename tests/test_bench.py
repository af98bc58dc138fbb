"""The benchmark's corpus scaler and query sets: what its figures rest on."""

from __future__ import annotations

from pathlib import Path

from bench.corpus import read_records, scaled
from bench.querysets import filtered_queries, keyword_queries
from search.store.duplicates import THRESHOLD, signature, similarity

DATA = Path(__file__).resolve().parents[1] / "data" / "articles.jsonl"


def _records() -> list[dict]:
    """Return the sample articles with the field names of the real corpus the bench reads."""
    return [dict(r, text=r["body"], date=r["published"][:10]) for r in read_records(DATA)]


def test_scaled_corpus_keeps_the_originals_and_gives_copies_new_ids():
    records = _records()
    corpus = scaled(records, len(records) * 3 + 5)
    assert corpus[: len(records)] == records
    assert len({record["id"] for record in corpus}) == len(corpus)
    assert [r["title"] for r in corpus[len(records) :]][:3] == [r["title"] for r in records[:3]]


def test_scaled_copies_are_not_duplicates_of_their_original():
    records = _records()
    corpus = scaled(records, len(records) * 2)
    pairs = zip(records, corpus[len(records) :], strict=True)
    scores = [similarity(signature(a["text"]), signature(b["text"])) for a, b in pairs]
    assert max(scores) < THRESHOLD


def test_query_sets_are_the_same_on_every_run():
    records = _records()
    assert keyword_queries(records, 50) == keyword_queries(records, 50)
    assert len(filtered_queries(records, 20)) == 20
    assert all(1 <= len(q.text.split()) <= 2 for q in keyword_queries(records, 50))
