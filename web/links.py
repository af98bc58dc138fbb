"""Links that keep a search's parameters, so that every page of it can be shared."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import request, url_for
from werkzeug.routing import BaseConverter

from search import label_key

from .params import clean_pairs


def kept_params(*dropped: str) -> list[tuple[str, str]]:
    """Return the current search's parameters except dropped ones, in order."""
    return [(k, v) for k, v in clean_pairs(request.args) if k not in dropped]


def chosen_values(param: str) -> list[str]:
    """Return the values of one filter parameter in the current search."""
    return [v for k, v in kept_params() if k == param and v.strip()]


def search_url(drop: tuple[str, ...] = ("page",), **changes) -> str:
    """Return the current search's URL with some parameters replaced (None removes one)."""
    pairs = kept_params(*drop, *changes)
    pairs += [(key, value) for key, value in changes.items() if value is not None]
    return _with_params("pages.search_page", pairs)


def toggle_url(param: str, value: str) -> str:
    """Return the current search's URL with one facet value added, or removed if chosen."""
    return _with_params("pages.search_page", toggled(kept_params("page"), param, value))


def toggled(pairs: list[tuple[str, str]], param: str, value: str) -> list[tuple[str, str]]:
    """Return pairs with a filter value added, or without it if chosen in any spelling."""
    key = label_key(value)
    kept = [(k, v) for k, v in pairs if k != param or label_key(v) != key]
    return kept if len(kept) < len(pairs) else [*pairs, (param, value)]


def is_chosen(param: str, value: str) -> bool:
    """Return whether the current search filters on value, in any of its spellings."""
    return label_key(value) in {label_key(v) for v in chosen_values(param)}


def article_url(article_id: str) -> str:
    """Return an article's page URL carrying the current search, for the way back."""
    return _with_params("pages.article_page", kept_params(), article_id=article_id)


def results_url() -> str:
    """Return the results page the current article page was opened from."""
    return _with_params("pages.search_page", kept_params())


def _with_params(endpoint: str, pairs: list[tuple[str, str]], **values) -> str:
    query = urlencode([(k, v) for k, v in pairs if v != ""])
    return url_for(endpoint, **values) + (f"?{query}" if query else "")


class ArticleIdConverter(BaseConverter):
    """An article id as one URL path segment, whatever characters it holds.

    Every character but letters, digits and ``-._~`` is percent-encoded, ``/`` included, so
    that an id is one segment; the server decodes it back. A browser would still resolve an
    id ``.`` or ``..`` as a path step, so such ids, and ids beginning with ``~``, get a
    leading ``~`` (the same rule as ``suggest.js``).
    """

    regex = ".+"
    part_isolating = False

    def to_url(self, value: str) -> str:
        if value in (".", "..") or value.startswith("~"):
            value = "~" + value
        return quote(value, safe="")

    def to_python(self, value: str) -> str:
        return value[1:] if value.startswith("~") else value


def register(app) -> None:
    """Make the link builders available in templates."""
    app.url_map.converters["article_id"] = ArticleIdConverter
    # An id may hold "//" (a URL as id): no redirect that would merge the slashes.
    app.url_map.merge_slashes = False
    globals_ = (search_url, toggle_url, is_chosen, article_url, results_url, kept_params)
    for function in (*globals_, chosen_values):
        app.add_template_global(function)
