"""The HTML pages: home, results, article, help, and the health check."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for

from search import Filters, IndexEmpty, ShardedArchive

from .archive import get_archive
from .params import FACET_PARAMS, parse_search, request_params

bp = Blueprint("pages", __name__)


@bp.get("/")
@bp.get("/recherche")
def search_page():
    search = parse_search(request_params())
    archive = get_archive()
    if not search.query and search.filters == Filters():
        count = archive.count()
        if count == 0:
            raise IndexEmpty(str(archive.path))
        return render_template("home.html", count=count)
    results = archive.search_articles(
        search.query,
        search.filters,
        search.sort,
        search.page,
        current_app.config["PER_PAGE"],
        collapse=search.collapse,
    )
    return render_template(
        "results.html",
        search=search,
        query=search.query,
        results=results,
        facet_params=FACET_PARAMS,
        # The header box offers to search again within the same filters and dates.
        refine=search.filters != Filters(),
    )


@bp.get("/recherche/nouvelle")
def new_search():
    """Search the words of the header box alone, leaving the current filters and dates.

    The header box of a filtered result page also carries them, for its "dans ces
    résultats" button; its plain search comes here.
    """
    query = request_params()["q"]
    return redirect(url_for("pages.search_page", q=query or None), 303)


@bp.get("/article/<article_id:article_id>")
def article_page(article_id: str):
    query = request_params()["q"]
    archive = get_archive()
    view = archive.view_article(article_id, query)
    return render_template(
        "article.html",
        view=view,
        query=query,
        reprises=archive.duplicates(article_id),
        related=archive.related(article_id),
        # The day a printed copy was read, for its citation line ("consulté le …").
        consulted=date.today(),
    )


@bp.get("/aide")
def help_page():
    return render_template("help.html")


@bp.get("/favicon.ico")
def favicon():
    """Send what browsers and feed readers ask for by this name to the site's icon."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.get("/healthz")
def health():
    archive = get_archive()
    stats = archive.stats()
    if stats.documents == 0:
        raise IndexEmpty(stats.path)
    last = stats.last_update.isoformat() if stats.last_update else None
    health = {"status": "ok", "documents": stats.documents, "last_update": last}
    if isinstance(archive, ShardedArchive):
        health["shards"] = archive.health()
        if any(shard["status"] != "up" for shard in health["shards"]):
            health["status"] = "degraded"
    return jsonify(health)
