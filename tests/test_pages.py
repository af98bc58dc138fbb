"""The HTML pages through Flask's test client, read as a browser would: parsed, links followed."""

import re
import time
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import write_jsonl
from search import MAX_QUERY_WORDS, index_files
from search.store.index import create_index
from web import create_app
from web.params import MAX_QUERY_CHARS

NNBSP = "\u202f"  # French thousands separator.
CYBER = {"cyber-1", "cyber-2", "hostile-1"}  # What "cybersecurite" finds.


@pytest.fixture
def client(index_dir):
    return create_app({"INDEX": str(index_dir), "TESTING": True}).test_client()


@pytest.fixture
def paged(index_dir):
    """A client showing two results per page."""
    return create_app({"INDEX": str(index_dir), "TESTING": True, "PER_PAGE": 2}).test_client()


@pytest.fixture(scope="module")
def big_client(tmp_path_factory):
    """A client over 1,234 short articles, for numbers that need a thousands separator."""
    folder = tmp_path_factory.mktemp("big")
    records = [
        {"id": f"n-{i}", "title": f"Brève {i}", "text": "Une brève.", "published": "2021-01-01"}
        for i in range(1234)
    ]
    index_files(folder / "index", [write_jsonl(folder / "big.jsonl", records)])
    return create_app({"INDEX": str(folder / "index"), "TESTING": True}).test_client()


def build_index(folder, records):
    index_files(folder, [write_jsonl(folder.parent / f"{folder.name}.jsonl", records)])
    return folder


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def get(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return soup(response)


def text(tag) -> str:
    """Return a tag's text with runs of ordinary white space made single (not U+202F)."""
    return re.sub(r"[ \t\r\n]+", " ", tag.get_text()).strip()


def params(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def total(page: BeautifulSoup) -> int:
    heading = text(page.h1)
    if heading.startswith("Aucun résultat"):
        return 0
    return int(re.match(rf"([\d{NNBSP}]+) résultats?", heading)[1].replace(NNBSP, ""))


def hit_ids(page: BeautifulSoup) -> list[str]:
    return [urlsplit(a["href"]).path.removeprefix("/article/") for a in page.select(".hit h2 a")]


def hit_dates(page: BeautifulSoup) -> list[date]:
    return [date.fromisoformat(t["datetime"]) for t in page.select(".hit time")]


def hit(page: BeautifulSoup, article_id: str):
    return next(li for li in page.select(".hit") if hit_ids(li) == [article_id])


def facets(page: BeautifulSoup) -> dict[str, dict[str, tuple[str, int]]]:
    """Return the sidebar as {title: {value: (link, count)}}."""
    return {
        text(section.h2): {
            text(li.a): (li.a["href"], int(text(li.select_one(".count")).replace(NNBSP, "")))
            for li in section.find_all("li")
        }
        for section in page.select("aside.facets section")
    }


def chips(page: BeautifulSoup) -> dict[str, str]:
    """Return the applied filters as {label: link that removes it}."""
    return {text(a).removesuffix(" ×"): a["href"] for a in page.select("ul.chips a")}


def submit(form, **changes) -> str:
    """Return the URL a browser requests when this GET form is sent with some fields changed."""
    fields = [(i["name"], i.get("value", "")) for i in form.find_all("input") if i.get("name")]
    for select in form.find_all("select"):
        option = select.find("option", selected=True) or select.find("option")
        fields.append((select["name"], option["value"]))
    fields = [(name, changes.get(name, value)) for name, value in fields]
    return form["action"] + "?" + urlencode(fields)


def marks(tag) -> list[str]:
    return [m.get_text() for m in tag.find_all("mark")]


# Home page


def test_home_page_is_french_with_one_labelled_get_search_form(client):
    page = get(client, "/")
    assert page.html["lang"] == "fr"
    [form] = page.find_all("form")
    assert form["method"].lower() == "get"
    [field] = form.find_all("input", attrs={"name": "q"})
    assert field["type"] == "search"
    assert text(form.find("label", attrs={"for": field["id"]})) == "Rechercher dans les articles"


@pytest.mark.parametrize(
    "url", ["/", "/recherche?q=cybersecurite", "/article/cyber-1?q=cyber", "/aide"]
)
def test_pages_have_header_main_and_footer_landmarks(client, url):
    page = get(client, url)
    assert [len(page.find_all(tag)) for tag in ("header", "main", "footer")] == [1, 1, 1]
    assert all(nav.get("aria-label") for nav in page.find_all("nav"))


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/", f"Recherchez dans 1{NNBSP}234 articles"),
        ("/recherche?q=brève", f"1{NNBSP}234 résultats pour « brève »"),
    ],
)
def test_counts_use_french_thousands_separator(big_client, url, heading):
    assert text(get(big_client, url).h1).startswith(heading)


def test_home_page_counts_the_indexed_articles(client):
    assert text(get(client, "/").h1) == "Recherchez dans 7 articles"


@pytest.mark.parametrize("url", ["/recherche?q=", "/recherche?q=+++", "/recherche?tri=recent"])
def test_empty_query_shows_the_home_page(client, url):
    assert text(get(client, url).h1) == "Recherchez dans 7 articles"


# Results page


def test_results_heading_gives_total_and_time_in_french(client):
    heading = text(get(client, "/recherche?q=cybersecurite").h1)
    assert re.fullmatch(r"3 résultats pour « cybersecurite » \(\d+,\d\d s\)", heading)


def test_each_hit_title_links_to_its_article_page_with_the_query(client):
    page = get(client, "/recherche?q=cybersecurite")
    links = [a["href"] for a in page.select(".hit h2 a")]
    assert sorted(links) == sorted(f"/article/{i}?q=cybersecurite" for i in CYBER)


@pytest.mark.parametrize(
    ("article_id", "day", "author", "section", "tags"),
    [
        (
            "cyber-1",
            "12 mars 2021",
            "Claire Dubois",
            "Cybersécurité",
            ["rançongiciel", "hôpitaux"],
        ),
        (
            "cyber-2",
            "1er juin 2022",
            "Karim Haddad",
            "Cybersécurité",
            ["collectivités", "formation"],
        ),
        ("hostile-1", "15 janvier 2020", "Rédaction", "Numérique", []),
    ],
)
def test_hit_shows_french_date_author_section_and_tag_links(
    client, article_id, day, author, section, tags
):
    item = hit(get(client, "/recherche?q=cybersecurite"), article_id)
    assert [text(t) for t in item.select(".meta time")] == [day]
    assert [text(s) for s in item.select(".meta span")] == [section, author]
    tag_links = item.select("a.tag")
    assert [text(a) for a in tag_links] == [f"#{t}" for t in tags]
    assert [params(a["href"]) for a in tag_links] == [
        [("q", "cybersecurite"), ("motcle", t)] for t in tags
    ]


def test_hit_links_to_its_source_site(client):
    [link] = hit(get(client, "/recherche?q=cybersecurite"), "cyber-1").select("a.source")
    assert (link["href"], text(link)) == (
        "https://www.exemple-presse.fr/cyber-1",
        "exemple-presse.fr",
    )


def test_hits_mark_matched_words_as_written(client):
    page = get(client, "/recherche?q=cybersecurite")
    assert set(marks(page.select_one("ol.hits"))) == {
        "Cybersécurité",
        "cybersécurité",
        "cyber-sécurité",
    }


def test_tag_link_keeps_the_query_and_filters_by_the_tag(client):
    page = get(client, "/recherche?q=cybersecurite")
    [link] = [a for a in page.select("a.tag") if text(a) == "#hôpitaux"]
    filtered = get(client, link["href"])
    assert hit_ids(filtered) == ["cyber-1"]
    assert list(chips(filtered)) == ["Mots-clés : hôpitaux"]


# Facets


def test_sidebar_lists_each_facet_with_its_counts(client):
    sidebar = facets(get(client, "/recherche?q=cybersecurite"))
    assert list(sidebar) == ["Rubrique", "Auteur", "Source", "Mots-clés", "Année"]
    counts = {title: {v: c for v, (_, c) in values.items()} for title, values in sidebar.items()}
    assert counts["Rubrique"] == {"Cybersécurité": 2, "Numérique": 1}
    assert counts["Source"] == {"Exemple Presse": 2}
    assert counts["Année"] == {"2022": 1, "2021": 1, "2020": 1}


@pytest.mark.parametrize(
    ("title", "value"),
    [
        ("Rubrique", "Cybersécurité"),
        ("Auteur", "Karim Haddad"),
        ("Source", "Exemple Presse"),
        ("Mots-clés", "formation"),
        ("Année", "2021"),
    ],
)
def test_facet_link_filters_to_its_count_and_its_chip_removes_it(client, title, value):
    href, count = facets(get(client, "/recherche?q=cybersecurite"))[title][value]
    filtered = get(client, href)
    assert total(filtered) == len(hit_ids(filtered)) == count
    assert list(chips(filtered)) == [f"{title} : {value}"]
    chosen = filtered.find("a", attrs={"aria-current": "true"})
    assert text(chosen) == value
    unfiltered = get(client, chips(filtered)[f"{title} : {value}"])
    assert total(unfiltered) == 3 and chips(unfiltered) == {}
    assert params(chosen["href"]) == [("q", "cybersecurite")]


def test_facets_of_two_fields_combine(client):
    page = get(client, "/recherche?q=cyber*")
    page = get(client, facets(page)["Rubrique"]["Cybersécurité"][0])
    page = get(client, facets(page)["Auteur"]["Claire Dubois"][0])
    assert hit_ids(page) == ["cyber-1"]
    assert list(chips(page)) == ["Rubrique : Cybersécurité", "Auteur : Claire Dubois"]
    widened = get(client, chips(page)["Rubrique : Cybersécurité"])
    assert sorted(hit_ids(widened)) == ["cyber-1", "cyber-3"]


def test_two_values_of_one_facet_are_alternatives(client):
    page = get(client, "/recherche?q=cyber*&rubrique=Cybersécurité&rubrique=Culture")
    assert sorted(hit_ids(page)) == ["cyber-1", "cyber-2", "cyber-3"]
    assert list(chips(page)) == ["Rubrique : Cybersécurité", "Rubrique : Culture"]


def test_other_values_of_a_chosen_facet_stay_offered(client):
    page = get(client, "/recherche?q=cybersecurite&rubrique=Cybersécurité")
    assert "Numérique" in facets(page)["Rubrique"]


# Sorting and dates


def test_sort_form_keeps_the_query_and_filters_but_not_the_page(paged):
    page = get(paged, "/recherche?q=cyber*&rubrique=Culture&page=1&tri=ancien")
    form = page.find("select", attrs={"name": "tri"}).find_parent("form")
    hidden = [(i["name"], i["value"]) for i in form.find_all("input", attrs={"type": "hidden"})]
    assert hidden == [("q", "cyber*"), ("rubrique", "Culture")]
    options = form.find_all("option")
    assert [(o["value"], text(o)) for o in options] == [
        ("pertinence", "pertinence"),
        ("recent", "plus récents"),
        ("ancien", "plus anciens"),
    ]
    assert [o["value"] for o in options if o.has_attr("selected")] == ["ancien"]


@pytest.mark.parametrize(("tri", "newest_first"), [("recent", True), ("ancien", False)])
def test_sort_orders_hits_by_date(client, tri, newest_first):
    form = get(client, "/recherche?q=cyber*").find("form", class_="tools")
    page = get(client, submit(form, tri=tri))
    dates = hit_dates(page)
    assert len(dates) == 4
    assert dates == sorted(dates, reverse=newest_first)


def test_date_range_filters_and_shows_french_chips(client):
    page = get(client, "/recherche?q=cyber*&du=2020-01-01&au=2021-12-31")
    assert sorted(hit_ids(page)) == ["cyber-1", "hostile-1"]
    assert all(date(2020, 1, 1) <= d <= date(2021, 12, 31) for d in hit_dates(page))
    labels = chips(page)
    assert list(labels) == ["Depuis le 1er janvier 2020", "Jusqu’au 31 décembre 2021"]
    assert params(labels["Depuis le 1er janvier 2020"]) == [("q", "cyber*"), ("au", "2021-12-31")]
    assert total(get(client, labels["Jusqu’au 31 décembre 2021"])) == 3


# Pagination


def test_pager_links_keep_every_parameter_and_change_only_the_page(paged):
    url = "/recherche?q=cyber*&rubrique=Cybersécurité&rubrique=Culture&tri=recent&du=2019-01-01"
    pager = get(paged, url).select_one("nav.pager")
    links = pager.find_all("a")
    assert links
    for link in links:
        assert [p for p in params(link["href"]) if p[0] != "page"] == params(url)
        assert urlsplit(link["href"]).path == "/recherche"
    assert {dict(params(a["href"]))["page"] for a in links} == {"2"}


def test_second_page_shows_the_next_hits_and_marks_itself_current(paged):
    first = get(paged, "/recherche?q=cyber*")
    second = get(paged, first.find("a", rel="next")["href"])
    assert text(first.select_one("nav.pager [aria-current=page]")) == "1"
    assert text(second.select_one("nav.pager [aria-current=page]")) == "2"
    assert len(hit_ids(first)) == len(hit_ids(second)) == 2
    assert set(hit_ids(first)).isdisjoint(hit_ids(second))
    assert hit_ids(get(paged, second.find("a", rel="prev")["href"])) == hit_ids(first)


# Help for the reader


def test_typo_gets_a_did_you_mean_link_to_a_known_word(client):
    page = get(client, "/recherche?q=retraittes")
    [link] = page.select(".suggestion a")
    assert "Vouliez-vous dire" in text(page.select_one(".suggestion"))
    assert params(link["href"]) == [("q", "retraites")]
    assert total(get(client, link["href"])) == 2


@pytest.mark.parametrize("query", ["cybersecurite", "reforme", "retraités", "hopitaux", "l'été"])
def test_correct_query_gets_no_did_you_mean(client, query):
    page = get(client, "/recherche?" + urlencode({"q": query}))
    assert total(page) > 0
    assert page.select(".suggestion") == []


def test_no_result_page_explains_and_suggests(client):
    page = get(client, "/recherche?q=zzzzqqq")
    assert text(page.h1).startswith("Aucun résultat pour « zzzzqqq »")
    empty = page.select_one(".empty")
    assert "Aucun article ne correspond à votre recherche." in text(empty)
    assert len(empty.select("ul li")) >= 2
    assert page.select(".hit") == []


def test_no_result_under_filters_offers_to_remove_them(client):
    page = get(client, "/recherche?q=retraites&rubrique=Culture")
    [link] = [a for a in page.select(".empty a") if "Retirez les filtres" in text(a)]
    assert total(get(client, link["href"])) == 2


def test_help_page_documents_the_query_syntax(client):
    examples = [text(c) for c in get(client, "/aide").find_all("code")]
    assert any(e.startswith('"') and e.endswith('"') and " " in e for e in examples)
    assert any(re.fullmatch(r"-\w+", e) for e in examples)
    assert any(" OU " in e for e in examples)
    assert any(e.startswith("titre:") for e in examples)
    assert any(e.startswith("auteur:") for e in examples)
    assert any(re.fullmatch(r"\w+\*", e) for e in examples)


def test_every_help_example_can_be_searched(client):
    for example in get(client, "/aide").find_all("code"):
        assert client.get("/recherche?" + urlencode({"q": text(example)})).status_code == 200


# Article page


def test_article_page_marks_the_query_in_title_lead_and_body(client):
    page = get(client, "/article/cyber-1?q=cybersécurité santé")
    article = page.find("article")
    assert marks(article.h1) == ["Cybersécurité"]
    assert marks(article.select_one(".lead")) == ["santé"]
    assert marks(article.find("p", class_=False)) == ["cybersécurité"]


def test_article_page_marks_every_occurrence(client):
    article = get(client, "/article/retraites-1?q=retraites").find("article")
    assert marks(article) == ["retraites", "retraites", "retraités"]


def test_article_page_shows_metadata_and_links_to_the_original(client):
    article = get(client, "/article/cyber-1").find("article")
    assert text(article.h1) == "Cybersécurité : les hôpitaux face aux rançongiciels"
    assert article.time["datetime"] == "2021-03-12" and text(article.time) == "12 mars 2021"
    meta = [text(s) for s in article.select(".meta span")]
    assert meta == ["Cybersécurité", "Claire Dubois", "Exemple Presse"]
    assert [text(a) for a in article.select("a.tag")] == ["#rançongiciel", "#hôpitaux"]
    [original] = article.select("a.original")
    assert original["href"] == "https://www.exemple-presse.fr/cyber-1"
    assert marks(article) == []


def test_back_link_returns_to_the_same_results_page(paged):
    results = "/recherche?q=cyber*&rubrique=Cybersécurité&rubrique=Culture&tri=ancien&page=2"
    page = get(paged, results)
    article = get(paged, page.select_one(".hit h2 a")["href"])
    [back] = [a for a in article.find_all("a") if "Retour aux résultats" in text(a)]
    assert urlsplit(back["href"]).path == "/recherche"
    assert params(back["href"]) == params(results)
    assert get(paged, back["href"]).select(".hit") == page.select(".hit")


def test_article_without_a_search_offers_a_new_one(client):
    page = get(client, "/article/cyber-1")
    assert [a["href"] for a in page.select("nav a") if "Nouvelle recherche" in text(a)] == [
        "/recherche"
    ]
    assert not [a for a in page.find_all("a") if "Retour aux résultats" in text(a)]


def test_unknown_article_is_a_french_404(client):
    response = client.get("/article/inconnu?q=cyber")
    assert response.status_code == 404
    page = soup(response)
    assert text(page.h1) == "Page introuvable"
    assert "Cet article n’existe pas" in text(page.main)


# Bad input: a useful page or a 400 in French, never a 500


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("q=%22r%C3%A9forme", 200),
        ("q=(a%20OR", 200),
        ("q=*", 200),
        ("q=cyber%00s%C3%A9curit%C3%A9%07", 200),
        ("q=%ff%fe", 200),
        ("q=cyber&page=-1", 400),
        ("q=cyber&page=0", 400),
        ("q=cyber&page=abc", 400),
        ("q=cyber&page=1000000000", 200),
        ("q=cyber&rubrique=Inconnue", 200),
        ("q=cyber&du=2023-01-01&au=2020-01-01", 400),
        ("q=cyber&du=hier", 400),
        ("q=cyber&au=2021-02-30", 400),
        ("q=cyber&annee=20x1", 400),
    ],
)
def test_bad_input_gets_a_useful_page_or_a_french_400(client, query, status):
    response = client.get(f"/recherche?{query}")
    assert response.status_code == status
    page = soup(response)
    assert page.html["lang"] == "fr" and page.h1
    assert "Traceback" not in page.get_text()
    if status == 400:
        assert text(page.h1) == "Recherche impossible"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=-1", "Le numéro de page doit être un nombre entier positif."),
        ("page=abc", "Le numéro de page doit être un nombre entier positif."),
        ("du=2023-01-01&au=2020-01-01", "la date de début (2023-01-01) est postérieure"),
        ("du=hier", "« hier » n’est pas acceptée. Indiquez une date existante sous la forme"),
        ("annee=20x1", "l’année sur quatre chiffres"),
    ],
)
def test_400_says_in_french_what_is_wrong(client, query, message):
    response = client.get(f"/recherche?q=cyber&{query}")
    assert response.status_code == 400
    assert message in text(soup(response).select_one("section.error"))


def test_syntax_that_cannot_be_read_is_searched_as_words_and_says_so(client):
    page = get(client, "/recherche?q=%22r%C3%A9forme")
    assert sorted(hit_ids(page)) == ["retraites-1", "retraites-2"]
    assert "n’a pas pu être interprétée" in text(page.select_one(".notice"))


def test_control_characters_in_the_query_are_ignored(client):
    page = get(client, "/recherche?q=cybers%00%C3%A9curit%C3%A9")
    assert page.find("input", attrs={"name": "q", "type": "search"})["value"] == "cybers écurité"


def test_control_characters_are_not_written_into_the_page(client):
    html = client.get("/recherche?q=cyber%00s%C3%A9curit%C3%A9%07").get_data(as_text=True)
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", html)


def test_long_query_is_cut_to_its_first_words_without_hanging(client):
    query = " ".join(["retraites", "cyber", "été", "réforme"] * 100)[:2000]
    started = time.perf_counter()
    page = get(client, "/recherche?" + urlencode({"q": query}))
    assert time.perf_counter() - started < 5
    assert total(page) > 0
    notice = f"{MAX_QUERY_WORDS} premiers mots"
    assert any(notice in text(n) for n in page.select(".notice"))


def test_query_of_long_words_is_cut_between_words_and_says_so(client):
    words = [f"anticonstitutionnellement{n}" for n in range(100)]
    page = get(client, "/recherche?" + urlencode({"q": " ".join(words)}))
    searched = page.select_one("#q")["value"].split()
    assert 0 < len(searched) < len(words) and searched == words[: len(searched)]
    assert len(" ".join(searched)) <= MAX_QUERY_CHARS
    notice = f"{MAX_QUERY_WORDS} premiers mots"
    assert any(notice in text(n) for n in page.select(".notice"))


def test_links_of_a_cut_query_carry_what_was_searched(client):
    query = " ".join(["cybersécurité"] + ["hôpitaux"] * 300)
    page = get(client, "/recherche?" + urlencode({"q": query}))
    searched = page.select_one("#q")["value"]
    assert len(searched.split()) == MAX_QUERY_WORDS
    links = [a["href"] for a in page.select(".facets a, .analysis-links a, .hit h2 a")]
    assert links and all(dict(params(link)).get("q") == searched for link in links)


@pytest.mark.parametrize("path", ["/recherche", "/article/cyber-1"])
def test_deeply_nested_brackets_do_not_crash(index_dir, path):
    client = create_app({"INDEX": str(index_dir)}).test_client()
    response = client.get(path + "?" + urlencode({"q": "(" * 300 + "cyber" + ")" * 300}))
    assert response.status_code == 200


def test_page_beyond_the_last_says_it_does_not_exist(paged):
    page = get(paged, "/recherche?q=cyber*&page=1000000000")
    empty = page.select_one(".empty")
    assert "Cette page n’existe pas : la recherche compte 2 pages." in text(empty)
    assert params(empty.a["href"]) == [("q", "cyber*"), ("page", "1")]
    assert page.select(".hit") == [] and total(page) == 4


def test_unknown_facet_value_finds_nothing_and_can_be_removed(client):
    page = get(client, "/recherche?q=cybersecurite&rubrique=Inconnue")
    assert total(page) == 0
    assert total(get(client, chips(page)["Rubrique : Inconnue"])) == 3


# Hostile content


def own_scripts(page: BeautifulSoup) -> bool:
    scripts = [s.get("src") for s in page.find_all("script")]
    return scripts[0] == "/static/suggest.js" and set(scripts) <= {
        "/static/suggest.js",
        "/static/filters.js",
    }


@pytest.mark.parametrize(
    "url", ["/recherche?q=piégé", "/recherche?q=script", "/article/hostile-1?q=script"]
)
def test_hostile_article_is_shown_as_text(client, url):
    page = get(client, url)
    assert own_scripts(page)
    assert page.find("b") is None
    assert "<script>alert('x')</script>" in page.main.get_text()


def test_hostile_query_is_shown_as_text(client):
    hostile = "<script>alert(1)</script>"
    page = get(client, "/recherche?" + urlencode({"q": hostile}))
    assert own_scripts(page)
    assert f"« {hostile} »" in text(page.h1)
    assert page.find("input", attrs={"type": "search"})["value"] == hostile


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>x</script>"]
)
def test_article_with_a_non_web_url_gets_no_link_to_it(tmp_path, url):
    record = {"id": "piege", "title": "Lien piégé", "text": "Un lien.", "url": url}
    app = create_app({"INDEX": str(build_index(tmp_path / "index", [record])), "TESTING": True})
    for page_url in ("/recherche?q=lien", "/article/piege?q=lien"):
        hrefs = [a["href"] for a in get(app.test_client(), page_url).find_all("a")]
        assert hrefs and all(h.startswith(("/", "#")) for h in hrefs), page_url


# Index states


@pytest.mark.parametrize("url", ["/", "/recherche?q=cyber", "/article/cyber-1"])
def test_missing_index_is_a_503_naming_the_command(tmp_path, url):
    response = create_app({"INDEX": str(tmp_path / "absent")}).test_client().get(url)
    assert response.status_code == 503
    assert "fouille index" in text(soup(response).main)
    assert_secure(response)


@pytest.mark.parametrize(
    "url",
    [
        "/recherche?q=cyber",
        "/recherche?rubrique=Culture",
        ("/"),
    ],
)
def test_empty_index_is_a_503_naming_the_command(tmp_path, url):
    create_index(tmp_path)
    response = create_app({"INDEX": str(tmp_path)}).test_client().get(url)
    assert response.status_code == 503
    assert "fouille index" in text(soup(response).main)


def test_empty_index_answers_503_again_and_then_picks_up_new_articles(tmp_path):
    create_index(tmp_path / "index")
    client = create_app({"INDEX": str(tmp_path / "index")}).test_client()
    assert [client.get("/recherche?q=cyber").status_code for _ in range(2)] == [503, 503]
    build_index(tmp_path / "index", [{"id": "a", "title": "Cyber", "text": "cyber"}])
    assert total(get(client, "/recherche?q=cyber")) == 1


def test_new_articles_are_found_without_restarting(tmp_path):
    records = [{"id": f"a{i}", "title": f"Retraites {i}", "text": "retraites"} for i in range(3)]
    folder = build_index(tmp_path / "index", records[:2])
    app = create_app({"INDEX": str(folder), "TESTING": True})
    assert total(get(app.test_client(), "/recherche?q=retraites")) == 2
    index_files(folder, [write_jsonl(tmp_path / "more.jsonl", records[2:])])
    assert total(get(app.test_client(), "/recherche?q=retraites")) == 3
    assert text(get(app.test_client(), "/").h1) == "Recherchez dans 3 articles"


# Headers and settings


def assert_secure(response):
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/", 200),
        ("/recherche?q=cyber", 200),
        ("/article/cyber-1", 200),
        ("/aide", 200),
        ("/static/suggest.js", 200),
        ("/api/search?q=cyber", 200),
        ("/healthz", 200),
        ("/recherche?page=abc", 400),
        ("/article/inconnu", 404),
        ("/nulle-part", 404),
    ],
)
def test_every_page_type_sends_security_headers(client, url, status):
    with client.get(url) as response:
        assert response.status_code == status
        assert_secure(response)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/recherche?q=cyber",
        "/article/cyber-1",
        "/aide",
        "/tendances?q=cyber",
        "/concordance?q=cyber",
        "/nulle-part",
    ],
)
def test_every_page_names_an_icon_that_is_served(client, url):
    icon = soup(client.get(url)).select_one("head link[rel=icon]")
    with client.get(icon["href"]) as response:
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml" == icon["type"]


def test_favicon_ico_leads_to_the_icon_rather_than_a_404(client):
    with client.get("/favicon.ico", follow_redirects=True) as response:
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert response.request.path == "/static/favicon.svg"


def header_form(page: BeautifulSoup):
    return page.select_one("header form.search")


def test_header_box_of_a_filtered_page_can_search_in_these_results(client):
    page = get(client, "/recherche?q=climat&annee=2022&du=2021-06-01&tri=recent&page=1")
    form = header_form(page)
    button = form.find("button", string="Dans ces résultats")
    url = button["formaction"] + "?" + submit(form, q="cybersecurite").split("?", 1)[1]
    refined = get(client, url)
    assert text(refined.h1).startswith("1 résultat pour « cybersecurite »")
    assert hit_ids(refined) == ["cyber-2"]
    assert set(chips(refined)) == {"Année : 2022", "Depuis le 1er juin 2021"}
    assert ("tri", "recent") in params(url) and "page" not in dict(params(url))


def test_header_box_of_a_filtered_page_searches_anew_by_default(client):
    form = header_form(get(client, "/recherche?q=climat&annee=2022&du=2021-06-01"))
    # Enter, or the first button: the form's own action.
    assert form.find("button")["type"] == "submit" and not form.find("button").get("formaction")
    response = client.get(submit(form, q="cybersécurité"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/recherche?q=cybers%C3%A9curit%C3%A9"
    anew = get(client, response.headers["Location"])
    assert chips(anew) == {} and set(hit_ids(anew)) == CYBER


def test_header_box_of_an_unfiltered_page_has_one_button(client):
    for url in ("/recherche?q=cybersecurite&tri=recent", "/article/cyber-1", "/"):
        form = header_form(get(client, url))
        assert form["action"] == "/recherche"
        assert len(form.find_all("button")) == 1 and form.find("input", type="hidden") is None


def test_unknown_page_is_a_french_404(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Cette page n’existe pas." in text(soup(response).main)


def test_app_without_test_config_is_not_in_debug_mode(monkeypatch):
    for name in ("FLASK_DEBUG", "FOUILLE_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    app = create_app()
    assert app.debug is False and app.testing is False
