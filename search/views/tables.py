"""The tables exported (``exporting.py``), and the JSON of trends and concordances."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import IndexEmpty
from ..models import Filters, Sort
from ..store.snapshot import Snapshot
from .concordance import Concordance
from .exporting import Export, export_metadata
from .querying import select, stored_article
from .trends import Trends

RESULT_COLUMNS = (
    "id",
    "published",
    "title",
    "summary",
    "section",
    "author",
    "source",
    "tags",
    "url",
    "score",
)
TREND_COLUMNS = ("query", "period", "start", "end", "count", "total", "share")
CONCORDANCE_COLUMNS = ("article_id", "published", "title", "left", "match", "right")


def results_export(snapshot: Snapshot, text: str, filters: Filters, sort: Sort) -> Export:
    """Return every article matching text and filters, in result order (rows read lazily).

    :raises InvalidDateRange: if the date range ends before it starts.
    :raises IndexEmpty: if the index holds no article.
    """
    ranking = select(snapshot, text, filters, sort)
    if snapshot.documents == 0:
        raise IndexEmpty("the index holds no article; add some with: fouille index PATH")
    metadata = export_metadata(
        "results", snapshot.documents, filters, query=text, sort=sort.value, matches=ranking.total
    )
    order = [(docnum, ranking.score(docnum)) for docnum in ranking.top(ranking.total).tolist()]
    return Export("results", RESULT_COLUMNS, result_rows(snapshot, order), metadata)


def result_rows(snapshot: Snapshot, order: list[tuple[int, float | None]]) -> Iterator[tuple]:
    """Yield the exported row of each (docnum, score), read as it is asked for."""
    for docnum, score in order:
        article = stored_article(snapshot.searcher.stored_fields(docnum))
        yield (
            article.id,
            article.published,
            article.title,
            article.summary,
            article.section,
            article.author,
            article.source,
            ", ".join(article.tags),
            article.url,
            round(score, 4) if score is not None else None,
        )


def trends_export(trends: Trends) -> Export:
    """Return the trends' series: one row per query and period."""
    rows = [
        (t.query, p.span.key, p.span.start, p.span.end, p.count, p.total, round(p.share, 6))
        for t in trends.trends
        for p in t.points
    ]
    metadata = export_metadata(
        "trends",
        trends.documents,
        trends.filters,
        queries=[t.query for t in trends.trends],
        period=trends.period.value,
        duplicates_folded=trends.collapse,
        bulk_only=trends.narrowed,
        partial=trends.partial,
    )
    return Export("trends", TREND_COLUMNS, rows, metadata)


def concordance_export(concordance: Concordance, documents: int) -> Export:
    """Return the concordance's lines, one row each."""
    rows = (
        (line.article_id, line.published, line.title, line.left, line.match, line.right)
        for line in concordance.lines
    )
    metadata = export_metadata(
        "concordance",
        documents,
        concordance.filters,
        query=concordance.query,
        sort=concordance.sort.value,
        matches=concordance.matches,
        articles_read=concordance.articles,
        partial=concordance.partial,
    )
    return Export("concordance", CONCORDANCE_COLUMNS, rows, metadata)


def trends_payload(trends: Trends) -> dict:
    """Return trends as plain JSON-ready data."""
    return {
        "period": trends.period.value,
        "documents": trends.documents,
        "duplicates_folded": trends.collapse,
        "partial": trends.partial,
        "wildcards_capped": trends.wildcards_capped,
        "bulk": _bulk_payload(trends),
        "trends": [
            {
                "query": t.query,
                "matches": t.matches,
                "undated": t.undated,
                "series": [
                    {
                        "period": p.span.key,
                        "start": p.span.start.isoformat(),
                        "end": p.span.end.isoformat(),
                        "count": p.count,
                        "total": p.total,
                        "share": round(p.share, 6),
                    }
                    for p in t.points
                ],
                "facets": {
                    f.name: [{"value": v.value, "count": v.count} for v in f.values]
                    for f in t.facets
                },
                "terms": [{"word": k.word, "count": k.count, "score": k.score} for k in t.terms],
            }
            for t in trends.trends
        ],
    }


def _bulk_payload(trends: Trends) -> dict | None:
    """Return the years holding the bulk of the matches, and whether only they are shown."""
    bulk = trends.bulk
    if bulk is None:
        return None
    return {
        "start": bulk.start.isoformat(),
        "end": bulk.end.isoformat(),
        "share": round(bulk.share, 6),
        "only_these_shown": trends.narrowed,
    }


def concordance_payload(concordance: Concordance) -> dict:
    """Return one page of a concordance as plain JSON-ready data."""
    return {
        "query": concordance.query,
        "sort": concordance.sort.value,
        "matches": concordance.matches,
        "articles": concordance.articles,
        "total": concordance.total,
        "partial": concordance.partial,
        "wildcards_capped": concordance.wildcards_capped,
        "page": concordance.page,
        "per_page": concordance.per_page,
        "lines": _lines(concordance.lines),
    }


def _lines(lines) -> list[dict]:
    return [
        {
            "article_id": line.article_id,
            "title": line.title,
            "published": line.published.isoformat() if line.published else None,
            "left": line.left,
            "match": line.match,
            "right": line.right,
        }
        for line in lines
    ]
