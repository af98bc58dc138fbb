"""A search as an Atom feed: valid Atom 1.0, newest first, and each new article seen once."""

from __future__ import annotations

import urllib.request
from datetime import datetime
from xml.etree import ElementTree as ET

import feedparser
import pytest
from bs4 import BeautifulSoup

from conftest import served, write_jsonl
from search import index_files
from web import create_app
from web.param_table import MAX_FEED_ENTRIES

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
# A dispatch long enough to be compared for duplicates (20 words and more), published twice.
DISPATCH = (
    "Les rédactions régionales ont constaté une hausse nette des attaques informatiques "
    "contre les mairies, qui paient parfois la rançon faute de sauvegardes récentes."
)


@pytest.fixture(scope="module")
def client(index_dir):
    return create_app({"INDEX": str(index_dir), "TESTING": True}).test_client()


def poll(client, address: str) -> feedparser.FeedParserDict:
    """Return the feed at address, checked to be served and read as valid Atom."""
    response = client.get(address)
    assert response.status_code == 200, address
    assert response.headers["Content-Type"] == ATOM_TYPE
    feed = feedparser.parse(response.get_data())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def filler(n: int) -> dict:
    # Under 20 words: never compared for duplicates, so each is its own entry.
    return {
        "id": f"ville-{n}",
        "title": f"Conseil municipal numéro {n}",
        "text": f"La cybersécurité de la mairie, séance {n}.",
        "author": "Léa Martin",
        "source": "Le Courrier",
        "published": f"2024-01-{1 + n % 28:02d}T{n % 24:02d}:00:00",
        "url": f"https://www.courrier.fr/ville-{n}",
    }


def test_feed_is_atom_with_the_newest_matching_articles_first(client):
    feed = poll(client, "/recherche.atom?q=cybersécurité&tri=pertinence")
    updated = [datetime.fromisoformat(e.updated) for e in feed.entries]
    assert [e.id.rsplit("/", 1)[1] for e in feed.entries] == ["cyber-2", "cyber-1", "hostile-1"]
    assert updated == sorted(updated, reverse=True)
    assert feed.feed.updated == feed.entries[0].updated
    assert feed.feed.title == "« cybersécurité » – Fouille"
    assert feed.feed.language == "fr"
    first = feed.entries[1]
    assert first.author == "Claire Dubois"
    assert first.published == "2021-03-12T08:30:00+00:00"
    links = {link.rel: link.href for link in first.links}
    assert links == {
        "alternate": "http://localhost/article/cyber-1?q=cybers%C3%A9curit%C3%A9",
        "related": "https://www.exemple-presse.fr/cyber-1",
    }


def test_entry_id_is_the_same_for_an_article_in_every_feed(client):
    ids = [
        {e.link.split("?")[0].rsplit("/", 1)[1]: e.id for e in poll(client, address).entries}
        for address in ("/recherche.atom?q=cybersécurité", "/recherche.atom?q=hôpitaux")
    ]
    assert ids[0]["cyber-1"] == ids[1]["cyber-1"] == "tag:fouille.invalid,2026:article/cyber-1"


def test_titles_are_text_and_snippets_escaped_html(client):
    entry = poll(client, "/recherche.atom?q=piégé").entries[0]
    assert entry.title == "Un <script>alert('titre')</script> piégé"
    assert entry.title_detail.type == "text/plain"
    assert entry.summary_detail.type == "text/html"
    # The HTML of the snippet, read back from the XML: the article's markup shown as text.
    xml = ET.fromstring(client.get("/recherche.atom?q=balise").get_data())
    summary = xml.find(f"{{{ATOM}}}entry/{{{ATOM}}}summary").text
    assert "une <mark>balise</mark> &lt;b&gt;gras&lt;/b&gt;" in summary


def test_feed_keeps_the_filters_of_the_search(client):
    feed = poll(client, "/recherche.atom?q=réforme&rubrique=politique&page=3")
    assert [e.title for e in feed.entries] == ["La réforme des retraites adoptée"]


def test_feed_of_a_bad_filter_says_what_is_wrong(client):
    response = client.get("/recherche.atom?q=climat&du=2021-02-30")
    assert response.status_code == 400
    assert "Paramètre « du »" in response.get_data(as_text=True)


def test_every_results_page_offers_its_feed_without_sort_or_page(client):
    for address in ("/recherche?q=retraites&rubrique=Politique&tri=ancien&page=1&utm_x=1",
                    "/recherche?q=introuvablissime"):  # fmt: skip
        page = BeautifulSoup(client.get(address).get_data(as_text=True), "html.parser")
        head = page.head.find("link", rel="alternate", type="application/atom+xml")
        link = page.find("a", string="S’abonner (Atom)")
        assert head["href"] == link["href"]
    assert link["href"] == "/recherche.atom?q=introuvablissime"
    first = BeautifulSoup(client.get("/recherche?q=retraites&rubrique=Politique&tri=ancien"
                                     "&page=1").get_data(as_text=True), "html.parser")  # fmt: skip
    href = first.find("a", string="S’abonner (Atom)")["href"]
    assert href == "/recherche.atom?q=retraites&rubrique=Politique"


def test_a_feed_reader_sees_each_new_article_once(tmp_path):
    articles = [filler(n) for n in range(MAX_FEED_ENTRIES + 5)]
    copies = [
        {"id": f"rancon-{n}", "title": f"Rançons : les mairies ({n})", "text": DISPATCH}
        | {"published": f"2024-03-0{n}", "source": "Le Courrier"}
        for n in (1, 2)
    ]
    index_files(tmp_path / "index", [write_jsonl(tmp_path / "a.jsonl", articles + copies)])
    with served(tmp_path / "index", workers=1) as base:
        address = f"{base}/recherche.atom?q=cybers%C3%A9curit%C3%A9+mairie"
        before = read(address)
        assert len(before.entries) == MAX_FEED_ENTRIES
        # The two copies of the dispatch are one entry.
        assert sum(e.id.split("/")[-1].startswith("rancon") for e in before.entries) == 1
        new = filler(99) | {"id": "ville-neuve", "published": "2024-04-01T09:00:00+02:00"}
        index_files(tmp_path / "index", [write_jsonl(tmp_path / "b.jsonl", [new])])
        after = read(address)
        added = {e.id for e in after.entries} - {e.id for e in before.entries}
        assert added == {"tag:fouille.invalid,2026:article/ville-neuve"}
        assert after.entries[0].id in added and len(after.entries) == MAX_FEED_ENTRIES
        assert after.feed.updated == "2024-04-01T09:00:00+00:00" != before.feed.updated
        # Polled again with nothing new, the feed is the same.
        assert [e.id for e in read(address).entries] == [e.id for e in after.entries]


def read(address: str) -> feedparser.FeedParserDict:
    """Return the feed a reader fetches from a real server."""
    with urllib.request.urlopen(address, timeout=30) as response:
        assert response.headers["Content-Type"] == ATOM_TYPE
        feed = feedparser.parse(response.read())
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed
