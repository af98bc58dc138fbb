"""The table of URL parameters and the routes agree: each route checks each parameter it takes.

The cases are drawn from the table itself (web/param_table.py): a route the table leaves out,
an entry a route does not check, or a view reading request.args itself fails here.
"""

from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from flask import url_for

from conftest import ROOT
from web import create_app
from web.param_table import PARAMETERS, ROUTES, Kind, parameters_of

# Values of the path's own parts, for the routes that have some.
PATH_VALUES = {"article_id": "cyber-1", "fmt": "csv"}
BAD = {Kind.INTEGER: "abc", Kind.DATE: "2021-02-30", Kind.YEAR: "abc", Kind.CHOICE: "bidon"}
TAKEN = [(endpoint, param) for endpoint in ROUTES for param in parameters_of(endpoint)]


def cases(rows) -> list:
    """Return parametrize cases named after their route and parameter."""
    return [pytest.param(*row, id=f"{row[0]}-{row[1].name}") for row in rows]


@pytest.fixture(scope="module")
def app(index_dir):
    return create_app({"INDEX": str(index_dir), "TESTING": True})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def url(app, endpoint: str, pairs: list[tuple[str, str]], omit: tuple[str, ...] = ()) -> str:
    """Return endpoint's URL with pairs, plus an example of each other required parameter."""
    given = {name for name, _ in pairs} | set(omit)
    required = [
        (p.name, p.example)
        for p in parameters_of(endpoint)
        if endpoint in p.required and p.name not in given
    ]
    with app.test_request_context():
        path = url_for(
            endpoint, **{k: v for k, v in PATH_VALUES.items() if k in _parts(app, endpoint)}
        )
    query = urlencode(required + pairs)
    return path + (f"?{query}" if query else "")


def _parts(app, endpoint: str) -> set[str]:
    return next(rule.arguments for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)


def status(client, address: str) -> int:
    """Return the status address answers, its body read (downloads are streamed)."""
    # A redirecting route (the header's new search) is judged by the page it leads to.
    with client.get(address, follow_redirects=True) as response:
        response.get_data()
        return response.status_code


def refusal(client, address: str, endpoint: str, name: str) -> str:
    """Return the message of the 400 that address answers, checked to name parameter name."""
    with client.get(address) as response:
        response.get_data()
    assert response.status_code == 400, address
    if ROUTES[endpoint].json:
        error = response.get_json()["error"]
        assert error["parameter"] == name
        message = error["message"]
    else:
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        assert page.html["lang"] == "fr" and page.h1.get_text() == "Recherche impossible"
        message = page.select_one("section.error p").get_text()
    assert message.startswith(f"Paramètre « {name} » : "), message
    return message


def distinct_values(param, count: int) -> list[str]:
    if param.kind is Kind.YEAR:
        return [str(1990 + i) for i in range(count)]
    if param.repeatable:
        return [f"{param.example} {i}" for i in range(count)]
    return [param.example] * count


def test_every_route_of_the_app_is_in_the_table_and_no_other(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert set(ROUTES) == endpoints
    assert {route for p in PARAMETERS for route in p.routes} <= endpoints


def test_a_parameter_has_one_entry_per_route():
    pairs = [(endpoint, p.name) for endpoint, p in TAKEN]
    assert len(pairs) == len(set(pairs))


def test_routes_read_parameters_only_through_the_table():
    # links.py passes the parameters on unread; errors.py shows q back in the header's box.
    readers = {
        path.name
        for path in (ROOT / "web").glob("*.py")
        if "request.args" in path.read_text("utf-8")
    }
    assert readers <= {"params.py", "links.py", "errors.py"}


@pytest.mark.parametrize("param", PARAMETERS, ids=lambda p: p.name)
def test_readme_documents_every_parameter_and_accepted_value(param):
    readme = (ROOT / "README.md").read_text("utf-8")
    assert all(f"`{word}`" in readme for word in [param.name, *(c.value for c in param.choices)])


@pytest.mark.parametrize(("endpoint", "param"), cases(TAKEN))
def test_good_value_is_accepted(app, client, endpoint, param):
    address = url(app, endpoint, [(param.name, param.example)])
    assert status(client, address) == 200, address


@pytest.mark.parametrize(("endpoint", "param"), cases((e, p) for e, p in TAKEN if p.kind in BAD))
def test_bad_value_is_refused_naming_the_parameter_and_what_it_accepts(
    app, client, endpoint, param
):
    message = refusal(
        client, url(app, endpoint, [(param.name, BAD[param.kind])]), endpoint, param.name
    )
    assert f"« {BAD[param.kind]} » n’est pas acceptée" in message
    assert message.endswith(param.accepted)


@pytest.mark.parametrize(
    ("endpoint", "param", "value"),
    cases(
        (endpoint, param, str(bound + step))
        for endpoint, param in TAKEN
        for bound, step in ((param.minimum, -1), (param.maximum, 1))
        if bound is not None
    ),
)
def test_number_out_of_range_is_refused(app, client, endpoint, param, value):
    refusal(client, url(app, endpoint, [(param.name, value)]), endpoint, param.name)


@pytest.mark.parametrize(("endpoint", "param"), cases(TAKEN))
def test_one_value_too_many_is_refused(app, client, endpoint, param):
    pairs = [(param.name, v) for v in distinct_values(param, param.max_values + 1)]
    message = refusal(client, url(app, endpoint, pairs), endpoint, param.name)
    assert message.endswith(param.accepted)


@pytest.mark.parametrize(("endpoint", "param"), cases((e, p) for e, p in TAKEN if e in p.required))
def test_required_parameter_is_asked_for(app, client, endpoint, param):
    address = url(app, endpoint, [("utm_source", "lettre")], omit=(param.name,))
    message = refusal(client, address, endpoint, param.name)
    assert f"{param.name}={param.example}" in message


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_unknown_parameters_are_ignored(app, client, endpoint):
    pairs = [("utm_source", "lettre"), ("utm_source", "autre"), ("fbclid", "x")]
    assert status(client, url(app, endpoint, pairs)) == 200


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_empty_values_count_as_absent(app, client, endpoint):
    pairs = [(p.name, "") for p in parameters_of(endpoint) if endpoint not in p.required]
    assert status(client, url(app, endpoint, pairs)) == 200


@pytest.mark.parametrize(("path", "name"), [("/api/search", "tri"), ("/api/search", "doublons")])
def test_search_api_refuses_values_it_once_ignored(client, path, name):
    error = client.get(f"{path}?q=cyber&{name}=bidon").get_json()["error"]
    assert error["parameter"] == name and "Valeurs acceptées" in error["message"]


def test_a_year_that_is_not_four_digits_says_how_to_write_a_year(client):
    message = client.get("/api/search?q=cyber&annee=abc").get_json()["error"]["message"]
    assert message == (
        "Paramètre « annee » : la valeur « abc » n’est pas acceptée. "
        "Écrivez l’année sur quatre chiffres (AAAA), par exemple 2021."
    )


def test_a_long_bad_value_is_quoted_cut(client):
    message = client.get("/api/search?q=cyber&tri=" + "x" * 500).get_json()["error"]["message"]
    assert "« " + "x" * 40 + "… »" in message and len(message) < 200
