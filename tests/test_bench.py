"""The benchmark's corpus scaler and query sets: what its figures rest on."""

from __future__ import annotations

import gzip
from pathlib import Path

from bench.corpus import read_records, scaled
from bench.querysets import Query, filtered_queries, keyword_queries
from bench.serving import COMMIT_ARTICLES, EXPORT_QUERY, measure_serving
from search import Archive, index_files
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


def test_serving_measure_reads_every_figure_from_a_real_site(tmp_path):
    # make bench ends each size with this; a failure there would lose an hour's run.
    folder, corpus = tmp_path / "ix", tmp_path / "corpus.jsonl.gz"
    index_files(folder, [DATA])
    with gzip.open(corpus, "wt", encoding="utf-8") as out:
        out.writelines(line + "\n" for line in DATA.read_text(encoding="utf-8").splitlines())
    queries = [Query(word) for word in ("climat", "retraites", "football")] * 14
    found = measure_serving(folder, corpus, queries, seconds=1.0)
    assert Archive(folder).count() == len(_records()) + COMMIT_ARTICLES
    assert all(0 < found[key] < 60_000 for key in ("first_query_ms", "after_commit_ms"))
    assert len(found["workers"]) == 2
    assert all(0 < w["private_dirty_mb"] <= w["uss_mb"] <= w["rss_mb"] for w in found["workers"])
    assert found["trends_ms"]["p95"] > 0 and found["concordance_ms"]["p95"] > 0
    assert found["export"]["rows"] == Archive(folder).search_articles(EXPORT_QUERY).total
