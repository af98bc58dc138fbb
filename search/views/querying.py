"""Run a search: ranked hits with snippets, facet counts, filters, sorting and pages."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from whoosh import query as wq

from ..limits import current, over_time
from ..models import Article, Facet, Filters, Hit, Results, Sort
from ..ranking.expansion import meanings
from ..ranking.facets import FACET_FIELDS, as_text, count_facet
from ..ranking.filtering import combine, filter_masks
from ..ranking.folding import Copies
from ..ranking.query import Parsed, parse_query
from ..ranking.ranker import Ranking, positive_leaves, rank
from ..ranking.scoring import expansions
from ..ranking.suggestions import spelling_suggestion
from ..store.schema import TEXT_FIELDS
from ..store.snapshot import Snapshot
from ..store.statistics import Statistics
from .highlighting import article_snippet, mark_all

MAX_PER_PAGE = 100


def run_search(
    snapshot: Snapshot,
    text: str,
    filters: Filters,
    sort: Sort,
    page: int,
    per_page: int,
    copies: Copies | None = None,
) -> Results:
    """Return one page of results, with facet counts over every match.

    With copies, an article's duplicates ranked below it are folded into its hit (folding.py),
    and the facets count each cluster once per value, as the list a value opens totals.

    :raises InvalidDateRange: if the date range ends before it starts.
    """
    started = time.perf_counter()
    parsed = parse_query(text)
    masks = filter_masks(snapshot, filters)
    ranking = rank(snapshot, parsed, combine(masks), sort)
    need = page * per_page
    ranked = copies.fold(ranking, need) if copies else ranking.top(need).tolist()
    terms = highlight_terms(snapshot, parsed)
    searcher = snapshot.searcher
    hits = tuple(
        article_hit(searcher.stored_fields(docnum), terms, ranking.score(docnum))
        for docnum in ranked[(page - 1) * per_page : need]
    )
    if copies:
        page_docs = ranked[(page - 1) * per_page : need]
        hits = tuple(
            replace(hit, duplicates=copies.others(searcher, docnum))
            for hit, docnum in zip(hits, page_docs, strict=True)
        )
    folded = copies.folded(ranking.matched) if copies else 0
    return Results(
        query=text,
        total=ranking.total - folded,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        page=page,
        per_page=per_page,
        hits=hits,
        facets=_facets(ranking, masks, copies),
        syntax_fallback=parsed.syntax_fallback,
        truncated=parsed.truncated,
        suggestion=None if over_time() else spelling_suggestion(snapshot, text, parsed),
        terms=tuple(sorted(terms)),
        folded=folded,
        partial=current().partial,
        wildcards_capped=current().capped,
    )


def select(snapshot: Snapshot, text: str, filters: Filters, sort=Sort.RELEVANCE) -> Ranking:
    """Return every article the result list for text and filters holds, in its order.

    :raises InvalidDateRange: if the date range ends before it starts.
    """
    return rank(snapshot, parse_query(text), combine(filter_masks(snapshot, filters)), sort)


def _facets(
    ranking: Ranking, masks: dict[str, np.ndarray], copies: Copies | None
) -> tuple[Facet, ...]:
    """Return facet counts; a facet with chosen values is counted without its own filter.

    So the other values of that facet stay offered, as alternatives to add.
    """
    facets = []
    for name in FACET_FIELDS:
        others = combine(masks, without=name)
        selected = ranking.candidates & others if others is not None else ranking.candidates
        facets.append(count_facet(ranking.snapshot, name, selected, copies))
    return tuple(facets)


def highlight_terms(
    snapshot: Snapshot, parsed: Parsed, stats: Statistics | None = None
) -> set[str]:
    """Return the index terms of the query's positive words, prefixes expanded as searched.

    The words of what a query's words also stand for (``expansion.py``) are marked too.
    """
    stats = stats or snapshot.statistics
    terms = _query_terms(snapshot, parsed, stats)
    for means in meanings(snapshot, parsed):
        for meaning in means:
            terms |= _query_terms(snapshot, meaning, stats)
    return terms


def _query_terms(snapshot: Snapshot, parsed: Parsed, stats: Statistics) -> set[str]:
    terms = set()
    if parsed.query is None:
        return terms
    for leaf in positive_leaves(parsed.query):
        if isinstance(leaf, wq.Prefix):
            found = [(leaf.fieldname, t) for t in expansions(stats, leaf.fieldname, leaf.text)]
        else:
            found = leaf.existing_terms(snapshot.reader)
        terms.update(as_text(text) for fieldname, text in found if fieldname in TEXT_FIELDS)
    return terms


def article_hit(fields: dict, terms: set[str], score: float | None) -> Hit:
    """Return an index document's stored fields as a hit, its snippet marking the terms."""
    article = stored_article(fields)
    return Hit(
        id=article.id,
        title=article.title,
        url=article.url,
        published=article.published,
        author=article.author,
        source=article.source,
        section=article.section,
        tags=article.tags,
        score=round(score, 4) if score is not None else None,
        snippet=article_snippet(article.body, article.summary, terms),
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
