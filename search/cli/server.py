"""Run the web app under a production WSGI server (gunicorn; waitress where fork is missing).

The app is named by its import string so that this package never imports Flask itself.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import importlib

from .. import MAX_QUERY_WORDS

APP = "web:create_app()"
# The longest request line gunicorn bounds (its default is 4,094 bytes): about 6,000 characters
# of French text once percent-encoded, far more than the words a search reads, so that a
# pasted paragraph reaches the site, which searches its first words and says so. Unbounded
# (0), a line costs gunicorn's parser time that grows with its square: 12.6 s of a worker for
# 10 MB, measured.
REQUEST_LINE_BYTES = 8190
# Past that limit gunicorn answers before the app is reached: this page is its French answer.
TOO_LONG_PAGE = f"""<!doctype html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Recherche trop longue – Fouille</title>
  <link rel="stylesheet" href="/static/style.css">
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
  <main id="contenu">
    <h1>Recherche trop longue</h1>
    <p>Cette adresse est trop longue pour être reçue (plus de 8\u202f190 octets une fois
      encodée). Une recherche ne lit que ses {MAX_QUERY_WORDS} premiers mots : collez un
      passage plus court, de quelques phrases.</p>
    <p><a href="/">Revenir à la recherche</a> · <a href="/aide">Aide à la recherche</a></p>
  </main>
</body>
</html>
""".encode()
# glibc's mallopt parameters (malloc.h).
_M_MMAP_THRESHOLD, _M_ARENA_MAX = -3, -8


def run_server(host: str, port: int, workers: int) -> None:
    """Serve the web app until interrupted."""
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:
        _run_waitress(host, port, workers)
        return

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 60)
            self.cfg.set("limit_request_line", REQUEST_LINE_BYTES)
            self.cfg.set("worker_class", _worker_class())
            # Made once before the workers fork, the app's modules and objects are shared.
            self.cfg.set("preload_app", True)

        def load(self):
            from gunicorn.util import import_app

            app = import_app(APP)
            # Objects the collector never visits are never written to, so stay shared.
            gc.freeze()
            return app

    _bound_malloc()
    Server().run()


def _worker_class():
    """Return gunicorn's sync worker, answering a request line too long for it in French."""
    from gunicorn.http.errors import LimitRequestLine
    from gunicorn.util import write_nonblock
    from gunicorn.workers.sync import SyncWorker

    class Worker(SyncWorker):
        def handle_error(self, req, client, addr, exc):
            if not isinstance(exc, LimitRequestLine):
                super().handle_error(req, client, addr, exc)
                return
            self.log.warning("Request line too long from %s: %s", (addr or ("",))[0], exc)
            head = (
                "HTTP/1.1 414 URI Too Long\r\nConnection: close\r\n"
                "Content-Type: text/html; charset=utf-8\r\n"
                f"Content-Length: {len(TOO_LONG_PAGE)}\r\n\r\n"
            )
            try:
                write_nonblock(client, head.encode("ascii") + TOO_LONG_PAGE)
            except OSError as error:
                # The client went away: nobody is left to read the page.
                self.log.debug("Could not send the 414 page: %s", error)

    return Worker


def _bound_malloc() -> None:
    """Make glibc give freed large blocks back, so a worker's memory follows what it holds.

    By default glibc raises its threshold for mapping large blocks each time one is freed,
    after which the arrays of each query (a score or a mask per article) come from a heap
    that fragments and keeps growing; set, the threshold stays fixed. Set before the
    workers fork, it holds in each of them.
    """
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt(_M_MMAP_THRESHOLD, 128 * 1024)
        libc.mallopt(_M_ARENA_MAX, 2)
    except (OSError, AttributeError):
        pass  # Not glibc: its allocator is left as it is.


def _run_waitress(host: str, port: int, workers: int) -> None:
    from waitress import serve

    factory = importlib.import_module("web").create_app
    serve(factory(), host=host, port=port, threads=max(4, workers * 2))
