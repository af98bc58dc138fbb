"""What one request may cost: wildcards capped to their most frequent words, a time budget."""

import pytest
from bs4 import BeautifulSoup

from conftest import write_jsonl
from search import MAX_EXPANSIONS, MAX_WILDCARDS, Archive, index_files
from web import create_app

# Words beginning with "zorg": zorg0 in 1 article, zorg1 in 2, … so frequency ranks them.
WORDS = [f"zorg{n:03d}" for n in range(MAX_EXPANSIONS + 10)]


@pytest.fixture(scope="module")
def wild_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wild")
    records = [
        {"id": f"w{n}", "title": f"Article {n}", "text": " ".join(WORDS[n // 4 :])}
        for n in range(4 * len(WORDS))
    ]
    records.append({"id": "rare", "title": "Rare", "text": f"{WORDS[0]} seulement"})
    index_files(folder, [write_jsonl(folder.parent / "wild.jsonl", records)])
    return folder


def test_wildcard_stands_for_its_most_frequent_words_and_says_so(wild_index):
    archive = Archive(wild_index)
    results = archive.search_articles("zorg*", per_page=100, collapse=False)
    # The article holding only the rarest zorg word is not found: that word was left out.
    assert results.wildcards_capped
    assert results.total == 4 * len(WORDS)
    archive.close()


def test_wildcard_with_few_words_searches_them_all(wild_index):
    archive = Archive(wild_index)
    results = archive.search_articles("zorg00*", per_page=100, collapse=False)
    assert not results.wildcards_capped
    assert results.total == 4 * 10 + 1
    assert "rare" in {hit.id for hit in results.hits}
    archive.close()


def test_wildcards_beyond_the_cap_are_searched_as_typed(archive):
    query = " ".join(["zzz*"] * MAX_WILDCARDS + ["retraites*"])
    results = archive.search_articles(query)
    # "retraites*", the ninth wildcard, is searched as the word "retraites".
    assert results.wildcards_capped
    assert {hit.id for hit in results.hits} == {"retraites-1", "retraites-2"}


def test_search_out_of_time_answers_with_what_it_has_flagged_partial(index_dir):
    archive = Archive(index_dir, time_budget=1e-9)
    results = archive.search_articles("réforme des retraites")
    assert results.partial
    trends = archive.trends(["retraites"])
    concordance = archive.concordance("retraites")
    assert trends.partial and concordance.partial
    archive.close()


def test_search_within_its_time_is_not_partial(archive):
    assert not archive.search_articles("réforme des retraites").partial


@pytest.mark.parametrize(
    ("path", "notice"),
    [
        ("/recherche?q=retraites", "partial"),
        ("/tendances?q=retraites", "partial"),
        ("/concordance?q=retraites", "partial"),
    ],
)
def test_page_out_of_time_tells_the_reader(index_dir, path, notice):
    app = create_app({"INDEX": str(index_dir), "TESTING": True, "TIME_BUDGET": 1e-9})
    page = BeautifulSoup(app.test_client().get(path).get_data(as_text=True), "html.parser")
    [shown] = page.select(f"p.notice.{notice}")
    assert "incomplet" in shown.get_text()


def test_api_flags_a_capped_wildcard(wild_index):
    client = create_app({"INDEX": str(wild_index), "TESTING": True}).test_client()
    body = client.get("/api/search?q=zorg*").get_json()
    assert body["wildcards_capped"] is True and body["partial"] is False
    page = BeautifulSoup(client.get("/recherche?q=zorg*").get_data(as_text=True), "html.parser")
    assert f"{MAX_EXPANSIONS} mots les plus fréquents" in page.select_one("p.notice.capped").text
