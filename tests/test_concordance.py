"""Concordance: each occurrence of the query's words as written, in context, sorted and paged."""

import re

import pytest
from bs4 import BeautifulSoup

from search import ConcordanceSort, MissingQuery, analyze, fold_accents
from search.views.concordance import kwic
from search.views.highlighting import located_terms
from search.views.occurrences import stretches_of
from web import create_app


@pytest.fixture
def client(sample_dir):
    return create_app({"INDEX": str(sample_dir), "TESTING": True}).test_client()


def test_plural_singular_and_elided_forms_are_found_as_written():
    text = "L’État paie les retraites. Chaque retraite compte ; les États voisins aussi."
    found = [match for _, match, _ in kwic(text, {"etat", "retrait"}, 20)]
    assert found == ["État", "retraites", "retraite", "États"]


def test_context_is_cut_at_whole_words_on_both_sides():
    text = (
        "Un long préambule sans intérêt avant que la réforme des retraites arrive enfin au vote."
    )
    [(left, match, right)] = kwic(text, {"reform"}, 25)
    assert (left, match, right) == ("intérêt avant que la", "réforme", "des retraites arrive")


def test_participle_after_avoir_is_no_occurrence_of_the_noun():
    text = "Le maire a été élu cet été ; il n’avait jamais été candidat en été."
    lines = kwic(text, {"ete"}, 12)
    assert [(left.split()[-1], match) for left, match, _ in lines] == [
        ("cet", "été"),
        ("en", "été"),
    ]


def test_hyphenated_word_is_one_occurrence():
    assert [m for _, m, _ in kwic("La cyber-sécurité avance.", {"cybersecurit", "securit"})] == [
        "cyber-sécurité"
    ]


def test_every_line_holds_a_query_word_and_newest_articles_come_first(sample):
    concordance = sample.concordance("retraites")
    assert len(concordance.lines) > concordance.articles > 1
    assert all(analyze(line.match) == ["retrait"] for line in concordance.lines)
    dates = [line.published for line in concordance.lines]
    assert dates == sorted(dates, reverse=True)


def test_next_word_sort_orders_lines_by_the_word_after_the_match(sample):
    lines = sample.concordance("retraites", sort=ConcordanceSort.NEXT_WORD).lines
    following = [re.search(r"\w+", line.right) for line in lines]
    words = [fold_accents(w.group().lower()) if w else "" for w in following]
    assert words == sorted(words) and len(set(words)) > 2


def test_query_of_exclusions_or_unknown_words_has_no_line(sample):
    assert sample.concordance("-retraites").lines == ()
    assert sample.concordance("zzqxw").lines == ()
    with pytest.raises(MissingQuery):
        sample.concordance("  ")


def test_page_lists_lines_with_links_to_their_articles(client):
    html = BeautifulSoup(
        client.get("/concordance?q=retraites").get_data(as_text=True), "html.parser"
    )
    rows = html.select("table.kwic tbody tr")
    assert rows and all(r.select_one("td.match mark") for r in rows)
    first = rows[0].select_one("td.title a")["href"]
    article = client.get(first)
    assert article.status_code == 200 and "<mark>" in article.get_data(as_text=True)
    assert "15 occurrences dans 8 articles" in " ".join(
        html.select_one("#resume").get_text().split()
    )


def test_pages_do_not_repeat_lines(client):
    first = client.get("/api/concordance?q=état OU france").get_json()
    second = client.get("/api/concordance?q=état OU france&page=2").get_json()
    assert first["total"] == 52 and len(first["lines"]) == 50
    assert first["lines"][-1] != second["lines"][0]
    html = BeautifulSoup(
        client.get("/concordance?q=état OU france").get_data(as_text=True), "html.parser"
    )
    assert html.select_one(".pager a[rel=next]")["href"].endswith("page=2")


@pytest.mark.parametrize(
    "url, code",
    [("q=retraites&tri=hasard", "invalid_sort"), ("q=retraites&page=0", "invalid_page")],
)
def test_bad_inputs_get_a_french_400(client, url, code):
    response = client.get(f"/concordance?{url}")
    assert response.status_code == 400 and "Recherche impossible" in response.get_data(
        as_text=True
    )
    assert client.get(f"/api/concordance?{url}").get_json()["error"]["code"] == code


def test_api_needs_a_query(client):
    assert client.get("/api/concordance").get_json()["error"]["code"] == "missing_query"


def test_quoted_word_shows_only_its_written_form(sample):
    stemmed = {line.match.lower() for line in sample.concordance("retraites").lines}
    exact = sample.concordance('"retraites"')
    assert {"retraite", "retraites"} <= stemmed
    assert exact.lines and {line.match.lower() for line in exact.lines} == {"retraites"}


def test_exact_form_keeps_its_accents_and_drops_the_elided_article():
    text = "Les retraités de l’État ; les retraites, l’Etat et les États."
    found = [match for _, match, _ in kwic(text, set(), 20, forms=("retraites", "état"))]
    assert found == ["État", "retraites"]


def _every_line(sample, query, sort=ConcordanceSort.DATE, per_page=3):
    first = sample.concordance(query, sort=sort, per_page=per_page)
    pages = [
        sample.concordance(query, sort=sort, page=n, per_page=per_page).lines
        for n in range(1, -(-first.total // per_page) + 1)
    ]
    return first, [line for page in pages for line in page]


@pytest.mark.parametrize("query", ["retraites", '"retraites"', "état OU france"])
def test_every_line_of_all_pages_appears_exactly_once(sample, query):
    first, paged = _every_line(sample, query)
    whole = sample.concordance(query).lines
    assert paged == list(whole) and len(whole) == first.total > 3


def test_deep_pages_reach_the_oldest_articles(sample):
    first, paged = _every_line(sample, "retraites")
    oldest = min(line.published for line in sample.concordance("retraites").lines)
    last = sample.concordance("retraites", page=-(-first.total // 3), per_page=3)
    assert last.lines and last.lines[-1].published == oldest


def test_previous_word_sort_orders_lines_by_the_word_before_the_match(sample):
    lines = sample.concordance("retraites", sort=ConcordanceSort.PREVIOUS_WORD).lines
    before = [re.search(r"(\w+)\W*$", line.left) for line in lines]
    words = [fold_accents(w.group(1).lower()) if w else "" for w in before]
    assert words == sorted(words) and len(set(words)) > 2


def test_previous_word_sort_is_offered_on_the_page(client):
    html = BeautifulSoup(
        client.get("/concordance?q=retraites&tri=precedent").get_data(as_text=True),
        "html.parser",
    )
    assert html.select_one("select[name=tri] option[selected]")["value"] == "precedent"
    assert "par mot précédent" in html.select_one("table.kwic caption").get_text()


def test_words_passed_over_unread_hold_none_of_the_terms():
    # Every term of the text: the stretches searched must find each word that gives one.
    text = (
        "Les chevaux d’Île-de-France, heureuse qu’aujourd’hui l’œuvre a été jouée cet été ; "
        "on s’ennuyait. La cyber-sécurité\u00a0ÉTAT-major, covid-19 et Cœurs payés."
    )
    terms = set(analyze(text))
    assert stretches_of(text, terms) is not None
    everything = [t for t in located_terms(text, None, terms) if t[0] in terms]
    found = [
        t for t in located_terms(text, None, terms, stretches_of(text, terms)) if t[0] in terms
    ]
    assert found == everything and len(everything) == len(analyze(text))
