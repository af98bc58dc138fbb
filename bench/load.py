"""HTTP load on a running `fouille serve`: clients in threads, each waiting for its answer.

A closed loop: each client sends its next request when the previous one has answered, for a
fixed number of seconds, over loopback only.
"""

from __future__ import annotations

import http.client
import itertools
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from .measure import percentile
from .querysets import Query


@dataclass(frozen=True)
class Load:
    """What clients got from one path in a number of seconds."""

    requests: int
    errors: int
    per_second: float
    p50: float
    p95: float
    p99: float


def serve(index_dir: Path, workers: int = 2) -> tuple[subprocess.Popen, int]:
    """Start `fouille serve` on a free loopback port; return it once it answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fouille = Path(sys.executable).parent / "fouille"
    command = [str(fouille), "serve", "--index", str(index_dir), "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            _get(port, "/healthz")
            return server, port
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"fouille serve did not answer on port {port} within 60 s")


def load(port: int, path: str, queries: list[Query], clients: int, seconds: float) -> Load:
    """Send requests for the queries from that many clients for that many seconds."""
    urls = itertools.cycle(f"{path}?{urllib.parse.urlencode({'q': q.text})}" for q in queries)
    lock = threading.Lock()
    times: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < stop:
            with lock:
                url = next(urls)
            started = time.perf_counter()
            try:
                ok = _get(port, url) == 200
            except OSError:
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                times.append(elapsed)
                errors[0] += not ok

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.monotonic() - started
    return Load(
        requests=len(times),
        errors=errors[0],
        per_second=len(times) / took,
        p50=percentile(times, 50),
        p95=percentile(times, 95),
        p99=percentile(times, 99),
    )


def _get(port: int, url: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", url)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
