"""Indexing with several writer processes gives the index one process gives."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from conftest import write_jsonl
from search import Archive, IndexIncompatible, build_index, index_files
from search.ingest import read_articles
from search.store.schema import build_schema

DATA = Path(__file__).resolve().parents[1] / "data" / "articles.jsonl"
QUERIES = ["cybersécurité", "réforme des retraites", '"gilets jaunes"', "climat OU énergie"]


def _many_articles(tmp_path: Path, copies: int = 4) -> Path:
    """Write the sample articles several times over with new ids: enough for two processes."""
    records = [json.loads(line) for line in DATA.read_text("utf-8").splitlines() if line]
    many = [
        dict(record, id=f"{record['id']}-{copy}", url=f"{record.get('url', '')}?{copy}")
        for copy in range(copies)
        for record in records
    ]
    return write_jsonl(tmp_path / "many.jsonl", many)


def _answers(index_dir: Path) -> list:
    archive = Archive(index_dir)
    pages = [archive.search_articles(q, per_page=100, collapse=False) for q in QUERIES]
    archive.close()
    return [
        (page.total, sorted(hit.id for hit in page.hits), [f.values for f in page.facets])
        for page in pages
    ]


def test_two_processes_index_what_one_process_indexes(tmp_path):
    source = _many_articles(tmp_path)
    one = index_files(tmp_path / "one", [source], rebuild=True, procs=1)
    two = index_files(tmp_path / "two", [source], rebuild=True, procs=2)
    assert (two.added, two.duplicates.clustered) == (one.added, one.duplicates.clustered)
    assert _answers(tmp_path / "two") == _answers(tmp_path / "one")


def test_interrupted_parallel_build_keeps_nothing_and_stops_its_processes(tmp_path):
    articles = [item for _, item in read_articles(_many_articles(tmp_path))]

    def interrupted():
        yield from articles
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_index(tmp_path / "ix", interrupted(), batch_size=10_000, procs=2)
    assert multiprocessing.active_children() == []
    assert not list((tmp_path / "ix").glob("*.toc")) or Archive(tmp_path / "ix").count() == 0


def test_index_from_a_version_without_written_forms_asks_for_a_rebuild(tmp_path):
    schema = build_schema()
    schema.remove("forms")
    whoosh_index.create_in(str(tmp_path), schema)
    with pytest.raises(IndexIncompatible, match=r"fouille index --rebuild"):
        Archive(tmp_path)
