"""What a query's words also stand for: acronyms the archive defines, general-French variants."""

from bs4 import BeautifulSoup

from search import Archive, delete_articles, index_files
from search.store.definitions import SIDECAR
from tests.conftest import write_jsonl

FILLER = "Le conseil municipal a voté le budget de la commune pour l’année prochaine. "
DEFINES = {
    "id": "definit",
    "title": "Les entreprises face aux nouvelles règles",
    "text": "Le règlement général sur la protection des données (RGPD) s’applique depuis 2018. "
    + FILLER,
}
RELEVANT = {
    "id": "reglement",
    "title": "Règlement général sur la protection des données : ce qui change",
    "text": "Les droits des personnes sont renforcés. " + FILLER,
}
OTHERS = [{"id": f"autre-{n}", "title": f"Chronique numéro {n}", "text": FILLER} for n in range(4)]


def search(folder, query: str):
    archive = Archive(folder)
    try:
        return archive.search_articles(query)
    finally:
        archive.close()


def ids(folder, query: str) -> list[str]:
    return [hit.id for hit in search(folder, query).hits]


def indexed(tmp_path, articles: list[dict], name="a.jsonl"):
    index_files(tmp_path / "ix", [write_jsonl(tmp_path / name, articles)])
    return tmp_path / "ix"


def test_question_with_an_acronym_finds_the_article_that_writes_its_definition(tmp_path):
    folder = indexed(tmp_path, [DEFINES, RELEVANT, *OTHERS])
    assert ids(folder, "C’est quoi le RGPD ?")[:2] == ["definit", "reglement"]


def test_snippet_marks_the_definition_words_that_matched(tmp_path):
    folder = indexed(tmp_path, [DEFINES, RELEVANT, *OTHERS])
    hit = next(h for h in search(folder, "RGPD").hits if h.id == "reglement")
    marked = [m.get_text() for m in BeautifulSoup(hit.title_html, "html.parser").find_all("mark")]
    assert marked == ["Règlement", "général", "protection", "données"]


def test_courriel_finds_an_article_that_only_writes_e_mail(tmp_path):
    mail = {"id": "mail", "title": "Relancer un client par e-mail", "text": FILLER}
    folder = indexed(tmp_path, [mail, *OTHERS])
    assert ids(folder, "courriel") == ["mail"]


def test_declarative_sentence_is_searched_as_written(tmp_path):
    folder = indexed(tmp_path, [DEFINES, RELEVANT, *OTHERS])
    assert "reglement" not in ids(folder, "Le RGPD est appliqué en France.")


def test_definitions_survive_an_incremental_run_and_the_deletion_of_their_article(tmp_path):
    indexed(tmp_path, [DEFINES, *OTHERS])
    folder = indexed(tmp_path, [RELEVANT], name="b.jsonl")
    assert "reglement" in ids(folder, "RGPD")
    delete_articles(folder, ["definit"])
    assert ids(folder, "RGPD") == ["reglement"]


def test_index_without_definitions_searches_as_written_until_the_next_index_run(tmp_path):
    folder = indexed(tmp_path, [DEFINES, RELEVANT, *OTHERS])
    (folder / SIDECAR).unlink()
    assert ids(folder, "RGPD") == ["definit"]
    indexed(tmp_path, [DEFINES, RELEVANT, *OTHERS])
    assert ids(folder, "RGPD")[:2] == ["definit", "reglement"]


def test_question_also_finds_the_articles_named_like_its_best_titles(tmp_path):
    guides = ["Supprimer son compte Facebook", "Supprimer Facebook de son téléphone"]
    articles = [
        *({"id": f"guide-{n}", "title": title, "text": FILLER} for n, title in enumerate(guides)),
        {"id": "suppression", "title": "Supprimer un compte Facebook", "text": FILLER},
        {"id": "facebook", "title": "Facebook", "text": "Un compte. " + FILLER},
        {"id": "conseil", "title": "Compte rendu du conseil municipal", "text": FILLER},
        *OTHERS,
    ]
    folder = indexed(tmp_path, articles)
    assert ids(folder, "Comment supprimer mon compte ?")[3:] == ["facebook", "conseil"]
