"""Related articles: similar by content, never the article itself or one of its duplicates."""

import pytest
from bs4 import BeautifulSoup
from test_duplicates import ARTICLES as DUPLICATED

from conftest import ROOT, write_jsonl
from search import Archive, ArticleNotFound, index_files
from web import create_app

# Another bridge story: close in vocabulary to the dispatch, but not a copy of it.
NEIGHBOUR = {
    "id": "pont-voisin",
    "title": "Le pont de Montbrison fermé pour des travaux de renforcement",
    "text": "Le pont de Montbrison sera fermé à la circulation pendant six mois de travaux. "
    "Les câbles porteurs et le tablier seront renforcés, et les poids lourds détournés. "
    "Les habitants de la rive gauche devront faire un détour par le pont suspendu de "
    "Saint-Aubin-sur-Loire, rouvert l'an dernier après dix-huit mois de travaux.",
    "published": "2023-01-10",
}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("related")
    source = write_jsonl(folder.parent / "ponts.jsonl", [*DUPLICATED, NEIGHBOUR])
    index_files(folder, [ROOT / "data", source])
    return folder


@pytest.fixture
def archive(index_dir):
    archive = Archive(index_dir)
    yield archive
    archive.close()


def test_related_articles_leave_out_the_article_and_its_duplicates(archive):
    related = [r.id for r in archive.related("pont-1")]
    assert related and related[0] == "pont-voisin"
    assert not {"pont-1", "pont-2", "pont-3"} & set(related)


def test_articles_with_the_same_text_are_never_related_to_each_other(archive):
    # The briefs are too short to be compared as duplicates, but their texts are identical.
    assert "breve-2" not in [r.id for r in archive.related("breve-1")]


def test_copies_among_related_articles_are_listed_once(archive):
    related = [r.id for r in archive.related("pont-voisin", limit=10)]
    assert len({"pont-1", "pont-2", "pont-3"} & set(related)) == 1


def test_related_to_an_unknown_article_is_not_found(archive):
    with pytest.raises(ArticleNotFound):
        archive.related("nulle-part")


def test_article_page_lists_similar_articles_with_links(index_dir):
    client = create_app({"INDEX": str(index_dir), "TESTING": True}).test_client()
    html = BeautifulSoup(client.get("/article/pont-2").get_data(as_text=True), "html.parser")
    section = html.select_one("section.related")
    assert section.h2.get_text() == "Articles similaires"
    links = [a["href"] for a in section.select("a")]
    assert "/article/pont-voisin" in links
    assert not {"/article/pont-1", "/article/pont-2", "/article/pont-3"} & set(links)


def test_sample_articles_have_related_articles_on_their_topic(archive):
    related = archive.related("fouille-033")
    assert len(related) == 5 and "fouille-033" not in [r.id for r in related]
    assert sum("cyber" in r.title.lower() or r.section == "Cybersécurité" for r in related) >= 2
