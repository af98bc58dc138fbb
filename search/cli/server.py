"""Run the web app under a production WSGI server (gunicorn; waitress where fork is missing).

The app is named by its import string so that this package never imports Flask itself.
"""

from __future__ import annotations

import importlib

APP = "web:create_app()"


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

        def load(self):
            from gunicorn.util import import_app

            return import_app(APP)

    Server().run()


def _run_waitress(host: str, port: int, workers: int) -> None:
    from waitress import serve

    factory = importlib.import_module("web").create_app
    serve(factory(), host=host, port=port, threads=max(4, workers * 2))
