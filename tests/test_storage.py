"""Fouille's segments: plain Whoosh still reads them, merges keep every posting, few segments."""

import json
import random

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq

from conftest import ROOT, SHARED, write_jsonl
from search import Archive, IndexIncompatible, delete_articles, index_files
from search.analysis.french import FrenchAnalyzer, WordAnalyzer, index_terms, vocabulary_words
from search.ingest import fingerprint, read_articles
from search.store import lexicon
from search.store.building import build_segment
from search.store.codec import arrays_of
from search.store.index import create_index, open_index
from search.store.merging import FACTOR, merge_segments
from search.store.schema import build_schema

SAMPLE = ROOT / "data" / "articles.jsonl"


def sample_articles() -> list:
    return [article for _, article in read_articles(SAMPLE)]


def test_plain_whoosh_opens_the_index_and_answers_term_and_phrase_queries(tmp_path):
    index_files(tmp_path, [SAMPLE])
    expected = {
        a.id for a in sample_articles() if "réforme des retraites" in a.body.lower()
    }  # fmt: skip
    with whoosh_index.open_dir(str(tmp_path)).searcher() as searcher:
        term = {hit["id"] for hit in searcher.search(wq.Term("body", "retrait"), limit=None)}
        phrase = wq.Phrase("body", ["reform", "retrait"])
        found = {hit["id"] for hit in searcher.search(phrase, limit=None)}
        assert searcher.document(id="fouille-049")["title"].startswith("Réforme des retraites")
    assert expected and expected <= found <= term
    retraite = {a.id for a in sample_articles() if "retrait" in index_terms(a.body)[0]}
    assert term == retraite


def test_merged_segment_holds_what_one_segment_of_its_live_articles_holds(tmp_path):
    documents = [(a, fingerprint(a)) for a in sample_articles()]
    parts = [documents[:20], documents[20:45], documents[45:]]
    segments = [build_segment(tmp_path, "MAIN", part) for part in parts]
    gone = set(random.Random(3).sample(range(len(documents)), 9))
    offset = 0
    for segment, part in zip(segments, parts, strict=True):
        for docnum in range(len(part)):
            if offset + docnum in gone:
                segment.delete_document(docnum)
        offset += len(part)
    merged = arrays_of(tmp_path, merge_segments(tmp_path, "MAIN", segments))
    live = [d for number, d in enumerate(documents) if number not in gone]
    single = arrays_of(tmp_path, build_segment(tmp_path, "MAIN", live))
    assert merged.meta == single.meta
    assert set(merged.arrays) == set(single.arrays)
    for name in single.arrays:
        assert np.array_equal(merged.arrays[name], single.arrays[name]), name
    assert merged.stored_fields(5) == single.stored_fields(5)


def test_segment_is_the_same_when_the_lexicon_starts_again_between_batches(tmp_path, monkeypatch):
    documents = [(a, fingerprint(a)) for a in sample_articles()]
    first = arrays_of(tmp_path, build_segment(tmp_path, "MAIN", documents))
    # A table this small is full after each batch: every batch starts from an empty one.
    monkeypatch.setattr(lexicon, "MAX_WORDS", 50)
    build_segment(tmp_path, "MAIN", documents[:30])
    again = arrays_of(tmp_path, build_segment(tmp_path, "MAIN", documents))
    for name in first.arrays:
        assert np.array_equal(first.arrays[name], again.arrays[name]), name


def test_segments_stay_few_as_commits_pile_up(tmp_path):
    records = [json.loads(line) for line in SAMPLE.read_text("utf-8").splitlines()]
    for start in range(0, 64, 4):
        batch = [dict(r, id=f"{r['id']}-{start}") for r in records[start : start + 4]]
        index_files(tmp_path, [write_jsonl(tmp_path / f"b{start}.jsonl", batch)])
    assert len(open_index(tmp_path)._segments()) < FACTOR
    assert Archive(tmp_path).count() == 64


def test_deleted_articles_leave_the_segments_at_the_next_merge(tmp_path):
    index_files(tmp_path, [SAMPLE])
    delete_articles(tmp_path, [f"fouille-{n:03d}" for n in range(1, 50)])
    # More than half deleted: the segment is merged on its own, its deletions dropped.
    [segment] = open_index(tmp_path)._segments()
    assert (segment.doc_count_all(), segment.deleted_count()) == (64 - 49, 0)
    assert Archive(tmp_path).search_articles("retraites").total > 0


def test_index_written_by_whoosh_itself_asks_for_a_rebuild(tmp_path):
    ix = create_index(tmp_path)
    with ix.writer() as writer:
        writer.add_document(id="a", title="Un titre", body="Un texte.")
    with pytest.raises(IndexIncompatible, match="fouille index --rebuild"):
        open_index(tmp_path)


def real_articles(count: int) -> list:
    corpus = SHARED / "corpus" / "orangesum.jsonl.gz"
    if not corpus.exists():
        pytest.skip(f"{corpus} is absent: the comparison runs on the sample corpus only")
    found = []
    for _, article in read_articles(corpus):
        found.append(article)
        if len(found) == count:
            return found
    return found


@pytest.mark.parametrize("source", ["sample", "4,000 real articles"])
def test_fast_analysis_gives_the_analyzers_tokens(source):
    articles = sample_articles() if source == "sample" else real_articles(4000)
    french, words = FrenchAnalyzer(), WordAnalyzer()
    for article in articles:
        for text in (article.title, article.summary, article.body):
            slow = [(t.text, t.pos) for t in french(text, positions=True)]
            assert list(zip(*index_terms(text), strict=True)) == slow, article.id
        heading = f"{article.title}\n{article.summary}"
        assert vocabulary_words(heading) == [t.text for t in words(heading)], article.id


def test_whoosh_schema_of_the_index_is_the_one_fouille_builds(tmp_path):
    index_files(tmp_path, [SAMPLE])
    assert set(open_index(tmp_path).schema.names()) == set(build_schema().names())
