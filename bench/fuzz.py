"""Generated requests on every route of a running site: statuses, slowest, injected markup.

Usage: python -m bench.fuzz INDEX [--examples 1000] [--out FILE.json]

Serves INDEX with ``fouille serve`` (two workers), sends each route the requests Hypothesis
generates from the strategies below (shared with tests/test_fuzz.py) plus the requests that
once broke the site (EXPLICIT), and reports per route the status counts, the slowest
requests and any HTML answer that carries an injected tag unescaped (docs/RELIABILITY.md).
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from .load import serve

TAG = "<fuzz-tag"
PARAMS = [
    "q", "page", "per_page", "tri", "rubrique", "auteur", "source", "motcle", "annee", "du",
    "au", "doublons", "par", "mesure",
]  # fmt: skip
WORDS = [
    "retraites", "cybersécurité", "réforme", "été", "climat", "AND", "OR", "NOT", "ET", "OU",
    "SAUF", "de", "le", "*", "*a*", "cyber*", "a*", '"', "(", ")", "[", "}", "+", "-", "titre:",
    "auteur:", "²", "①", "٣", "2020", "0", "-1", "10000000000000000000", "2021-13-45",
    "2021-03-12", f"{TAG}>", f'"><{TAG[1:]} x=1>', "\x00", "\u202e", "l’été", "%00", "..",
]  # fmt: skip
word = st.one_of(st.sampled_from(WORDS), st.text(max_size=12))
value = st.lists(word, max_size=6).map(" ".join)
params = st.lists(
    st.tuples(st.one_of(st.sampled_from(PARAMS), st.text(max_size=5)), value), max_size=8
)
article_ids = st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=40))
ROUTES = [
    "/",
    "/recherche",
    "/recherche/nouvelle",
    "/recherche.atom",
    "/api/search",
    "/api/suggest",
    "/tendances",
    "/api/trends",
    "/concordance",
    "/api/concordance",
    "/export/resultats.csv",
    "/export/tendances.json",
    "/export/concordance.csv",
    "/aide",
    "/healthz",
]
# Requests that once answered 500 or held a worker (issue: hardening).
EXPLICIT = [
    [("q", "retraites"), ("page", "²")],
    [("q", "retraites"), ("per_page", "①")],
    [("q", "retraites"), ("annee", "²²²²")],
    [("q", "climat AND NOT de")],
    [("q", "[ AND SAUF }")],
    [("q", "*a*")],
    [("q", " ".join(f"*{letter}*" for letter in "abcdefghijklmnopqrst"))],
    [("q", " ".join(["*a*"] * 128))],
    [("q", " ".join(f"{a}{b}*" for a in "abcdefghijklmnop" for b in "aeiouyrs"))],
    [("q", "retraites")] + [("annee", "2020")] * 365,
    [("q", "climat"), ("q", "*a*"), ("q", "b*"), ("q", "c*"), ("q", "d*")],
]


def with_explicit_examples(test):
    """Return a Hypothesis test that also tries every EXPLICIT request."""
    for pairs in EXPLICIT:
        test = example(pairs=pairs)(test)
    return test


def url_of(path: str, pairs: list[tuple[str, str]]) -> str:
    """Return the request URL of a route with its parameters."""
    return path + ("?" + urlencode(pairs) if pairs else "")


def injected(body: str) -> bool:
    """Return whether an HTML answer carries the injected tag unescaped."""
    return TAG in body


def campaign(port: int, examples: int) -> dict:
    """Send every route its generated requests; return what came back, route by route."""
    report = {}
    for path in ROUTES:
        report[path] = route_report(port, path, examples)
        print(path, report[path]["statuses"], file=sys.stderr)
    return report


def route_report(port: int, path: str, examples: int) -> dict:
    """Send one route its generated requests; return statuses, slowest and unescaped tags."""
    statuses, slowest, unescaped = Counter(), [], []

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(pairs=params)
    @with_explicit_examples
    def send(pairs):
        url = url_of(path, pairs)
        status, kind, body, took = get(port, url)
        statuses[status] += 1
        slowest.append((took, url[:200]))
        slowest.sort(reverse=True)
        del slowest[5:]
        if kind.startswith("text/html") and injected(body):
            unescaped.append(url[:200])

    send()
    return {
        "requests": sum(statuses.values()),
        "statuses": dict(sorted(statuses.items())),
        "slowest_ms": [(round(took * 1000), url) for took, url in slowest],
        "unescaped": unescaped,
    }


def get(port: int, url: str) -> tuple[int, str, str, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    try:
        connection.putrequest("GET", url, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        kind = response.getheader("Content-Type", "")
        return response.status, kind, body, time.perf_counter() - started
    except OSError as error:
        return 0, str(error), "", time.perf_counter() - started
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> None:
    """Serve the index, run the campaign, print and save the report."""
    parser = argparse.ArgumentParser(prog="python -m bench.fuzz")
    parser.add_argument("index", type=Path)
    parser.add_argument("--examples", type=int, default=1000, help="generated requests a route")
    parser.add_argument("--out", type=Path)
    options = parser.parse_args(argv)
    server, port = serve(options.index)
    try:
        report = campaign(port, options.examples)
    finally:
        server.terminate()
        server.wait()
    total = Counter()
    for route in report.values():
        total.update({int(k): v for k, v in route["statuses"].items()})
    summary = {"routes": report, "statuses": dict(sorted(total.items()))}
    text = json.dumps(summary, indent=1, ensure_ascii=False)
    if options.out:
        options.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
