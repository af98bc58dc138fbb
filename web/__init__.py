"""Fouille's web front end: a French search page and a JSON API over one index."""

from __future__ import annotations

from flask import Flask

from . import analysis, api, apidoc, charts, errors, exports, feeds, formatting, links, pages

# Settings, each overridable by a FOUILLE_<NAME> environment variable (README: "Settings").
# TIME_BUDGET: seconds a search, trend or concordance may take before it answers with what it
# has, flagged as partial, so that no query holds a worker (search/limits.py).
# CLUSTER: the Ray cluster ("local", or an address) whose actors search a sharded INDEX.
DEFAULTS = {"INDEX": "index", "PER_PAGE": 10, "TIME_BUDGET": 0.8, "CLUSTER": ""}


def create_app(test_config: dict | None = None) -> Flask:
    """Create the web app; settings come from defaults, then FOUILLE_* variables or test_config."""
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_prefixed_env("FOUILLE")
    else:
        app.config.from_mapping(test_config)
    # First: the article URL converter must be known before the routes that use it.
    links.register(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(exports.bp)
    analysis.register(app)
    feeds.register(app)
    apidoc.register(app)
    charts.register(app)
    errors.register(app)
    formatting.register(app)
    app.after_request(_security_headers)
    return app


def _security_headers(response):
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response
