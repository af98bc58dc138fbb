"""The web app: search page, health check, errors and headers, through Flask and a real server."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from web import create_app


@pytest.fixture
def client(index_dir):
    return create_app({"INDEX": str(index_dir), "TESTING": True}).test_client()


def page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_home_page_offers_a_labelled_search_form(client):
    response = client.get("/")
    soup = page(response)
    assert response.status_code == 200
    assert soup.html["lang"] == "fr"
    field = soup.find("input", attrs={"name": "q"})
    assert field["type"] == "search"
    assert soup.find("label", attrs={"for": field["id"]})
    assert "7" in soup.h1.get_text()


def test_results_page_shows_highlighted_words_as_written(client):
    soup = page(client.get("/recherche?q=cybersecurite"))
    assert soup.find("h1").get_text(" ", strip=True).startswith("3 résultats")
    marks = {m.get_text() for m in soup.select(".hit mark")}
    assert {"cybersécurité", "Cybersécurité"} <= marks


def test_hostile_article_and_query_are_escaped(client):
    response = client.get("/recherche?q=<script>alert(1)</script> piégé")
    soup = page(response)
    assert soup.find("script") is None
    assert soup.find("input", attrs={"name": "q"})["value"] == "<script>alert(1)</script> piégé"


def test_empty_results_page_gives_suggestions(client):
    soup = page(client.get("/recherche?q=zzzzqqq"))
    assert "Aucun article" in soup.select_one(".empty").get_text()


def test_pager_links_keep_the_query(index_dir):
    app = create_app({"INDEX": str(index_dir), "PER_PAGE": 2})
    soup = page(app.test_client().get("/recherche?q=cyber*"))
    link = soup.find("a", rel="next")
    assert link["href"] == "/recherche?q=cyber*&page=2"


@pytest.mark.parametrize("value", ["0", "-1", "abc"])
def test_invalid_page_is_a_400_in_french(client, value):
    response = client.get(f"/recherche?q=cyber&page={value}")
    assert response.status_code == 400
    assert "invalide" in page(response).get_text()


def test_health_check_reports_the_document_count(client):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["documents"] == 7


def test_missing_index_is_a_503_that_says_which_command_to_run(tmp_path):
    client = create_app({"INDEX": str(tmp_path / "none")}).test_client()
    response = client.get("/recherche?q=test")
    assert response.status_code == 503
    assert "fouille index" in page(response).get_text()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["error"]["code"] == "index_missing"


def test_security_headers_forbid_inline_script(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_unknown_page_is_a_french_404(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "n’existe pas" in page(response).get_text()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_fouille_serve_answers_over_http_with_a_real_server(index_dir):
    port = free_port()
    fouille = Path(sys.executable).with_name("fouille")
    server = subprocess.Popen(
        [fouille, "serve", "--index", index_dir, "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONWARNINGS": ""},
    )
    try:
        body = _get_json(f"http://127.0.0.1:{port}/healthz")
        assert body["documents"] == 7
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/recherche?q=%C3%A9t%C3%A9") as r:
            assert "<mark>été</mark>" in r.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=20)
        server.stderr.close()


def _get_json(url: str, wait: float = 20.0) -> dict:
    deadline = time.monotonic() + wait
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.load(response)
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
