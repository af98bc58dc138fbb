"""The search page and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from search import IndexEmpty, QueryError

from .archive import get_archive

bp = Blueprint("site", __name__)


@bp.get("/")
@bp.get("/recherche")
def search_page():
    query = request.args.get("q", "").strip()
    page = _page(request.args.get("page", "1"))
    archive = get_archive()
    if not query:
        return render_template("search.html", query="", results=None, count=archive.count())
    per_page = current_app.config["PER_PAGE"]
    results = archive.search_articles(query, page=page, per_page=per_page)
    return render_template("search.html", query=query, results=results, count=None)


@bp.get("/healthz")
def health():
    stats = get_archive().stats()
    if stats.documents == 0:
        raise IndexEmpty(stats.path)
    last = stats.last_update.isoformat() if stats.last_update else None
    return jsonify({"status": "ok", "documents": stats.documents, "last_update": last})


def _page(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise QueryError(f"invalid page {text!r}")
    return int(text)
