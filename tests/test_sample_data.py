"""The sample corpus in data/ and, when present, the real corpus in ../shared/ index and search."""

import gzip
import itertools

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, SHARED
from search import Archive, index_files

CORPUS = SHARED / "corpus" / "orangesum.jsonl.gz"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    report = index_files(folder, [ROOT / "data"])
    archive = Archive(folder)
    yield report, archive
    archive.close()


def test_sample_corpus_indexes_without_error(sample):
    report, archive = sample
    assert report.skipped == [] and report.passed_over == []
    assert archive.count() == report.added >= 60


def test_sample_search_without_accents_finds_cybersecurity_articles_highlighted(sample):
    _, archive = sample
    results = archive.search_articles("cybersecurite", per_page=20)
    assert results.total >= 8
    sections = {v.value for f in results.facets if f.name == "section" for v in f.values}
    assert "Cybersécurité" in sections
    marks = {
        m.get_text().lower()
        for hit in results.hits
        for m in BeautifulSoup(hit.snippet + hit.title_html, "html.parser").find_all("mark")
    }
    assert "cybersécurité" in marks


def test_sample_csv_briefs_use_aliases_and_french_dates(sample):
    _, archive = sample
    briefs = archive.search_articles("", per_page=100)
    from_csv = [h for h in briefs.hits if "echos-du-midi.example/breves" in h.url]
    assert len(from_csv) == 8
    assert all(h.published is not None and h.section for h in from_csv)


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    if not CORPUS.exists():
        pytest.skip(f"real corpus not found at {CORPUS}")
    folder = tmp_path_factory.mktemp("real")
    lines = list(itertools.islice(gzip.open(CORPUS, "rt", encoding="utf-8"), 400))
    (folder / "slice.jsonl").write_text("".join(lines), "utf-8")
    index_files(folder / "ix", [folder / "slice.jsonl"])
    archive = Archive(folder / "ix")
    yield archive
    archive.close()


def test_real_articles_index_with_sections_normalised(real):
    stats = real.stats()
    assert stats.documents == 400
    labels = [s.value for s in stats.sections]
    assert "france" not in labels and "societe/people" not in labels


def test_real_glued_sentences_are_searchable_by_either_word(real):
    # About two thirds of the real bodies glue sentences: orangesum-2 has "jeudi.Le gouvernement".
    assert "jeudi.Le gouvernement" in real.get_article("orangesum-2").body
    results = real.search_articles('"jeudi le gouvernement avait"')
    hit = next(hit for hit in results.hits if hit.id == "orangesum-2")
    assert "<mark>jeudi</mark>.Le <mark>gouvernement</mark>" in hit.snippet
