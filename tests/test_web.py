"""The web app served by ``fouille serve``: a real server on a free port."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


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
