"""Generated requests on every route: never a 500, never an injected tag, never a held worker.

Hypothesis draws each route's parameters from text a reader types, text an attacker types
(markup, control characters, digits of other scripts, operators, wildcards) and the requests
that once broke the site (bench/fuzz.py holds the strategies; it also runs them against a
real server at scale). FOUILLE_FUZZ_EXAMPLES sets the examples per route (200 by default).
"""

import os
import time
from xml.etree import ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from flask import url_for
from hypothesis import HealthCheck, given, settings

from bench.fuzz import ROUTES, article_ids, injected, params, url_of, with_explicit_examples
from web import create_app

EXAMPLES = int(os.environ.get("FOUILLE_FUZZ_EXAMPLES", "200"))
BUDGET = 0.8
# A request may take its time budget plus what rendering the page costs, never more.
SLACK = 1.0
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def client(index_dir):
    app = create_app({"INDEX": str(index_dir), "TESTING": True, "TIME_BUDGET": BUDGET})
    return app.test_client()


def check(client, url: str) -> None:
    started = time.perf_counter()
    response = client.get(url)
    body = response.get_data(as_text=True)
    took = time.perf_counter() - started
    assert response.status_code < 500, (url, response.status_code, body[:300])
    assert took < BUDGET + SLACK, (url, took)
    if url.startswith(("/api/", "/healthz")):
        assert response.mimetype == "application/json", url
    elif response.mimetype == "application/atom+xml":
        # Well-formed whatever the query: a reader refuses a whole feed for one bad character.
        ET.fromstring(body.encode())
    elif response.mimetype == "text/html":
        assert not injected(body), url
        # Parsed, not matched: an injected element would appear as an element.
        assert not BeautifulSoup(body, "html.parser").find("fuzz-tag"), url


@pytest.mark.parametrize("path", ROUTES)
def test_route_never_fails_on_generated_parameters(client, path):
    @FUZZ
    @given(pairs=params)
    @with_explicit_examples
    def run(pairs):
        check(client, url_of(path, pairs))

    run()


@pytest.mark.parametrize("endpoint", ["pages.article_page", "api.article"])
def test_article_routes_never_fail_on_generated_ids(client, endpoint):
    @FUZZ
    @given(article_id=article_ids)
    def run(article_id):
        with client.application.test_request_context():
            url = url_for(endpoint, article_id=article_id)
        check(client, url)

    run()
