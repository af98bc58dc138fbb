"""Downloads: a result list, trends or a concordance as CSV or JSON, streamed as written."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, stream_with_context

from search import Export, concordance_export, csv_chunks, json_chunks, trends_export

from .analysis_params import parse_concordance, parse_trends
from .archive import get_archive
from .params import parse_search, request_params

bp = Blueprint("exports", __name__, url_prefix="/export")
FORMATS = {
    "csv": (csv_chunks, "text/csv"),
    "json": (json_chunks, "application/json"),
}
# Each download's URL: /export/<kind>.<fmt>.
FORMAT = "<any(csv, json):fmt>"


@bp.get(f"/resultats.{FORMAT}")
def results(fmt: str):
    search = parse_search(request_params())
    export = get_archive().export_results(search.query, search.filters, search.sort)
    return _download("resultats", fmt, export)


@bp.get(f"/tendances.{FORMAT}")
def trends(fmt: str):
    ask = parse_trends(request_params())
    trends = get_archive().trends(
        list(ask.queries), ask.filters, ask.period, ask.collapse, ask.whole
    )
    return _download("tendances", fmt, trends_export(trends))


@bp.get(f"/concordance.{FORMAT}")
def concordance(fmt: str):
    ask = parse_concordance(request_params())
    archive = get_archive()
    lines = archive.concordance(ask.query, ask.filters, ask.sort, ask.collapse)
    return _download("concordance", fmt, concordance_export(lines, archive.count()))


def _download(kind: str, fmt: str, export: Export) -> Response:
    chunks, mimetype = FORMATS[fmt]
    filename = f"fouille-{kind}-{date.today():%Y%m%d}.{fmt}"
    return Response(
        stream_with_context(chunks(export)),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
