"""The web app served by ``fouille serve``: a real server on a free port."""

import csv
import io
import json
import urllib.error
import urllib.request
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from conftest import AWKWARD_IDS, served


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
