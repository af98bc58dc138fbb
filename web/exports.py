"""Downloads: a result list, trends or a concordance as CSV or JSON, streamed as written."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, request, stream_with_context

from search import concordance_export, csv_chunks, json_chunks, trends_export

from .analysis_params import parse_concordance, parse_trends
from .archive import get_archive
from .params import parse_search

bp = Blueprint("exports", __name__, url_prefix="/export")
FORMATS = {
    "csv": (csv_chunks, "text/csv"),
    "json": (json_chunks, "application/json"),
}


@bp.get("/<kind>.<fmt>")
def download(kind: str, fmt: str):
    makers = {"resultats": _results, "tendances": _trends, "concordance": _concordance}
    if kind not in makers or fmt not in FORMATS:
        abort(404)
    chunks, mimetype = FORMATS[fmt]
    export = makers[kind]()
    filename = f"fouille-{kind}-{date.today():%Y%m%d}.{fmt}"
    return Response(
        stream_with_context(chunks(export)),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _results():
    search = parse_search(request.args)
    return get_archive().export_results(search.query, search.filters, search.sort)


def _trends():
    ask = parse_trends(request.args, required=True)
    archive = get_archive()
    return trends_export(archive.trends(list(ask.queries), ask.filters, ask.period, ask.collapse))


def _concordance():
    ask = parse_concordance(request.args, required=True)
    archive = get_archive()
    concordance = archive.concordance(ask.query, ask.filters, ask.sort, ask.collapse)
    return concordance_export(concordance, archive.count())
