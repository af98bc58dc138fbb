"""Facets: a value counts what the list it opens totals; one name's spellings are one value."""

import gzip
import itertools
import re
from collections import Counter

import pytest
from test_pages import NNBSP, facets, get, params, text, total

from conftest import SHARED, write_jsonl
from search import Archive, Filters, Period, index_files, label_key
from web import create_app

CORPUS = SHARED / "corpus" / "orangesum.jsonl.gz"
FILTERS = {"section": "sections", "author": "authors", "source": "sources", "tags": "tags"}


def dispatch(topic: str) -> str:
    """Return a wire story long enough for its reprises to be recognised as copies."""
    return " ".join(
        f"{sentence} {topic}, selon les derniers chiffres publiés par la préfecture."
        for sentence in (
            "Les vendanges ont commencé plus tôt que prévu dans le vignoble de",
            "Les viticulteurs redoutent une récolte réduite après la grêle tombée sur",
            "Les coopératives ont embauché deux fois plus de saisonniers cette année à",
            "La pluie de la semaine dernière a retardé la cueillette des cépages blancs à",
            "Les négociants attendent un millésime de qualité malgré des volumes faibles à",
            "Les élus demandent une aide exceptionnelle pour les exploitations sinistrées de",
            "Les écoles d'œnologie ont ouvert leurs portes aux visiteurs venus à",
            "Une fête des vendanges réunira les habitants dimanche sur la place de",
        )
    )


def article(ident, text_, author, source, tags, published, section="Économie") -> dict:
    return {
        "id": ident,
        "title": f"Vendanges : {ident}",
        "text": text_,
        "author": author,
        "source": source,
        "tags": tags,
        "section": section,
        "published": published,
    }


CHABLIS, CAHORS = dispatch("Chablis"), dispatch("Cahors")
ARTICLES = [
    # One dispatch taken up three times, by outlets that spell one another differently.
    article("chablis-1", CHABLIS, "AFP", "6Medias", ["cybersécurité"], "2021-09-01T08:00"),
    article("chablis-2", CHABLIS, "AFP", "6médias", ["cyber-sécurité"], "2021-09-01T10:00"),
    article(
        "chablis-3",
        CHABLIS,
        "Orange avec Media Services",
        "Source L'Opinion",
        ["cyber sécurité", "viticulture"],
        "2021-09-02T09:00",
        section="France",
    ),
    # Another, twice.
    article(
        "cahors-1",
        CAHORS,
        "Orange avec Media services",
        "source L'Opinion",
        ["viticulture"],
        "2021-10-04",
    ),
    article(
        "cahors-2",
        CAHORS,
        "orange avec Media-Services",
        "L’Opinion",
        ["Viticulture"],
        "2021-10-05",
    ),
    # Articles of their own.
    article(
        "breve-1",
        "Les vendanges de Chinon s'achèvent sous le soleil.",
        "AFP",
        "6Medias",
        ["cybersécurité"],
        "2021-09-20",
    ),
    article(
        "breve-2",
        "Fin des vendanges à Saumur, où la récolte est abondante.",
        "Jeanne Martin",
        "Source : 6Médias",
        ["cyber-sécurité", "cybersécurité", "vendanges"],
        "2021-10-12",
        section="France",
    ),
    article(
        "breve-3",
        "Les vendanges de Sancerre mobilisent des étudiants.",
        "Jeanne Martin",
        "Exemple Presse",
        ["vendanges"],
        "2021-09-15",
    ),
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("facets")
    index_files(folder / "index", [write_jsonl(folder / "articles.jsonl", ARTICLES)])
    return folder / "index"


@pytest.fixture
def client(index_dir):
    return create_app({"INDEX": str(index_dir), "TESTING": True}).test_client()


@pytest.fixture
def archive(index_dir):
    archive = Archive(index_dir)
    yield archive
    archive.close()


def opened_totals(client, url: str) -> list[tuple[str, str, int, int]]:
    """Return (facet, value, count shown, total of the page its link opens) for every value."""
    found = []
    for title, values in facets(get(client, url)).items():
        for value, (href, count) in values.items():
            found.append((title, value, count, total(get(client, href))))
    return found


# What a facet value's count means


@pytest.mark.parametrize("query", ["vendanges", "récolte"])
@pytest.mark.parametrize("shown", ["", "&doublons=afficher"], ids=["folded", "every-copy"])
def test_each_facet_value_counts_the_total_of_the_page_it_opens(client, query, shown):
    found = opened_totals(client, f"/recherche?q={query}{shown}")
    assert len(found) >= 10
    assert [(t, v, c, opened) for t, v, c, opened in found if c != opened] == []


def test_facet_counts_fold_reprises_as_the_result_list_does(archive):
    results = archive.search_articles("vendanges")
    counts = {f.name: {v.value: v.count for v in f.values} for f in results.facets}
    # Eight articles, two of them reprises of chablis-1 and one of cahors-1.
    assert (results.total, results.folded) == (5, 3)
    assert counts["year"] == {"2021": 5}
    assert counts["section"] == {"Économie": 4, "France": 2}
    assert counts["author"] == {"AFP": 2, "Jeanne Martin": 2, "Orange avec Media Services": 2}
    raw = archive.search_articles("vendanges", collapse=False)
    assert {v.value: v.count for v in raw.facets[4].values} == {"2021": 8}


def test_facet_counts_of_the_api_equal_the_totals_of_their_filters(client):
    body = client.get("/api/search?q=vendanges").get_json()
    param = {"section": "rubrique", "author": "auteur", "source": "source", "tags": "motcle"}
    for name, values in body["facets"].items():
        for value in values:
            url = f"/api/search?q=vendanges&{param.get(name, 'annee')}={value['value']}"
            assert client.get(url).get_json()["total"] == value["count"], (name, value)


# Spellings


@pytest.mark.parametrize(
    "family",
    [
        ("6Medias", "6medias", "6Médias", "6 Médias", "Source : 6Médias", "source 6MEDIAS"),
        ("Source L'Opinion", "source L'Opinion", "L’Opinion", "l'Opinion", "Source :L'Opinion"),
        ("cybersécurité", "cyber sécurité", "cyber-sécurité", "Cyber-Sécurité"),
        ("Orange avec Media Services", "Orange avec Media services", "Orange avec Média-Services"),
        ("BVA - Orange", "BVA-Orange", "BVA  Orange", "BVA / Orange"),
    ],
)
def test_spellings_of_one_name_have_one_key(family):
    assert len({label_key(spelling) for spelling in family}) == 1


@pytest.mark.parametrize(
    "names",
    [
        ("Orange avec AFP", "Orange avec AFP-Services"),
        ("Sources d’Europe", "Europe"),
        ("Source", "Sources"),
        ("BVA - Orange", "Orange - BVA"),
    ],
)
def test_different_names_keep_different_keys(names):
    assert len({label_key(name) for name in names}) == len(names)


def test_facets_show_one_value_per_name_in_its_most_written_spelling(archive):
    counts = {
        f.name: {v.value: v.count for v in f.values} for f in archive.search_articles("").facets
    }
    assert counts["source"] == {"6Medias": 3, "L'Opinion": 2, "Exemple Presse": 1}
    assert counts["tags"] == {"cybersécurité": 3, "vendanges": 2, "viticulture": 2}
    assert counts["author"]["Orange avec Media Services"] == 2


@pytest.mark.parametrize(
    ("param", "spellings", "expected"),
    [
        ("source", ["6medias", "6Médias", "SOURCE : 6 MEDIAS"], 4),
        ("source", ["L'Opinion", "l’opinion", "source lopinion"], 3),
        ("motcle", ["cybersécurité", "Cyber sécurité", "cyber-securite"], 5),
        ("auteur", ["orange avec media services", "Orange avec Média-Services"], 3),
    ],
)
def test_any_spelling_of_a_value_selects_the_articles_of_every_spelling(
    client, param, spellings, expected
):
    found = [
        sorted(
            hit["id"]
            for hit in client.get(
                f"/api/search?{param}={spelling}&doublons=afficher&per_page=100"
            ).get_json()["hits"]
        )
        for spelling in spellings
    ]
    assert len(found[0]) == expected
    assert all(ids == found[0] for ids in found)


def test_value_chosen_in_another_spelling_is_marked_and_its_link_removes_it(client):
    page = get(client, "/recherche?q=vendanges&source=6medias")
    link = page.select_one("aside.facets a[aria-current]")
    assert text(link) == "6Medias"
    assert params(link["href"]) == [("q", "vendanges")]


def test_export_and_concordance_filters_select_every_spelling(client):
    rows = client.get("/export/resultats.json?q=vendanges&source=6m%C3%A9dias").get_json()["rows"]
    assert sorted(row["source"] for row in rows) == [
        "6Medias",
        "6Medias",
        "6médias",
        "Source : 6Médias",
    ]
    lines = client.get("/api/concordance?q=vendanges&source=SOURCE+6MEDIAS").get_json()
    # One article of the cluster that two of them belong to.
    found = {line["article_id"] for line in lines["lines"]}
    assert len(found) == 3 and found - {"chablis-1", "chablis-2"} == {"breve-1", "breve-2"}


# Trends


def legend(client, url: str) -> dict[str, int]:
    """Return the trend legend as {query: articles}."""
    found = {}
    for item in get(client, url).select("ul.legend li"):
        query, count = re.match(r"(.+) : ([\d\u202f]+) articles?", text(item)).groups()
        found[query] = int(count.replace(NNBSP, ""))
    return found


@pytest.mark.parametrize("shown", ["", "&doublons=afficher"], ids=["folded", "every-copy"])
def test_trend_legend_is_the_results_total_and_the_sum_of_its_bars(client, shown):
    url = f"/tendances?q=vendanges&q=viticulture&par=mois{shown}"
    body = client.get(url.replace("/tendances", "/api/trends")).get_json()
    for query, count in legend(client, url).items():
        series = next(t["series"] for t in body["trends"] if t["query"] == query)
        assert count == sum(point["count"] for point in series)
        assert count == total(get(client, f"/recherche?q={query}{shown}"))


def test_trend_facets_count_as_the_results_and_group_spellings(archive):
    (trend,) = archive.trends(["vendanges"], Filters(), Period.MONTH).trends
    results = archive.search_articles("vendanges")
    assert trend.matches == results.total == 5
    assert [(f.name, f.values) for f in trend.facets] == [
        (f.name, f.values) for f in results.facets if f.name != "year"
    ]


# The real corpus


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    if not CORPUS.exists():
        pytest.skip(f"real corpus not found at {CORPUS}")
    folder = tmp_path_factory.mktemp("real")
    # The first 400 articles hold 35 clusters of reprises, and authors spelt several ways.
    lines = list(itertools.islice(gzip.open(CORPUS, "rt", encoding="utf-8"), 400))
    (folder / "slice.jsonl").write_text("".join(lines), "utf-8")
    index_files(folder / "ix", [folder / "slice.jsonl"])
    archive = Archive(folder / "ix")
    yield archive
    archive.close()


@pytest.mark.parametrize("query", ["", "gouvernement", "coronavirus"])
def test_real_facet_counts_equal_the_totals_of_the_lists_they_open(real, query):
    results = real.search_articles(query)
    assert results.folded > 0
    mismatched = []
    for facet in results.facets:
        for value in facet.values:
            chosen = int(value.value) if facet.name == "year" else value.value
            opened = real.search_articles(
                query, Filters(**{FILTERS.get(facet.name, "years"): (chosen,)})
            )
            if opened.total != value.count:
                mismatched.append((facet.name, value, opened.total))
    assert mismatched == []


def test_real_trend_legend_counts_as_the_results(real):
    (trend,) = real.trends(["coronavirus"], Filters(), Period.MONTH).trends
    assert trend.matches == real.search_articles("coronavirus").total
    # A cluster with copies in two months would count in both bars; none has here.
    assert trend.matches == sum(point.count for point in trend.points) + trend.undated
    assert trend.matches < real.search_articles("coronavirus", collapse=False).total
    assert Counter(f.name for f in trend.facets) == Counter(
        ["section", "author", "source", "tags"]
    )
