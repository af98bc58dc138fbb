"""Time /recherche for 20 varied French queries against a running `fouille serve`.

Usage: python bench/site_latency.py [BASE_URL] [ROUNDS]
(default http://127.0.0.1:8000, 5 rounds after one warm-up round). Prints each query's median
and the median and 95th percentile over every request.
"""

from __future__ import annotations

import statistics
import sys
import time
import urllib.parse
import urllib.request

QUERIES = [
    "réforme des retraites",
    "cybersécurité",
    "coronavirus",
    "Emmanuel Macron",
    "gilets jaunes",
    "élection présidentielle américaine",
    '"état d\'urgence sanitaire"',
    "incendie Notre-Dame",
    "climat réchauffement",
    "football coupe du monde",
    "grève SNCF",
    "vaccin covid-19",
    "prix de l'essence",
    "titre:Trump",
    "Brexit -Johnson",
    "chômage OU emploi",
    "harcèlement",
    "pourquoi les prix de l'immobilier augmentent-ils à Paris",
    "intelligence artificielle",
    "cyber*",
]


def time_query(base: str, query: str) -> float:
    url = f"{base}/recherche?{urllib.parse.urlencode({'q': query})}"
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    for query in QUERIES:
        time_query(base, query)
    samples = []
    for query in QUERIES:
        times = [time_query(base, query) for _ in range(rounds)]
        samples.extend(times)
        print(f"{statistics.median(times):8.1f} ms  {query}")
    median, p95 = statistics.median(samples), statistics.quantiles(samples, n=20)[18]
    print(f"\n{len(samples)} requests: median {median:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
