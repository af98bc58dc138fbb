"""The web app served by ``fouille serve``: a real server on a free port."""

import csv
import io
import json
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import AWKWARD_IDS, ROOT, served
from search import MAX_QUERY_WORDS


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_fouille_serve_answers_over_http_with_a_real_server(index_dir):
    with served(index_dir) as base:
        assert json.loads(get(f"{base}/healthz")[1])["documents"] == 7
        assert "<mark>été</mark>" in get(f"{base}/recherche?q=%C3%A9t%C3%A9")[1]


def article_links(base: str) -> dict[str, str]:
    """Return the article links of the results page, by title."""
    page = get(f"{base}/recherche?q=climat&doublons=afficher")[1]
    found = BeautifulSoup(page, "html.parser").select(".hit h2 a")
    return {a.get_text(): urljoin(base, a["href"]) for a in found}


def test_every_article_id_round_trips_through_the_links_of_the_results(awkward_site):
    links = article_links(awkward_site)
    assert len(links) == len(AWKWARD_IDS)
    for n, article_id in enumerate(AWKWARD_IDS):
        status, page = get(links[f"Titre {n} sur le climat"])
        assert status == 200, article_id
        title = BeautifulSoup(page, "html.parser").h1.get_text().strip()
        assert title == f"Titre {n} sur le climat", article_id


def test_every_article_id_round_trips_through_the_api_and_the_export(awkward_site):
    for link in article_links(awkward_site).values():
        path = urlsplit(link).path
        status, body = get(f"{awkward_site}/api{path}")
        assert status == 200 and json.loads(body)["id"] in AWKWARD_IDS, path
    exported = get(f"{awkward_site}/export/resultats.csv?q=climat&doublons=afficher")[1]
    rows = csv.reader(io.StringIO(exported), delimiter=";")
    assert {row[0] for row in rows if row and not row[0].startswith("#")} >= set(AWKWARD_IDS)


# Pasted text: what a reader copies from an article into the search box.


def pasted(chars: int) -> str:
    """Return the sample corpus's longest texts run together, cut at a word within chars."""
    lines = (ROOT / "data" / "articles.jsonl").read_text("utf-8").splitlines()
    bodies = sorted((json.loads(line)["body"] for line in lines), key=len, reverse=True)
    text = " ".join(" ".join(bodies).split())
    return text[: text.rfind(" ", 0, chars + 1)]


@pytest.fixture(scope="module")
def sample_site(sample_dir):
    with served(sample_dir, workers=1) as base:
        yield base


def request_line(base: str, query: str) -> str:
    return "GET " + urlsplit(base).path + "/recherche?" + urlencode({"q": query}) + " HTTP/1.1"


def test_pasted_paragraph_is_searched_by_its_first_words_and_says_so(sample_site):
    paragraph = pasted(2000)
    assert len(paragraph) > 1950 and sum(not c.isascii() for c in paragraph) > 50
    status, html = get(f"{sample_site}/recherche?" + urlencode({"q": paragraph}))
    assert status == 200
    page = BeautifulSoup(html, "html.parser")
    searched = page.select_one("#q")["value"]
    assert searched.split() == paragraph.split()[:MAX_QUERY_WORDS]
    notice = " ".join(page.select_one(".notice.truncated").get_text().split())
    assert f"seuls ses {MAX_QUERY_WORDS} premiers mots" in notice
    # The heading shows the query's beginning, and every link carries what was searched.
    assert len(page.h1.get_text(" ", strip=True)) < 200
    links = [a["href"] for a in page.select(".analysis-links a, .pager a, .hit h2 a")]
    assert links and all(parse_qs(urlsplit(link).query)["q"] == [searched] for link in links)


def test_text_longer_than_gunicorns_default_request_line_is_searched(sample_site):
    text = pasted(4000)
    # gunicorn's default limit_request_line, which refused it with an English 414.
    assert len(request_line(sample_site, text)) > 4094
    status, html = get(f"{sample_site}/recherche?" + urlencode({"q": text}))
    assert status == 200
    page = BeautifulSoup(html, "html.parser")
    assert page.select_one("#q")["value"].split() == text.split()[:MAX_QUERY_WORDS]
    assert page.select_one(".notice.truncated")


def test_address_too_long_for_the_server_gets_a_french_page(sample_site):
    text = pasted(8000)
    assert len(request_line(sample_site, text)) > 8190
    status, html = get(f"{sample_site}/recherche?" + urlencode({"q": text}))
    assert status == 414
    page = BeautifulSoup(html, "html.parser")
    assert page.html["lang"] == "fr"
    assert page.h1.get_text(strip=True) == "Recherche trop longue"
    assert f"{MAX_QUERY_WORDS} premiers mots" in " ".join(page.main.get_text().split())
    # The site still answers the next request.
    assert get(f"{sample_site}/healthz")[0] == 200
