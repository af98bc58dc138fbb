"""The JSON API: the same searches as the pages, for programs."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, current_app, jsonify, request

from search import article_payload, completion_payload, results_payload

from .archive import get_archive
from .params import parse_per_page, parse_search

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search():
    search = parse_search(request.args)
    per_page = parse_per_page(request.args, current_app.config["PER_PAGE"])
    results = get_archive().search_articles(
        search.query, search.filters, search.sort, search.page, per_page, collapse=search.collapse
    )
    # A query cut before the search (params.read_query) was as truncated as one cut in it.
    results = replace(results, truncated=results.truncated or search.trimmed)
    return jsonify(results_payload(results))


@bp.get("/article/<article_id:article_id>")
def article(article_id: str):
    return jsonify(article_payload(get_archive().get_article(article_id)))


@bp.get("/suggest")
def suggest():
    return jsonify(completion_payload(get_archive().complete(request.args.get("q", "")[:100])))
