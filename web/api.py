"""The JSON API: the same searches as the pages, for programs."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, current_app, jsonify

from search import article_payload, completion_payload, results_payload

from .archive import get_archive
from .params import parse_search, request_params

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search():
    values = request_params()
    search = parse_search(values)
    per_page = values["per_page"] or current_app.config["PER_PAGE"]
    results = get_archive().search_articles(
        search.query, search.filters, search.sort, search.page, per_page, collapse=search.collapse
    )
    # A query cut before the search (Kind.QUERY) was as truncated as one cut in it.
    results = replace(results, truncated=results.truncated or search.trimmed)
    return jsonify(results_payload(results))


@bp.get("/article/<article_id:article_id>")
def article(article_id: str):
    return jsonify(article_payload(get_archive().get_article(article_id)))


@bp.get("/suggest")
def suggest():
    return jsonify(completion_payload(get_archive().complete(request_params()["q"])))
