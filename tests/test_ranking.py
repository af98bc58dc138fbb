"""The ranking readers see: field weights, length, rarity, proximity; facets and filters."""

from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup
from whoosh import query as wq
from whoosh import sorting

import search.ranking.facets
import search.ranking.query
import search.store.snapshot
from search import Archive, Filters, delete_articles, index_files
from search.analysis.french import analyze
from search.analysis.labels import label_key
from search.ranking.facets import as_text
from search.views.highlighting import make_snippet
from tests.conftest import write_jsonl

ROOT = Path(__file__).resolve().parents[1]
FILLER = "Le conseil municipal a voté le budget de la commune pour l’année prochaine. "


def ranked(tmp_path, articles: list[dict], query: str) -> list[str]:
    source = write_jsonl(tmp_path / "a.jsonl", articles)
    index_files(tmp_path / "ix", [source])
    archive = Archive(tmp_path / "ix")
    try:
        return [hit.id for hit in archive.search_articles(query).hits]
    finally:
        archive.close()


def test_word_in_the_title_outranks_the_same_word_only_in_the_text(tmp_path):
    articles = [
        {"id": "texte", "title": "Nouvelles du jour", "text": "Le volcan gronde. " + FILLER},
        {"id": "titre", "title": "Le volcan gronde", "text": "Nouvelles du jour. " + FILLER},
    ]
    assert ranked(tmp_path, articles, "volcan") == ["titre", "texte"]


def test_short_article_outranks_a_long_one_holding_the_word_as_often(tmp_path):
    articles = [
        {"id": "long", "title": "Chronique", "text": "Le volcan gronde. " + FILLER * 8},
        {"id": "court", "title": "Chronique", "text": "Le volcan gronde. " + FILLER},
    ]
    assert ranked(tmp_path, articles, "volcan") == ["court", "long"]


ANSWER = (
    "L’employeur doit informer chaque salarié et consulter les représentants du personnel "
    "avant d’installer des caméras. "
)
IN_PASSING = FILLER * 2 + "La mairie étudie la vidéosurveillance au travail des agents de nuit. "


def test_where_titles_are_distinct_a_title_holding_the_words_outranks_them_in_passing(tmp_path):
    entries = [
        {"id": "question", "title": "Vidéosurveillance au travail : quelles règles ?"},
        {"id": "budget", "title": "Le budget de la commune", "text": IN_PASSING},
        *({"id": f"fichier-{n}", "title": f"Le fichier numéro {n}"} for n in range(6)),
    ]
    entries[0]["text"] = ANSWER * 3
    for entry in entries[2:]:
        entry["text"] = FILLER
    assert ranked(tmp_path, entries, "vidéosurveillance travail")[:2] == ["question", "budget"]


def test_where_many_articles_share_a_title_its_words_do_not_lift_them(tmp_path):
    paragraphs = [
        {"id": f"section-{n}", "title": "Vidéosurveillance au travail", "text": ANSWER * 3}
        for n in range(8)
    ]
    budget = {"id": "budget", "title": "Le budget de la commune", "text": IN_PASSING}
    assert ranked(tmp_path, [*paragraphs, budget], "vidéosurveillance travail")[0] == "budget"


def test_rare_query_word_counts_more_than_a_common_one(tmp_path):
    common = [
        {"id": f"islande-{n}", "title": f"Voyage {n}", "text": "L’Islande en été. " + FILLER}
        for n in range(6)
    ]
    rare = {"id": "volcan", "title": "Voyage", "text": "Un volcan actif. " + FILLER}
    assert ranked(tmp_path, [*common, rare], "volcan islande")[0] == "volcan"


def test_query_words_side_by_side_outrank_the_same_words_far_apart(tmp_path):
    articles = [
        {"id": "loin", "title": "Chronique", "text": "Une éruption. " + FILLER * 2 + "Le volcan."},
        {"id": "proche", "title": "Chronique", "text": "Une éruption volcan. " + FILLER * 2},
    ]
    assert ranked(tmp_path, articles, "éruption volcan") == ["proche", "loin"]


def test_pasted_passage_is_ranked_by_its_words_not_by_their_closeness(tmp_path):
    passage = (
        "Les pompiers du Var ont maîtrisé samedi un incendie de forêt qui menaçait plusieurs "
        "villages de l’arrière-pays, après trois jours de lutte contre les flammes attisées "
        "par le mistral"
    )
    words = passage.split()
    scattered = " ".join(words[::2] + ["Récit."] * 12 + words[1::2])
    articles = [
        {"id": "epars", "title": "Chronique", "text": scattered + ". " + FILLER},
        {"id": "cite", "title": "Chronique", "text": passage + ". " + "Récit. " * 12 + FILLER},
    ]
    source = write_jsonl(tmp_path / "a.jsonl", articles)
    index_files(tmp_path / "ix", [source])
    archive = Archive(tmp_path / "ix")
    try:
        scores = {hit.id: hit.score for hit in archive.search_articles(passage).hits}
        near = [hit.id for hit in archive.search_articles("pompiers incendie").hits]
    finally:
        archive.close()
    assert scores["epars"] == pytest.approx(scores["cite"])
    assert near == ["cite", "epars"]


def test_lead_finds_the_article_whose_headline_it_echoes_before_a_sibling_saying_it_more(
    tmp_path,
):
    lead = (
        "Les pompiers du Var ont maîtrisé samedi un incendie de forêt qui menaçait plusieurs "
        "villages de l’arrière-pays."
    )
    told = (
        "Les pompiers du Var ont lutté trois jours contre un incendie de forêt. Samedi, le feu "
        "qui menaçait plusieurs villages de l’arrière-pays était maîtrisé. "
    )
    articles = [
        {
            "id": "suite",
            "title": "Incendie de forêt maîtrisé dans le Var : les vignerons comptent leurs "
            "pertes, les routes restent coupées",
            "text": told * 3 + "Les vignerons attendent les experts des assurances. " * 6,
        },
        {
            "id": "recit",
            "title": "Incendie de forêt maîtrisé dans le Var",
            "text": "Samedi, les pompiers ont maîtrisé un incendie de forêt qui menaçait "
            "plusieurs villages de l’arrière-pays du Var. " + FILLER * 6,
        },
    ]
    # The sibling's text repeats the lead's words three times; the article written with the
    # lead has a headline made of them alone.
    assert ranked(tmp_path, articles, lead) == ["recit", "suite"]


def test_words_as_typed_outrank_other_forms_of_the_same_stems(tmp_path):
    # "élections municipales" and "élection municipale" share their stems.
    articles = [
        {"id": "singulier", "title": "Scrutin", "text": "Une élection municipale. " + FILLER},
        {"id": "pluriel", "title": "Scrutin", "text": "Des élections municipales. " + FILLER},
    ]
    assert ranked(tmp_path, articles, "élections municipales") == ["pluriel", "singulier"]
    assert ranked(tmp_path, articles, "élection municipale") == ["singulier", "pluriel"]


def test_compound_and_its_words_written_apart_count_as_the_same_words(tmp_path):
    articles = [
        {"id": "separe", "title": "Transports", "text": "Grève en Île de France. " + FILLER},
        {"id": "compose", "title": "Transports", "text": "Grève en Île-de-France. " + FILLER},
    ]
    source = write_jsonl(tmp_path / "a.jsonl", articles)
    index_files(tmp_path / "ix", [source])
    archive = Archive(tmp_path / "ix")
    try:
        apart = {hit.id: hit.score for hit in archive.search_articles("île de france grève").hits}
        joined = [hit.id for hit in archive.search_articles("Île-de-France grève").hits]
    finally:
        archive.close()
    assert apart["compose"] == pytest.approx(apart["separe"], rel=0.15)
    # Typed with its hyphens, the compound is a form of its own, held by one article only.
    assert joined == ["compose", "separe"]


def test_accents_and_capitals_do_not_make_a_word_another_form(tmp_path):
    articles = [
        {"id": "autre", "title": "Scrutin", "text": "Des élections à Évry. " + FILLER},
        {"id": "tel-quel", "title": "Scrutin", "text": "Une élection à Évry. " + FILLER},
    ]
    assert ranked(tmp_path, articles, "ELECTION evry")[0] == "tel-quel"


@pytest.fixture(scope="module")
def segmented(tmp_path_factory):
    """The project's sample corpus, indexed in several segments with one article deleted."""
    folder = tmp_path_factory.mktemp("sample")
    index_files(folder, sorted((ROOT / "data").iterdir()), batch_size=10)
    archive = Archive(folder)
    victim = archive.search_articles("", per_page=1).hits[0].id
    archive.close()
    delete_articles(folder, [victim])
    archive = Archive(folder)
    yield archive, victim
    archive.close()


@pytest.mark.parametrize("query", ["", "gouvernement", "cyber-sécurité", "climat OR +été"])
def test_facet_counts_equal_whoosh_counts_with_spellings_grouped(segmented, query):
    archive, _ = segmented
    results = archive.search_articles(query, collapse=False)
    searcher = archive._current()
    parsed = search.ranking.query.parse_query(query)
    facets = sorting.Facets()
    for name, field in search.ranking.facets.FACET_FIELDS.items():
        facets.add_facet(name, sorting.FieldFacet(field, allow_overlap=name == "tags"))
    expected = searcher.search(
        parsed.query or wq.Every(), groupedby=facets, limit=None, maptype=sorting.UnorderedList
    )
    assert results.total == len(expected) > 0
    for facet in results.facets:
        # An article tagged "cybersécurité" and "cyber sécurité" counts once under the key.
        held = defaultdict(set)
        for value, docnums in expected.groups(facet.name).items():
            if value:
                held[label_key(as_text(value))].update(docnums)
        whoosh = {key: len(docnums) for key, docnums in held.items()}
        shown = {label_key(value.value): value.count for value in facet.values}
        assert shown.items() <= whoosh.items()
        assert (
            len(shown) == min(len(whoosh), search.ranking.facets.FACET_SIZE)
            or facet.name == "year"
        )


def test_excluded_word_removes_every_article_holding_it(segmented):
    # Whoosh 2.7's own AndNot matcher, across segments, kept an article holding "été" here.
    archive, _ = segmented
    searcher = archive._current()
    parsed = search.ranking.query.parse_query("+climat -été")
    kept = set(searcher.docs_for_query(parsed.query.a)) - set(
        searcher.docs_for_query(parsed.query.b)
    )
    hits = archive.search_articles("+climat -été").hits
    assert {h.id for h in hits} == {searcher.stored_fields(d)["id"] for d in kept}
    assert kept


def test_each_filter_selects_what_the_index_terms_select(segmented):
    archive, victim = segmented
    searcher = archive._current()
    stats = archive.stats()
    assert stats.sections
    for value in stats.sections:
        hits = archive.search_articles("", Filters(sections=(value.value,)), per_page=100)
        expected = set(searcher.docs_for_query(wq.Term("section", value.value)))
        assert {searcher.stored_fields(d)["id"] for d in expected} == {h.id for h in hits.hits}
        assert victim not in {h.id for h in hits.hits}


def test_results_are_the_same_when_the_postings_cache_holds_almost_nothing(segmented, monkeypatch):
    archive, _ = segmented
    query = "réforme des retraites gouvernement climat"
    before = [(h.id, h.score) for h in archive.search_articles(query, per_page=20).hits]
    monkeypatch.setattr(search.store.snapshot, "CACHE_BYTES", 3)
    archive._snapshot = None
    after = [(h.id, h.score) for h in archive.search_articles(query, per_page=20).hits]
    assert before == after and len(before) > 3


def test_phrases_match_exactly_where_whoosh_phrase_matcher_does(segmented):
    archive, _ = segmented
    searcher = archive._current()
    snapshot = archive._arrays()
    checked = 0
    for docnum in list(searcher.reader().all_doc_ids())[:30]:
        words = analyze(searcher.stored_fields(docnum)["body"])
        for start in range(0, len(words) - 3, 7):
            for fieldname, phrase in (("body", words[start : start + 2]), ("title", words[:3])):
                expected = set(searcher.docs_for_query(wq.Phrase(fieldname, phrase)))
                found = set(np.flatnonzero(snapshot.phrase_holders(fieldname, phrase)).tolist())
                assert {d for d in found if not searcher.reader().is_deleted(d)} == expected
                checked += bool(expected)
    assert checked > 50


def test_snippets_mark_what_the_french_analyzer_marks(segmented):
    archive, _ = segmented
    searcher = archive._current()
    bodies = [searcher.stored_fields(d)["body"] for d in searcher.reader().all_doc_ids()]
    # Long texts too, where only the part around the first possible match is analysed.
    texts = bodies[:30] + ["\n".join(bodies[i : i + 6]) for i in range(0, 30, 6)]
    for text in texts:
        for terms in (set(analyze(text)[3:6]), set(analyze(text)[-2:])):
            marks = BeautifulSoup(make_snippet(text, terms), "html.parser").find_all("mark")
            assert marks
            assert all(set(analyze(mark.get_text())) & terms for mark in marks)


def test_snippet_marks_the_noun_ete_not_the_participle():
    snippet = make_snippet("Le maire a été élu cet été, comme l’été dernier.", {"ete"})
    assert snippet == "Le maire a été élu cet <mark>été</mark>, comme l’<mark>été</mark> dernier."


def test_titles_with_the_same_terms_count_as_one_title(tmp_path):
    articles = [
        {"id": "a", "title": "Coronavirus : le point", "text": FILLER},
        {"id": "b", "title": "Coronavirus: le point", "text": FILLER},
        {"id": "c", "title": "Le volcan gronde", "text": FILLER},
        {"id": "d", "title": "Élections municipales", "text": FILLER},
    ]
    index_files(tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", articles)])
    archive = Archive(tmp_path / "ix")
    try:
        assert archive._arrays().distinct_titles == 0.5
    finally:
        archive.close()


# Six distinct titles, and an article whose long text repeats the words side by side.
REPEATS = (
    "Le démarchage par courriel inquiète : la mairie veut s’opposer au démarchage par courriel. "
)
SHAPES = [
    {
        "id": "question",
        "title": "Démarchage par courriel : puis-je m’y opposer ?",
        "text": "Oui. L’envoi de messages publicitaires exige votre accord préalable. "
        + FILLER * 6,
    },
    {"id": "mairie", "title": "Le budget de la commune", "text": REPEATS * 4 + FILLER},
    *({"id": f"fichier-{n}", "title": f"Le fichier numéro {n}", "text": FILLER} for n in range(6)),
]


@pytest.mark.parametrize(
    "query, first",
    [
        ("Comment s’opposer au démarchage par courriel ?", "question"),
        ("Peut-on s’opposer au démarchage par courriel", "question"),
        ("démarchage courriel opposer", "question"),
        ("La mairie veut s’opposer au démarchage par courriel.", "mairie"),
    ],
)
def test_a_question_finds_the_title_that_asks_it_and_a_sentence_the_text_that_says_it(
    tmp_path, query, first
):
    assert ranked(tmp_path, SHAPES, query)[0] == first


PASTED = (
    "Le Parlement (après un long débat) a adopté la réforme ; les syndicats « appellent » à "
    "manifester et les retraités attendent les décrets de la réforme des retraites. "
)


@pytest.mark.parametrize(
    "text",
    [
        " ".join(f"mot{n}" for n in range(300)),
        PASTED * 12,
        "(" + PASTED * 12,
        "climat ET (" + " OU ".join(f"énergie{n}" for n in range(200)) + ")",
    ],
)
def test_searched_text_is_what_the_search_reads_of_a_long_query(text):
    searched = search.ranking.query.searched_text(text)
    assert len(searched) < len(text)
    whole, cut = search.ranking.query.parse_query(text), search.ranking.query.parse_query(searched)
    assert whole.truncated and not cut.truncated
    assert cut.query == whole.query and not cut.syntax_fallback


def test_searched_text_cuts_between_words_within_the_characters_allowed():
    text = " ".join(["anticonstitutionnellement"] * 100)
    searched = search.ranking.query.searched_text(text, max_chars=1000)
    assert len(searched) <= 1000 and text.startswith(searched)
    assert set(searched.split()) == {"anticonstitutionnellement"}
    assert search.ranking.query.searched_text("court", max_chars=1000) == "court"
