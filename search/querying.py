"""Run a search: ranked hits with snippets, facet counts, filters, sorting and pages."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime

from whoosh import query as wq

from .errors import InvalidDateRange
from .facets import as_text, facet_counts, facet_definitions
from .highlighting import make_snippet, mark_all
from .models import Article, Filters, Hit, Results, Sort
from .query import Parsed, parse_query
from .schema import TEXT_FIELDS
from .suggestions import spelling_suggestion

# Hits reordered by coordination (how many of the query's words they hold); beyond this
# window, BM25F order stands, so that pages never repeat or skip an article.
RESCORE_WINDOW = 200
MAX_PER_PAGE = 100


def run_search(searcher, text: str, filters: Filters, sort: Sort, page, per_page) -> Results:
    """Return one page of results; facets count every match."""
    started = time.perf_counter()
    parsed = parse_query(text)
    results, ranked = rank(
        searcher, parsed, page * per_page, filter=build_filter(filters), sort=sort, facets=True
    )
    terms = highlight_terms(searcher.reader(), parsed)
    hits = tuple(_hit(hit, terms) for hit in ranked[(page - 1) * per_page : page * per_page])
    return Results(
        query=text,
        total=len(results),
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        page=page,
        per_page=per_page,
        hits=hits,
        facets=tuple(facet_counts(results)),
        syntax_fallback=parsed.syntax_fallback,
        truncated=parsed.truncated,
        suggestion=spelling_suggestion(searcher.reader(), text, parsed),
        terms=tuple(sorted(terms)),
    )


def rank(searcher, parsed: Parsed, limit: int, *, filter=None, sort=Sort.RELEVANCE, facets=False):
    """Return Whoosh's results and the top hits in final order: the one ranking of every caller.

    The site, the CLI and ``fouille eval`` all rank through here, so what is evaluated is what
    readers get.
    """
    query = parsed.query if parsed.query is not None else wq.Every()
    rescore = sort is Sort.RELEVANCE and len(parsed.groups) > 1
    options = {
        "limit": max(limit, RESCORE_WINDOW if rescore else 0),
        "filter": filter,
        "terms": rescore,
    }
    if facets:
        options["groupedby"] = facet_definitions()
    if sort is not Sort.RELEVANCE or parsed.query is None:
        options["sortedby"] = "published"
        options["reverse"] = sort is not Sort.OLDEST
    results = searcher.search(query, **options)
    return results, (_coordinate(results, parsed) if rescore else list(results))


def build_filter(filters: Filters) -> wq.Query | None:
    """Return the Whoosh query that restricts a search to the filters, or None.

    :raises InvalidDateRange: if the date range ends before it starts.
    """
    parts = []
    for fieldname, values in (
        ("section", filters.sections),
        ("author_label", filters.authors),
        ("source_label", filters.sources),
        ("tags", filters.tags),
        ("year", [str(y) for y in filters.years]),
    ):
        if values:
            parts.append(wq.Or([wq.Term(fieldname, v) for v in values]))
    start, end = filters.date_from, filters.date_to
    if start and end and start > end:
        raise InvalidDateRange(f"the date range ends ({end}) before it starts ({start})")
    if start or end:
        # Built as an object, not parsed from text, so that the bounds are exactly these days.
        parts.append(
            wq.DateRange(
                "published",
                datetime.combine(start, datetime.min.time()) if start else None,
                datetime.combine(end, datetime.max.time()) if end else None,
            )
        )
    return wq.And(parts) if parts else None


def highlight_terms(reader, parsed: Parsed) -> set[str]:
    """Return the index terms of the query's positive words, prefixes expanded."""
    terms = set()
    if parsed.query is None:
        return terms
    for leaf in _positive_leaves(parsed.query):
        for fieldname, text in leaf.existing_terms(reader, expand=True):
            if fieldname in TEXT_FIELDS:
                terms.add(as_text(text))
    return terms


def _positive_leaves(query: wq.Query) -> Iterator[wq.Query]:
    if isinstance(query, wq.AndNot):
        yield from _positive_leaves(query.a)
    elif isinstance(query, wq.Not):
        return
    elif query.is_leaf():
        yield query
    else:
        for child in query.children():
            yield from _positive_leaves(child)


def _coordinate(results, parsed: Parsed) -> list:
    """Reorder the top hits by BM25F score times the share of query words they hold."""
    hits = list(results)
    window, rest = hits[:RESCORE_WINDOW], hits[RESCORE_WINDOW:]
    groups = parsed.groups

    def score(hit) -> float:
        matched = {(f, t.decode("utf-8")) for f, t in hit.matched_terms()}
        held = sum(1 for group in groups if _holds(group, matched))
        return hit.score * held / len(groups)

    return sorted(window, key=score, reverse=True) + rest


def _holds(group, matched: set[tuple[str, str]]) -> bool:
    for fieldname, text, is_prefix in group:
        if is_prefix:
            if any(f == fieldname and t.startswith(text) for f, t in matched):
                return True
        elif (fieldname, text) in matched:
            return True
    return False


def _hit(hit, terms: set[str]) -> Hit:
    fields = hit.fields()
    article = stored_article(fields)
    text = article.body if article.body else article.summary
    return Hit(
        id=article.id,
        title=article.title,
        url=article.url,
        published=article.published,
        author=article.author,
        source=article.source,
        section=article.section,
        tags=article.tags,
        score=round(hit.score or 0.0, 4),
        snippet=make_snippet(text, terms),
        title_html=mark_all(article.title, terms),
    )


def stored_article(fields: dict) -> Article:
    """Return the Article held in an index document's stored fields."""
    return Article(
        id=fields["id"],
        title=fields.get("title", ""),
        body=fields.get("body", ""),
        url=fields.get("url", ""),
        summary=fields.get("summary", ""),
        author=fields.get("author", ""),
        source=fields.get("source", ""),
        section=fields.get("section", ""),
        tags=tuple(t for t in fields.get("tags", "").split(",") if t),
        published=fields.get("published"),
    )
