"""Run a search: ranked hits with snippets, facet counts, filters, sorting and pages."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

from whoosh import query as wq

from .errors import InvalidDateRange
from .facets import FACET_FILTERS, as_text, facet_counts, facet_definitions
from .folding import Copies
from .highlighting import make_snippet, mark_all
from .models import Article, Facet, Filters, Hit, Results, Sort
from .query import Parsed, parse_query
from .ranking import query_of, rank
from .schema import TEXT_FIELDS
from .suggestions import spelling_suggestion

MAX_PER_PAGE = 100


def run_search(
    searcher, text: str, filters: Filters, sort: Sort, page, per_page, copies: Copies | None = None
) -> Results:
    """Return one page of results; facets count every match.

    With copies, an article's duplicates ranked below it are folded into its hit (folding.py).
    """
    started = time.perf_counter()
    parsed = parse_query(text)
    results, ranked = rank(
        searcher, parsed, page * per_page, filter=build_filter(filters), sort=sort, facets=True
    )
    terms = highlight_terms(searcher.reader(), parsed)
    scored = sort is Sort.RELEVANCE and parsed.query is not None
    ranked, folded = _fold(
        searcher, parsed, filters, sort, page * per_page, results, ranked, copies
    )
    page_hits = ranked[(page - 1) * per_page : page * per_page]
    hits = tuple(_hit(hit, terms, scored) for hit in page_hits)
    if copies:
        hits = tuple(
            replace(hit, duplicates=copies.others(searcher, found.docnum))
            for hit, found in zip(hits, page_hits, strict=True)
        )
    return Results(
        query=text,
        total=len(results) - folded,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        page=page,
        per_page=per_page,
        hits=hits,
        facets=_facets(searcher, parsed, filters, results),
        syntax_fallback=parsed.syntax_fallback,
        truncated=parsed.truncated,
        suggestion=spelling_suggestion(searcher.reader(), text, parsed),
        terms=tuple(sorted(terms)),
        folded=folded,
    )


def _fold(searcher, parsed, filters, sort, need: int, results, ranked, copies) -> tuple[list, int]:
    """Return the ranked hits without duplicates of a hit above, and how many were folded."""
    if not copies:
        return ranked, 0

    def fetch(limit: int) -> list:
        return rank(searcher, parsed, limit, filter=build_filter(filters), sort=sort)[1]

    return copies.fold(ranked, need, len(results), fetch), copies.folded(results)


def _facets(searcher, parsed: Parsed, filters: Filters, results) -> tuple[Facet, ...]:
    """Return facet counts; a facet with chosen values is counted without its own filter.

    So the other values of that facet stay offered, as alternatives to add.
    """
    facets = {facet.name: facet for facet in facet_counts(results)}
    for name, attribute in FACET_FILTERS.items():
        if getattr(filters, attribute):
            others = replace(filters, **{attribute: ()})
            recount = searcher.search(
                query_of(parsed),
                filter=build_filter(others),
                groupedby=facet_definitions([name]),
                limit=1,
            )
            facets[name] = next(facet_counts(recount, [name]))
    return tuple(facets.values())


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


def _hit(hit, terms: set[str], scored: bool) -> Hit:
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
        # Sorted by date, Whoosh's score is the sort key: no relevance to report.
        score=round(hit.score or 0.0, 4) if scored else None,
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
