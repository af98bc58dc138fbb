"""Pages and API for analysts: trends over time (``/tendances``) and concordance."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, jsonify, render_template, url_for

from search import MAX_TRENDS, Period, concordance_payload, trends_payload

from .analysis_params import parse_concordance, parse_trends
from .archive import get_archive
from .charts import bar_chart
from .links import kept_params, toggled
from .params import FACET_PARAMS, request_params
from .trend_table import table_rows

bp = Blueprint("analysis", __name__)
LINES_PER_PAGE = 50
EXPORTS = {
    "resultats": "exports.results",
    "tendances": "exports.trends",
    "concordance": "exports.concordance",
}


@bp.get("/tendances")
def trends_page():
    ask = parse_trends(request_params())
    if not ask.queries:
        return render_template("trends.html", ask=ask, trends=None, max_trends=MAX_TRENDS)
    trends = get_archive().trends(
        list(ask.queries), ask.filters, ask.period, ask.collapse, ask.whole
    )
    return render_template(
        "trends.html",
        ask=ask,
        trends=trends,
        chart=bar_chart(trends, ask.shares),
        rows=table_rows(trends),
        max_trends=MAX_TRENDS,
        periods=Period,
    )


@bp.get("/api/trends")
def trends_api():
    ask = parse_trends(request_params())
    trends = get_archive().trends(
        list(ask.queries), ask.filters, ask.period, ask.collapse, ask.whole
    )
    return jsonify(trends_payload(trends))


@bp.get("/concordance")
def concordance_page():
    ask = parse_concordance(request_params())
    if not ask.query:
        return render_template("concordance.html", ask=ask, concordance=None)
    concordance = _concordance_page(ask)
    return render_template(
        "concordance.html",
        ask=ask,
        query=ask.query,
        concordance=concordance,
        lines=concordance.lines,
        pages=max(1, -(-concordance.total // LINES_PER_PAGE)),
        first=(ask.page - 1) * LINES_PER_PAGE + 1,
    )


@bp.get("/api/concordance")
def concordance_api():
    ask = parse_concordance(request_params())
    return jsonify(concordance_payload(_concordance_page(ask)))


def _concordance_page(ask):
    archive = get_archive()
    return archive.concordance(
        ask.query, ask.filters, ask.sort, ask.collapse, ask.page, LINES_PER_PAGE
    )


def period_results_url(query: str, start, end) -> str:
    """Return the results page of query over one period, under the current filters."""
    pairs = kept_params("q", "du", "au", "par", "mesure", "page", "tri")
    pairs = [("q", query), *pairs, ("du", start.isoformat()), ("au", end.isoformat())]
    return url_for("pages.search_page") + "?" + urlencode([(k, v) for k, v in pairs if v])


def analysis_url(endpoint: str, drop: tuple[str, ...] = ("page",), **changes) -> str:
    """Return a page's URL with the current parameters, some dropped or replaced."""
    pairs = [(k, v) for k, v in kept_params(*drop, *changes) if v]
    pairs += [(k, v) for k, v in changes.items() if v is not None]
    query = urlencode(pairs)
    return url_for(endpoint) + (f"?{query}" if query else "")


def export_url(kind: str, fmt: str) -> str:
    """Return the download of the current page's data (resultats, tendances, concordance)."""
    query = urlencode([(k, v) for k, v in kept_params("page") if v])
    endpoint = EXPORTS[kind]
    return url_for(endpoint, fmt=fmt) + (f"?{query}" if query else "")


def toggle_filter_url(endpoint: str, param: str, value: str) -> str:
    """Return a page's URL with one filter value added, or removed if chosen."""
    pairs = toggled([(k, v) for k, v in kept_params("page") if v], param, value)
    return url_for(endpoint) + "?" + urlencode(pairs)


def register(app) -> None:
    """Install the analysis pages and their link builders."""
    app.register_blueprint(bp)
    for function in (period_results_url, analysis_url, export_url, toggle_filter_url):
        app.add_template_global(function)
    app.add_template_global(FACET_PARAMS, "facet_params")
