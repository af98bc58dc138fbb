"""Searching a real index: stemming, accents, elisions, syntax, filters, facets, pages."""

from datetime import date

import pytest
from bs4 import BeautifulSoup

from conftest import ARTICLES, write_jsonl
from search import Archive, ArticleNotFound, Filters, QueryError, Sort, index_files


def ids(results):
    return [hit.id for hit in results.hits]


def marked(html):
    return [m.get_text() for m in BeautifulSoup(html, "html.parser").find_all("mark")]


def test_query_without_accents_finds_accented_words_and_marks_them_as_written(archive):
    results = archive.search_articles("cybersecurite")
    assert set(ids(results)) == {"cyber-1", "cyber-2", "hostile-1"}
    first = next(h for h in results.hits if h.id == "cyber-1")
    assert marked(first.snippet) == ["cybersécurité"]
    assert marked(first.title_html) == ["Cybersécurité"]


def test_plural_query_finds_singular_and_plural(archive):
    assert set(ids(archive.search_articles("retraité"))) == {"retraites-1", "retraites-2"}


def test_elided_word_is_found_by_the_bare_word(archive):
    results = archive.search_articles("été")
    assert ids(results) == ["ete-1"]
    assert marked(results.hits[0].title_html) == ["été"]


def test_hyphenated_query_finds_joined_hyphenated_and_split_forms(archive):
    assert set(ids(archive.search_articles("cyber-sécurité"))) >= {"cyber-1", "cyber-2", "cyber-3"}


def test_quoted_split_form_finds_the_joined_word(archive):
    found = set(ids(archive.search_articles('"cyber sécurité"')))
    assert {"cyber-1", "cyber-2", "cyber-3"} <= found


def test_phrase_requires_the_words_together(archive):
    assert ids(archive.search_articles('"réforme des retraites"')) == ["retraites-1"]


def test_article_holding_every_word_ranks_first(archive):
    results = archive.search_articles("réforme retraites")
    assert ids(results)[0] == "retraites-1"
    assert set(ids(results)) == {"retraites-1", "retraites-2"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("réforme -chômage", {"retraites-1"}),
        ("réforme SAUF chômage", {"retraites-1"}),
        ("réforme NOT chômage", {"retraites-1"}),
        ("+chômage retraites", {"retraites-2"}),
        ("réforme AND chômage", {"retraites-2"}),
        ("réforme ET chômage", {"retraites-2"}),
        ("chaleur OR chômage", {"ete-1", "retraites-2"}),
        ("chaleur OU chômage", {"ete-1", "retraites-2"}),
        ("(chaleur OU chômage) ET record", {"ete-1"}),
    ],
)
def test_boolean_operators_in_english_and_french(archive, query, expected):
    assert set(ids(archive.search_articles(query))) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("titre:hôpitaux", {"cyber-1"}),
        ("auteur:dubois", {"cyber-1", "cyber-3"}),
        ('auteur:"Claire Dubois"', {"cyber-1", "cyber-3"}),
        ("rubrique:economie", {"retraites-2"}),
        ("tag:rancongiciel", {"cyber-1"}),
        ("source:gazette", {"cyber-3"}),
    ],
)
def test_field_restrictions(archive, query, expected):
    assert set(ids(archive.search_articles(query))) == expected


def test_prefix_matches_stems_of_longer_words(archive):
    assert set(ids(archive.search_articles("sécuri*"))) == {"cyber-2", "cyber-3"}
    assert set(ids(archive.search_articles("cyber*"))) >= {"cyber-1", "cyber-2", "cyber-3"}


def test_broken_syntax_falls_back_to_plain_words_and_says_so(archive):
    results = archive.search_articles('(réforme OR "retraites')
    assert results.syntax_fallback
    assert set(ids(results)) == {"retraites-1", "retraites-2"}
    assert not archive.search_articles("réforme retraites").syntax_fallback


def test_query_of_function_words_only_finds_nothing(archive):
    assert archive.search_articles("le la les").total == 0


@pytest.mark.parametrize("query", ["", "*"])
def test_empty_query_lists_every_article_newest_first(archive, query):
    results = archive.search_articles(query)
    assert results.total == 7
    dates = [hit.published for hit in results.hits]
    assert dates == sorted(dates, reverse=True)


def test_filters_combine_facets_and_alternatives_within_one(archive):
    filters = Filters(sections=("Cybersécurité", "Culture"), authors=("Claire Dubois",))
    assert set(ids(archive.search_articles("cyber-sécurité", filters))) == {"cyber-1", "cyber-3"}
    by_year = archive.search_articles("", Filters(years=(2023,)))
    assert set(ids(by_year)) == {"retraites-1", "retraites-2"}
    by_tag = archive.search_articles("", Filters(tags=("rançongiciel",)))
    assert ids(by_tag) == ["cyber-1"]


def test_date_range_is_exact_to_the_day(archive):
    march = Filters(date_from=date(2023, 3, 1), date_to=date(2023, 6, 30))
    assert ids(archive.search_articles("réforme", march)) == ["retraites-1"]
    last_day = Filters(date_from=date(2023, 2, 10), date_to=date(2023, 2, 10))
    assert ids(archive.search_articles("", last_day)) == ["retraites-2"]


def test_reversed_date_range_is_refused(archive):
    with pytest.raises(QueryError):
        archive.search_articles("", Filters(date_from=date(2024, 1, 1), date_to=date(2023, 1, 1)))


def test_chosen_facet_keeps_offering_its_other_values(archive):
    results = archive.search_articles("cybersécurité", Filters(sections=("Numérique",)))
    sections = next(f for f in results.facets if f.name == "section")
    assert [h.id for h in results.hits] == ["hostile-1"]
    assert {v.value: v.count for v in sections.values} == {"Cybersécurité": 2, "Numérique": 1}


def test_facets_count_every_match_not_only_the_page(archive):
    results = archive.search_articles("cybersécurité", per_page=1)
    facets = {f.name: {v.value: v.count for v in f.values} for f in results.facets}
    assert len(results.hits) == 1
    assert facets["section"] == {"Cybersécurité": 2, "Numérique": 1}
    assert facets["author"] == {"Claire Dubois": 1, "Karim Haddad": 1, "Rédaction": 1}
    assert facets["year"] == {"2020": 1, "2021": 1, "2022": 1}
    assert facets["tags"] == {"rançongiciel": 1, "hôpitaux": 1, "collectivités": 1, "formation": 1}


def test_pages_are_disjoint_and_cover_all_results(archive):
    pages = [archive.search_articles("", page=n, per_page=3) for n in (1, 2, 3)]
    seen = [i for page in pages for i in ids(page)]
    assert len(seen) == len(set(seen)) == 7
    assert pages[0].pages == 3
    assert archive.search_articles("", page=4, per_page=3).hits == ()


@pytest.mark.parametrize(("page", "per_page"), [(0, 10), (-1, 10), (1, 0), (1, 101)])
def test_out_of_range_paging_is_refused(archive, page, per_page):
    with pytest.raises(QueryError):
        archive.search_articles("réforme", page=page, per_page=per_page)


def test_sort_by_date_both_ways(archive):
    newest = ids(archive.search_articles("réforme", sort=Sort.NEWEST))
    oldest = ids(archive.search_articles("réforme", sort=Sort.OLDEST))
    assert newest == ["retraites-1", "retraites-2"]
    assert oldest == ["retraites-2", "retraites-1"]


def test_snippets_and_titles_escape_the_article_html(archive):
    hit = archive.search_articles("cybersécurité piégé").hits[0]
    assert hit.id == "hostile-1"
    assert "<script>" not in hit.snippet and "<b>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<script>" not in hit.title_html
    soup = BeautifulSoup(hit.snippet, "html.parser")
    assert [tag.name for tag in soup.find_all(True)] == ["mark"]


def test_article_found_by_its_title_alone_shows_its_lead_and_marks_the_title(tmp_path):
    article = {
        "id": "titre-seul",
        "title": "Cybersécurité : les hôpitaux visés",
        "summary": "Trois établissements ont dû basculer en mode dégradé cette semaine.",
        "body": "Les urgences ont fonctionné sur papier. " * 30,
        "published": "2024-03-01",
    }
    index_files(tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", [article])])
    hit = Archive(tmp_path / "ix").search_articles("cybersécurité").hits[0]
    assert marked(hit.title_html) == ["Cybersécurité"]
    assert hit.snippet == article["summary"]
    # A word of the lead is shown in the lead rather than in the text's opening.
    hit = Archive(tmp_path / "ix").search_articles("établissements").hits[0]
    assert marked(hit.snippet) == ["établissements"]


@pytest.mark.parametrize(
    "body",
    [
        "Un paragraphe sur la cybersécurité.\n\n   Un autre, sur la cybersécurité encore.",
        "Une ligne sur la cybersécurité.\r\nUne autre sur la cybersécurité.\n\n\nUne dernière.",
        "Sans le mot cherché.\n\nDeuxième paragraphe.\n\nTroisième paragraphe.",
    ],
)
def test_snippet_is_one_line_though_the_text_has_blank_lines(tmp_path, body):
    article = {"id": "a", "title": "Cybersécurité", "body": body, "published": "2024-03-01"}
    index_files(tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", [article])])
    archive = Archive(tmp_path / "ix")
    snippet = archive.search_articles("cybersécurité").hits[0].snippet
    assert "\n" not in snippet and "\r" not in snippet and "  " not in snippet
    # The article page keeps the paragraphs the snippet joined.
    paragraphs = archive.view_article("a").paragraphs_html
    assert len(paragraphs) == len([p for p in body.splitlines() if p.strip()])


def test_ete_finds_the_summer_not_the_participle(tmp_path):
    articles = [
        {
            "id": "elu",
            "title": "Municipales",
            "body": "Le maire a été élu dimanche.",
            "published": "2024-03-01",
        },
        {
            "id": "ete",
            "title": "Vacances",
            "body": "Les vacances d’été commencent.",
            "published": "2024-07-01",
        },
        {
            "id": "cet",
            "title": "Canicule",
            "body": "Cet été, il a fait chaud.",
            "published": "2024-08-01",
        },
    ]
    index_files(tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", articles)])
    archive = Archive(tmp_path / "ix")
    assert set(ids(archive.search_articles("été"))) == {"ete", "cet"}
    assert ids(archive.search_articles('"a été élu"')) == ["elu"]


def test_article_is_returned_whole_and_unknown_id_is_an_error(archive):
    article = archive.get_article("cyber-2")
    assert article.tags == ("collectivités", "formation")
    assert article.section == "Cybersécurité"
    with pytest.raises(ArticleNotFound):
        archive.get_article("nope")


def test_stats_describe_the_index(archive):
    stats = archive.stats()
    assert stats.documents == 7
    assert stats.first_published.year == 2019 and stats.last_published.year == 2023
    assert {v.value: v.count for v in stats.sections}["Cybersécurité"] == 2


def test_tag_facets_and_filters_read_across_many_segments(tmp_path):
    source = write_jsonl(tmp_path / "a.jsonl", ARTICLES)
    index_files(tmp_path / "ix", [source], batch_size=1)
    archive = Archive(tmp_path / "ix")
    results = archive.search_articles("", Filters(sections=("Cybersécurité",)))
    tags = next(f for f in results.facets if f.name == "tags")
    assert {h.id for h in results.hits} == {"cyber-1", "cyber-2"}
    assert {v.value: v.count for v in tags.values} == {
        "rançongiciel": 1,
        "hôpitaux": 1,
        "collectivités": 1,
        "formation": 1,
    }
    assert [h.id for h in archive.search_articles("", Filters(tags=("hôpitaux",))).hits] == [
        "cyber-1"
    ]
    archive.close()


def test_stats_count_an_undated_article_and_keep_the_dated_range(tmp_path):
    undated = {"id": "sans-date", "title": "Brève sans date", "text": "Un texte court."}
    source = write_jsonl(tmp_path / "a.jsonl", [*ARTICLES, undated])
    index_files(tmp_path / "ix", [source])
    archive = Archive(tmp_path / "ix")
    stats = archive.stats()
    archive.close()
    assert stats.documents == len(ARTICLES) + 1
    assert (stats.first_published.year, stats.last_published.year) == (2019, 2023)
