"""The JSON objects the web API returns and ``fouille search --json`` prints, one shape."""

from __future__ import annotations

from datetime import datetime

from ..models import Article, Completion, Results, Stats


def results_payload(results: Results) -> dict:
    """Return a result page as plain JSON-ready data."""
    return {
        "query": results.query,
        "total": results.total,
        "took_ms": results.took_ms,
        "page": results.page,
        "per_page": results.per_page,
        "syntax_fallback": results.syntax_fallback,
        "truncated": results.truncated,
        "suggestion": results.suggestion,
        "folded": results.folded,
        "partial": results.partial,
        "wildcards_capped": results.wildcards_capped,
        "missing_shards": [number + 1 for number in results.missing],
        "hits": [
            {
                "id": hit.id,
                "title": hit.title,
                "url": hit.url,
                "published": _iso(hit.published),
                "author": hit.author,
                "source": hit.source,
                "section": hit.section,
                "tags": list(hit.tags),
                "score": hit.score,
                "snippet": hit.snippet,
                "duplicates": [
                    {"id": d.id, "title": d.title, "published": _iso(d.published)}
                    for d in hit.duplicates
                ],
            }
            for hit in results.hits
        ],
        "facets": {
            facet.name: [{"value": v.value, "count": v.count} for v in facet.values]
            for facet in results.facets
        },
    }


def article_payload(article: Article) -> dict:
    """Return an article as plain JSON-ready data."""
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "published": _iso(article.published),
        "author": article.author,
        "source": article.source,
        "section": article.section,
        "tags": list(article.tags),
        "summary": article.summary,
        "body": article.body,
    }


def completion_payload(completion: Completion) -> dict:
    """Return search-as-you-type suggestions as plain JSON-ready data."""
    return {
        "query": completion.text,
        "words": list(completion.words),
        "titles": [{"id": i, "title": t} for i, t in completion.titles],
    }


def stats_payload(stats: Stats) -> dict:
    """Return index statistics as plain JSON-ready data."""
    return {
        "path": stats.path,
        "documents": stats.documents,
        "last_update": _iso(stats.last_update),
        "size_bytes": stats.size_bytes,
        "first_published": _iso(stats.first_published),
        "last_published": _iso(stats.last_published),
        "sections": [{"value": v.value, "count": v.count} for v in stats.sections],
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
