"""The JSON API and the health check, through Flask's test client and the CLI."""

import json
from datetime import datetime
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner

from search.cli import cli
from search.store.index import create_index
from web import create_app


@pytest.fixture
def client(index_dir):
    return create_app({"INDEX": str(index_dir), "TESTING": True}).test_client()


def get_json(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, url
    assert response.mimetype == "application/json"
    return response.get_json()


def search(client, **params) -> dict:
    return get_json(client, "/api/search?" + urlencode(params, doseq=True))


def ids(body: dict) -> list[str]:
    return [hit["id"] for hit in body["hits"]]


def test_search_returns_the_documented_keys(client):
    body = search(client, q="cybersecurite")
    took_ms, hits, facets = body.pop("took_ms"), body.pop("hits"), body.pop("facets")
    assert body == {
        "query": "cybersecurite",
        "total": 3,
        "page": 1,
        "per_page": 10,
        "syntax_fallback": False,
        "truncated": False,
        "suggestion": None,
        "folded": 0,
        "partial": False,
        "wildcards_capped": False,
        "missing_shards": [],
    }
    assert took_ms >= 0 and len(hits) == 3
    assert set(facets) == {"section", "author", "source", "tags", "year"}
    assert facets["section"] == [
        {"value": "Cybersécurité", "count": 2},
        {"value": "Numérique", "count": 1},
    ]


def test_search_hit_carries_the_article_and_a_marked_snippet(client):
    [hit] = [h for h in search(client, q="cybersecurite")["hits"] if h["id"] == "cyber-1"]
    assert hit.pop("score") > 0
    assert hit == {
        "id": "cyber-1",
        "title": "Cybersécurité : les hôpitaux face aux rançongiciels",
        "url": "https://www.exemple-presse.fr/cyber-1",
        "published": "2021-03-12T08:30:00",
        "author": "Claire Dubois",
        "source": "Exemple Presse",
        "section": "Cybersécurité",
        "tags": ["rançongiciel", "hôpitaux"],
        "snippet": "La <mark>cybersécurité</mark> des hôpitaux est devenue une priorité. "
        "Jusqu’ici, les attaques visaient surtout les entreprises.",
        "duplicates": [],
    }


def test_search_escapes_hostile_text_in_snippets(client):
    [hit] = search(client, q="piégé")["hits"]
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in hit["snippet"]
    assert "<script>" not in hit["snippet"] and "<b>" not in hit["snippet"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "cyber*", "rubrique": "Cybersécurité"}, {"cyber-1", "cyber-2"}),
        (
            {"q": "cyber*", "rubrique": ["Cybersécurité", "Culture"]},
            {"cyber-1", "cyber-2", "cyber-3"},
        ),
        ({"q": "cyber*", "rubrique": "Cybersécurité", "auteur": "Claire Dubois"}, {"cyber-1"}),
        ({"source": "Les Échos du Midi"}, {"retraites-1", "retraites-2"}),
        ({"motcle": "climat"}, {"ete-1"}),
        ({"annee": "2023"}, {"retraites-1", "retraites-2"}),
        ({"q": "cyber*", "du": "2020-01-01", "au": "2021-12-31"}, {"cyber-1", "hostile-1"}),
        ({"q": "cyber*", "du": "2021-03-12", "au": "2021-03-12"}, {"cyber-1"}),
        ({"q": "cyber*", "rubrique": "Inconnue"}, set()),
    ],
)
def test_search_filters_like_the_page(client, params, expected):
    body = search(client, **params)
    assert set(ids(body)) == expected and body["total"] == len(expected)


@pytest.mark.parametrize(("tri", "newest_first"), [("recent", True), ("ancien", False)])
def test_search_sorts_by_date(client, tri, newest_first):
    dates = [hit["published"] for hit in search(client, q="cyber*", tri=tri)["hits"]]
    assert len(dates) == 4 and dates == sorted(dates, reverse=newest_first)


def test_score_is_null_when_sorted_by_date(client):
    relevance = [h["score"] for h in search(client, q="cyber*")["hits"]]
    by_date = [h["score"] for h in search(client, q="cyber*", tri="recent")["hits"]]
    assert all(isinstance(s, float) and s > 0 for s in relevance)
    assert by_date == [None] * len(relevance)


def test_search_pages_do_not_overlap(client):
    first = search(client, q="cyber*", per_page=2)
    second = search(client, q="cyber*", per_page=2, page=2)
    assert (first["per_page"], second["page"]) == (2, 2)
    assert sorted(ids(first) + ids(second)) == sorted(ids(search(client, q="cyber*")))


def test_page_beyond_the_last_is_empty(client):
    body = search(client, q="cyber*", page=10**9)
    assert (body["total"], body["page"], body["hits"]) == (4, 10**9, [])


def test_search_reports_syntax_fallback_truncation_and_suggestion(client):
    assert search(client, q='"réforme')["syntax_fallback"] is True
    assert search(client, q=" ".join(["cyber"] * 200))["truncated"] is True
    assert search(client, q="retraittes")["suggestion"] == "retraites"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("per_page=101", "invalid_page_size"),
        ("per_page=-3", "invalid_page_size"),
        ("per_page=0", "invalid_page_size"),
        ("per_page=abc", "invalid_page_size"),
        ("page=-1", "invalid_page"),
        ("page=abc", "invalid_page"),
        ("du=hier", "invalid_date"),
        ("annee=20x1", "invalid_date"),
        ("du=2023-01-01&au=2020-01-01", "invalid_date_range"),
    ],
)
def test_bad_search_parameter_is_a_json_400(client, query, code):
    error = get_json(client, f"/api/search?q=cyber&{query}", 400)["error"]
    assert error["code"] == code
    assert error["message"].endswith(".") and " " in error["message"]


def test_page_size_error_says_the_limit(client):
    assert "100" in get_json(client, "/api/search?q=cyber&per_page=101", 400)["error"]["message"]


def test_article_returns_the_whole_article(client):
    body = get_json(client, "/api/article/cyber-1")
    assert body == {
        "id": "cyber-1",
        "title": "Cybersécurité : les hôpitaux face aux rançongiciels",
        "url": "https://www.exemple-presse.fr/cyber-1",
        "published": "2021-03-12T08:30:00",
        "author": "Claire Dubois",
        "source": "Exemple Presse",
        "section": "Cybersécurité",
        "tags": ["rançongiciel", "hôpitaux"],
        "summary": "Les établissements de santé renforcent leur défense.",
        "body": "La cybersécurité des hôpitaux est devenue une priorité. "
        "Jusqu’ici, les attaques visaient surtout les entreprises.",
    }


def test_suggest_completes_words_and_titles_by_prefix(client):
    body = get_json(client, "/api/suggest?q=cyb")
    assert body["words"] and all(w.startswith("cyb") for w in body["words"])
    assert {t["id"] for t in body["titles"]} == {"cyber-1", "cyber-2", "cyber-3"}
    for title in body["titles"]:
        assert get_json(client, f"/api/article/{title['id']}")["title"] == title["title"]


@pytest.mark.parametrize("prefix", ["c", "", " "])
def test_suggest_needs_two_letters(client, prefix):
    body = get_json(client, "/api/suggest?" + urlencode({"q": prefix}))
    assert (body["words"], body["titles"]) == ([], [])


def test_health_check_reports_documents_and_last_update(client):
    body = get_json(client, "/healthz")
    assert (body["status"], body["documents"]) == ("ok", 7)
    assert datetime.fromisoformat(body["last_update"])


@pytest.mark.parametrize(
    ("method", "url", "status", "code"),
    [
        ("GET", "/api/search?page=-1", 400, "invalid_page"),
        ("GET", "/api/article/inconnu", 404, "not_found"),
        ("GET", "/api/nulle-part", 404, "not_found"),
        ("POST", "/api/search", 405, "method_not_allowed"),
    ],
)
def test_every_api_error_is_json(client, method, url, status, code):
    response = client.open(url, method=method)
    assert (response.status_code, response.mimetype) == (status, "application/json")
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]


@pytest.mark.parametrize(
    "url", ["/healthz", "/api/search?q=cyber", "/api/article/cyber-1", "/api/suggest?q=cyb"]
)
def test_missing_index_is_a_json_503(tmp_path, url):
    client = create_app({"INDEX": str(tmp_path / "absent")}).test_client()
    error = get_json(client, url, 503)["error"]
    assert error["code"] == "index_missing" and "fouille index" in error["message"]


@pytest.mark.parametrize("url", ["/healthz", "/api/search?q=cyber"])
def test_empty_index_is_a_json_503(tmp_path, url):
    create_index(tmp_path)
    client = create_app({"INDEX": str(tmp_path)}).test_client()
    error = get_json(client, url, 503)["error"]
    assert error["code"] == "index_empty" and "fouille index" in error["message"]


@pytest.mark.parametrize(
    ("params", "options"),
    [
        ({"q": "cybersecurite"}, []),
        ({"q": "réforme", "tri": "ancien"}, ["--sort", "ancien"]),
        (
            {"q": "cyber*", "rubrique": "Cybersécurité", "per_page": 1, "page": 2},
            ["--section", "Cybersécurité", "--limit", "1", "--page", "2"],
        ),
        ({"q": "retraittes"}, []),
    ],
)
def test_cli_json_is_the_api_answer(client, index_dir, params, options):
    api = search(client, **params)
    result = CliRunner().invoke(
        cli, ["search", params["q"], "--json", "--index", str(index_dir), *options]
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed.pop("took_ms") >= 0
    api.pop("took_ms")
    assert printed == api


def test_deeply_nested_brackets_are_not_a_500(index_dir):
    client = create_app({"INDEX": str(index_dir)}).test_client()
    response = client.get("/api/search?" + urlencode({"q": "(" * 300 + "cyber" + ")" * 300}))
    assert response.status_code == 200
