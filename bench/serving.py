"""What serving an index costs: cold starts, a worker's memory, analyst views, an export.

Against ``fouille serve`` on loopback: the first search of a worker just started, and the first
after a commit (COMMIT_ARTICLES articles added by ``fouille index``, which changes the index
under measure); each of two workers' memory after a load of keyword and question searches
(USS and PSS from psutil; the pages only it has written, Private_Dirty of /proc/PID/smaps_rollup,
which unlike USS leaves out the mapped index pages it alone happened to read: the kernel drops
those at will and any process mapping the file shares them; the whole site's RSS and anonymous
memory);
``/tendances`` (two queries by month) and ``/concordance`` p50 and p95; and ``fouille export``
of every article matching EXPORT_QUERY: rows, seconds and peak anonymous memory.
"""

from __future__ import annotations

import csv
import gzip
import json
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from .load import _get, load, serve
from .measure import percentile
from .querysets import Query

COMMIT_ARTICLES = 20
EXPORT_QUERY = "macron"
# Analyst queries: a topic and its pair for trends, one word for the concordance.
TREND_PAIRS = [
    ("coronavirus", "grippe"),
    ("retraites", "chômage"),
    ("cybersécurité", "piratage"),
    ("Macron", "Le Pen"),
    ("climat", "sécheresse"),
]
CONCORDANCE = ["retraites", "cybersécurité", "Macron", "gilets jaunes", "vaccin", "grève"]
ROUNDS = 3


def measure_serving(index_dir: Path, corpus: Path, queries: list[Query], seconds: float) -> dict:
    """Return every serving figure of one index (see the module's docstring)."""
    found = _cold_starts(index_dir, corpus, queries)
    server, port = serve(index_dir)
    try:
        load(port, "/api/search", queries, 2, seconds)
        workers = server_workers(server)
        found["workers"] = [worker_memory(worker) for worker in workers]
        site = [server.pid, *(worker.pid for worker in workers)]
        found["site_rss_mb"] = sum(_proc_mb(pid, "status", "VmRSS") for pid in site)
        # Anonymous memory counted in each process: the site's own, bar the page cache.
        found["site_anon_mb"] = sum(_proc_mb(pid, "status", "RssAnon") for pid in site)
        trends = [
            urllib.parse.urlencode([("q", a), ("q", b), ("par", "mois")]) for a, b in TREND_PAIRS
        ]
        found["trends_ms"] = _timed(port, [f"/tendances?{query}" for query in trends])
        found["concordance_ms"] = _timed(
            port, [f"/concordance?{urllib.parse.urlencode({'q': q})}" for q in CONCORDANCE]
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    found["export"] = measure_export(index_dir)
    return found


def _cold_starts(index_dir: Path, corpus: Path, queries: list[Query]) -> dict:
    """Time the first search of a one-worker site, then the first after a commit."""
    server, port = serve(index_dir, workers=1)
    try:
        first = _ms(port, _search(queries[0]))
        for query in queries[1:20]:
            _get(port, _search(query))
        # A small sample (--sample) has fewer than 40 queries: the warm ones are what is left.
        warm = [_ms(port, _search(query)) for query in queries[20:40] or queries[1:]]
        _commit(index_dir, corpus)
        after = _ms(port, _search(queries[0]))
        return {
            "first_query_ms": first,
            "after_commit_ms": after,
            "warm_p50_ms": percentile(warm, 50),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def _commit(index_dir: Path, corpus: Path) -> None:
    """Add COMMIT_ARTICLES articles, new ids on the corpus's first ones, with fouille index."""
    stamp = time.strftime("%Y%m%d%H%M%S")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"commit-{stamp}.jsonl"
        with gzip.open(corpus, "rt", encoding="utf-8") as source, path.open("w") as out:
            for number, line in zip(range(COMMIT_ARTICLES), source, strict=False):
                record = json.loads(line) | {"id": f"bench-commit-{stamp}-{number}"}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        fouille = str(Path(sys.executable).parent / "fouille")
        command = [fouille, "index", str(path), "--index", str(index_dir)]
        subprocess.run(command, check=True, capture_output=True)


def measure_export(index_dir: Path) -> dict:
    """Export EXPORT_QUERY's articles as CSV; return rows, seconds and peak anonymous MB."""
    fouille = str(Path(sys.executable).parent / "fouille")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "export.csv"
        command = [fouille, "export", "--index", str(index_dir), EXPORT_QUERY, "-o", str(out)]
        started = time.perf_counter()
        peak = 0.0
        with subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        ) as process:
            while process.poll() is None:
                peak = max(peak, _proc_mb(process.pid, "status", "RssAnon"))
                time.sleep(0.05)
            took = time.perf_counter() - started
            if process.returncode:
                raise subprocess.CalledProcessError(
                    process.returncode, command, stderr=process.stderr.read()
                )
        with out.open(encoding="utf-8-sig", newline="") as written:
            rows = sum(
                1 for row in csv.reader(written, delimiter=";") if not row[0].startswith("#")
            )
    return {"query": EXPORT_QUERY, "rows": rows - 1, "seconds": took, "peak_anon_mb": peak}


def server_workers(server) -> list:
    """Return the worker processes of a running ``fouille serve``."""
    import psutil

    return psutil.Process(server.pid).children(recursive=True)


def worker_memory(worker) -> dict:
    """Return a process's USS, PSS, RSS and the pages only it has written, in MB."""
    full = worker.memory_full_info()
    return {
        "uss_mb": full.uss / 2**20,
        "pss_mb": full.pss / 2**20,
        "rss_mb": full.rss / 2**20,
        "private_dirty_mb": _proc_mb(worker.pid, "smaps_rollup", "Private_Dirty"),
    }


def _proc_mb(pid: int, name: str, key: str) -> float:
    """Return one kB figure of /proc/PID/name in MB (0 once the process has ended)."""
    try:
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _timed(port: int, urls: list[str]) -> dict:
    """Return p50 and p95 of ROUNDS requests of each URL, after one untimed round."""
    for url in urls:
        _get(port, url)
    times = [_ms(port, url) for _ in range(ROUNDS) for url in urls]
    return {"p50": percentile(times, 50), "p95": percentile(times, 95)}


def _search(query: Query) -> str:
    return f"/api/search?{urllib.parse.urlencode({'q': query.text})}"


def _ms(port: int, url: str) -> float:
    started = time.perf_counter()
    status = _get(port, url)
    if status != 200:
        raise RuntimeError(f"{url} answered {status}")
    return (time.perf_counter() - started) * 1000
