"""Hostile queries: what wildcards, long queries and operators cost a running site.

Usage: python -m bench.hostile INDEX [--out FILE.json]

Serves INDEX with ``fouille serve`` (two workers, the default time budget), sends each hostile
request twice (first with cold posting caches, then warm) and reads what it cost and whether
it was cut short (``partial``); then sends two of the costliest at once while another client
polls ``/healthz``, the attack that once made the site unreachable for a minute. Finally the
same queries run in-process without any budget, to show what the budget saves
(docs/RELIABILITY.md).
"""

from __future__ import annotations

import argparse
import json
import string
import sys
import threading
import time
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlencode

from search import Archive

from .fuzz import get
from .load import serve

LETTERS = string.ascii_lowercase
# A lead-length query of common words, as a pasted paragraph would be.
COMMON = (
    "le gouvernement a annoncé mardi une réforme des retraites qui doit entrer en vigueur "
    "l'année prochaine selon le premier ministre les syndicats appellent à une grève nationale "
    "dans les transports et les écoles pour protester contre le projet de loi présenté en "
    "conseil des ministres la semaine dernière par le président de la république qui défend "
    "une mesure de justice sociale face au déficit des caisses de retraite et à la hausse de "
    "l'espérance de vie des français selon les chiffres publiés par l'insee en janvier dernier "
    "les partis d'opposition dénoncent un texte injuste et réclament un référendum tandis que "
    "la majorité espère un vote rapide à l'assemblée nationale avant l'été prochain"
).split()[:128]
SEARCHES = {
    "*a* (one infix wildcard)": "*a*",
    "a* (one-letter prefix)": "a*",
    "20 infix wildcards": " ".join(f"*{c}*" for c in LETTERS[:20]),
    "128 infix wildcards (1.1 KB URL)": " ".join(f"*{LETTERS[i % 26]}*" for i in range(128)),
    "128 two-letter prefixes": " ".join(f"{a}{b}*" for a in LETTERS[:16] for b in "aeiouyrs"),
    "128 common words": " ".join(COMMON),
    "128-word phrase": '"' + " ".join(COMMON) + '"',
    "128 words ORed in brackets": " OR ".join(f"({w})" for w in COMMON[:64]),
    "128 misspelt words": " ".join(w[::-1] for w in COMMON),
    "NOT chains": " ".join(f"{w} AND NOT {v}" for w, v in pairwise(COMMON)),
}
REQUESTS = {name: "/api/search?" + urlencode({"q": text}) for name, text in SEARCHES.items()}
REQUESTS |= {
    "trends of 4 prefixes by week": "/api/trends?"
    + urlencode([("q", "a*"), ("q", "b*"), ("q", "c*"), ("q", "d*"), ("par", "semaine")]),
    "concordance of *a*": "/api/concordance?" + urlencode({"q": "*a*"}),
    "completion of 'co'": "/api/suggest?q=co",
}
CONCURRENT = "128 infix wildcards (1.1 KB URL)"


def over_http(port: int) -> dict:
    """Return each hostile request's status, time cold and warm, and whether it was cut."""
    for _ in range(4):  # both workers open the index before the clock starts
        get(port, "/api/search?q=france")
    found = {}
    for name, url in REQUESTS.items():
        status, _, body, cold = get(port, url)
        _, _, _, warm = get(port, url)
        partial = json.loads(body).get("partial") if status == 200 else None
        found[name] = {
            "status": status,
            "cold_ms": round(cold * 1000),
            "warm_ms": round(warm * 1000),
            "partial": partial,
        }
        print(name, found[name], file=sys.stderr)
    return found


def under_attack(port: int, attackers: int = 2) -> dict:
    """Send the costliest request from several clients while one polls /healthz."""
    url = REQUESTS[CONCURRENT]
    attack_times, health_times, stop = [], [], threading.Event()

    def attack() -> None:
        for _ in range(3):
            attack_times.append(get(port, url)[3])

    def probe() -> None:
        while not stop.is_set():
            health_times.append(get(port, "/healthz")[3])
            time.sleep(0.1)

    threads = [threading.Thread(target=attack) for _ in range(attackers)]
    prober = threading.Thread(target=probe)
    prober.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    prober.join()
    return {
        "attackers": attackers,
        "attack_max_ms": round(max(attack_times) * 1000),
        "healthz_max_ms": round(max(health_times) * 1000),
        "healthz_probes": len(health_times),
    }


def without_budget(index: Path) -> dict:
    """Return each hostile search's time in-process with no time budget (caps still apply)."""
    archive = Archive(index)
    archive.search_articles("france")
    found = {}
    for name, text in SEARCHES.items():
        started = time.perf_counter()
        results = archive.search_articles(text)
        found[name] = {
            "ms": round((time.perf_counter() - started) * 1000),
            "total": results.total,
            "capped": results.wildcards_capped,
        }
        print("no budget:", name, found[name], file=sys.stderr)
    archive.close()
    return found


def main(argv: list[str] | None = None) -> None:
    """Run the three measurements on INDEX and print (and save) them."""
    parser = argparse.ArgumentParser(prog="python -m bench.hostile")
    parser.add_argument("index", type=Path)
    parser.add_argument("--out", type=Path)
    options = parser.parse_args(argv)
    archive = Archive(options.index)
    documents = archive.count()
    archive.close()
    server, port = serve(options.index)
    try:
        report = {"documents": documents, "http": over_http(port), "attack": under_attack(port)}
    finally:
        server.terminate()
        server.wait()
    report["no_budget"] = without_budget(options.index)
    text = json.dumps(report, indent=1, ensure_ascii=False)
    if options.out:
        options.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
