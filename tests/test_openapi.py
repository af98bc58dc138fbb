"""The OpenAPI document describes the JSON API as the app serves it, so it cannot drift."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from conftest import ROOT
from web import create_app
from web.param_table import ROUTES, Kind, parameters_of

JSON_ENDPOINTS = sorted(endpoint for endpoint, route in ROUTES.items() if route.json)


@pytest.fixture(scope="module")
def app(index_dir):
    return create_app({"INDEX": str(index_dir), "TESTING": True})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def rules(app) -> dict[str, object]:
    """Return each JSON route's Flask rule by endpoint."""
    return {r.endpoint: r for r in app.url_map.iter_rules() if r.endpoint in JSON_ENDPOINTS}


def operation(app, document, endpoint: str) -> dict:
    path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rules(app)[endpoint].rule)
    return document["paths"][path]["get"]


def test_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_document_has_every_json_route_of_the_app_and_no_other(app, document):
    assert set(rules(app)) == set(JSON_ENDPOINTS)
    assert len(document["paths"]) == len(JSON_ENDPOINTS)
    for endpoint in JSON_ENDPOINTS:
        assert operation(app, document, endpoint)["summary"] == ROUTES[endpoint].summary


@pytest.mark.parametrize("endpoint", JSON_ENDPOINTS)
def test_each_route_lists_the_parameters_it_reads(app, document, endpoint):
    described = {p["name"]: p for p in operation(app, document, endpoint).get("parameters", [])}
    path_names = rules(app)[endpoint].arguments
    assert set(described) == path_names | {p.name for p in parameters_of(endpoint)}
    for name in path_names:
        assert described[name]["in"] == "path" and described[name]["required"] is True
    for param in parameters_of(endpoint):
        entry = described[param.name]
        assert entry["in"] == "query" and entry["required"] is (endpoint in param.required)
        assert param.description in entry["description"]
        schema = entry["schema"]
        if param.repeatable:
            assert (schema["type"], entry["explode"]) == ("array", True)
            assert schema["maxItems"] == param.max_values
            schema = schema["items"]
        if param.kind is Kind.CHOICE:
            assert schema["enum"] == [c.value for c in param.choices]
            assert schema["default"] == param.default
        if param.kind is Kind.INTEGER:
            assert schema["type"] == "integer"
            assert (schema.get("minimum"), schema.get("maximum")) == (param.minimum, param.maximum)


@pytest.mark.parametrize(
    ("address", "status"),
    [
        ("/api/search?q=cybersécurité&per_page=2", "200"),
        ("/api/search?q=retraites&tri=recent&doublons=afficher", "200"),
        ("/api/search?q=zzzzinconnu", "200"),
        ("/api/article/cyber-1", "200"),
        ("/api/suggest?q=cyb", "200"),
        ("/healthz", "200"),
        ("/api/search?q=climat&page=0", "400"),
        ("/api/trends", "400"),
        ("/api/article/inconnu", "404"),
    ],
)
def test_real_answers_match_the_described_schemas(app, client, document, address, status):
    response = client.get(address)
    assert str(response.status_code) == status
    endpoint = app.url_map.bind("localhost").match(address.split("?")[0])[0]
    described = operation(app, document, endpoint)["responses"][status]
    schema = described["content"]["application/json"]["schema"]
    # The components travel with the schema, so that its references resolve.
    validator = Draft202012Validator(schema | {"components": document["components"]})
    errors = [e.message for e in validator.iter_errors(response.get_json())]
    assert errors == []


def test_api_page_links_the_document_and_lists_every_route(client, document):
    response = client.get("/api")
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert response.status_code == 200 and page.html["lang"] == "fr"
    assert page.find("a", href="/api/openapi.json")
    assert page.find("footer").find("a", href="/api", string="API")
    listed = [h3.get_text() for h3 in page.select("section.route h3")]
    assert listed == [f"GET {path}" for path in document["paths"]]
    search = page.find("h3", string="GET /api/search").parent
    assert [dt.code.get_text() for dt in search.find_all("dt")][:2] == ["q", "page"]


def test_readme_api_section_points_to_the_document():
    readme = (ROOT / "README.md").read_text("utf-8")
    api = readme.split("JSON API:", 1)[1].split("###", 1)[0]
    assert "/api/openapi.json" in api and "`/api`" in api
