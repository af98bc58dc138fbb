"""Links that keep a search's parameters, so that every page of it can be shared."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import request, url_for


def search_url(drop: tuple[str, ...] = ("page",), **changes) -> str:
    """Return the current search's URL with some parameters replaced (None removes one)."""
    pairs = [
        (k, v) for k, v in request.args.items(multi=True) if k not in changes and k not in drop
    ]
    for key, value in changes.items():
        if value is not None:
            pairs.append((key, value))
    query = urlencode([(k, v) for k, v in pairs if v != ""])
    return url_for("pages.search_page") + (f"?{query}" if query else "")


def toggle_url(param: str, value: str) -> str:
    """Return the current search's URL with one facet value added, or removed if present."""
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    if (param, value) in pairs:
        pairs.remove((param, value))
    else:
        pairs.append((param, value))
    return url_for("pages.search_page") + "?" + urlencode(pairs)


def article_url(article_id: str) -> str:
    """Return an article's page URL carrying the current search, for the way back."""
    return url_for("pages.article_page", article_id=article_id, **_args())


def results_url() -> str:
    """Return the results page the current article page was opened from."""
    query = urlencode(list(request.args.items(multi=True)))
    return url_for("pages.search_page") + (f"?{query}" if query else "")


def _args() -> dict:
    return {k: request.args.getlist(k) for k in request.args}


def register(app) -> None:
    """Make the link builders available in templates."""
    for function in (search_url, toggle_url, article_url, results_url):
        app.add_template_global(function)
