"""Run the web app under a production WSGI server (gunicorn; waitress where fork is missing).

The app is named by its import string so that this package never imports Flask itself.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import importlib

APP = "web:create_app()"
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
