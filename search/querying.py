"""Search an index: ranked hits with snippets, facet counts, filters, sorting and pages."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from whoosh import query as wq
from whoosh import sorting

from .errors import ArticleNotFound, IndexEmpty, QueryError
from .highlighting import make_snippet, mark_all
from .models import Article, Facet, FacetValue, Filters, Hit, Results, Sort, Stats
from .query import Parsed, parse_query
from .schema import TEXT_FIELDS
from .store import open_index

# Hits reordered by coordination (how many of the query's words they hold); beyond this
# window, BM25F order stands, so that pages never repeat or skip an article.
RESCORE_WINDOW = 200
MAX_PER_PAGE = 100
FACET_FIELDS = {
    "section": "section",
    "author": "author_label",
    "source": "source_label",
    "tags": "tags",
    "year": "year",
}
FACET_SIZE = 20


class Archive:
    """An index opened for searching, reopened when a newer version is committed."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._index = open_index(self.path)
        self._searcher = None
        # Whoosh searchers are not thread-safe; a worker serves one request at a time.
        self._lock = threading.RLock()

    def _current(self):
        if self._searcher is None:
            self._searcher = self._index.searcher()
        elif not self._searcher.up_to_date():
            self._searcher = self._searcher.refresh()
        return self._searcher

    def count(self) -> int:
        """Return the number of articles in the index."""
        with self._lock:
            return self._current().doc_count()

    def search_articles(
        self,
        query: str = "",
        filters: Filters | None = None,
        sort: Sort = Sort.RELEVANCE,
        page: int = 1,
        per_page: int = 10,
    ) -> Results:
        """Return one page of articles matching query and filters.

        :raises QueryError: for a page below 1, a page size outside 1–100 or reversed dates.
        :raises IndexEmpty: if the index holds no article.
        """
        if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
            raise QueryError(f"page must be ≥ 1 and per_page within 1–{MAX_PER_PAGE}")
        with self._lock:
            searcher = self._current()
            if searcher.doc_count() == 0:
                raise IndexEmpty(
                    f"{self.path}: the index holds no article; add some with: fouille index PATH"
                )
            return _search(searcher, query, filters or Filters(), sort, page, per_page)

    def get_article(self, article_id: str) -> Article:
        """Return the stored article with this id.

        :raises ArticleNotFound: if no article has it.
        """
        with self._lock:
            fields = self._current().document(id=article_id)
        if fields is None:
            raise ArticleNotFound(f"no article has the id {article_id!r}")
        return _article(fields)

    def stats(self) -> Stats:
        """Return what the index holds."""
        with self._lock:
            searcher = self._current()
            reader = searcher.reader()
            dates = [d for d in _column(reader, "published") if d]
            sections = _counts(s for s in _column(reader, "section") if s)
            modified = self._index.last_modified()
            return Stats(
                path=str(self.path),
                documents=searcher.doc_count(),
                last_update=datetime.fromtimestamp(modified) if modified > 0 else None,
                size_bytes=sum(f.stat().st_size for f in self.path.iterdir() if f.is_file()),
                first_published=min(dates, default=None),
                last_published=max(dates, default=None),
                sections=tuple(sections),
            )

    def close(self) -> None:
        """Release the index's files."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None


def _search(searcher, text: str, filters: Filters, sort: Sort, page, per_page) -> Results:
    started = time.perf_counter()
    parsed = parse_query(text)
    query = parsed.query if parsed.query is not None else wq.Every()
    rescore = sort is Sort.RELEVANCE and len(parsed.groups) > 1
    options = {
        "limit": max(page * per_page, RESCORE_WINDOW if rescore else 0),
        "filter": build_filter(filters),
        "groupedby": _facets(),
        "terms": rescore,
    }
    if sort is not Sort.RELEVANCE or parsed.query is None:
        options["sortedby"] = "published"
        options["reverse"] = sort is not Sort.OLDEST
    results = searcher.search(query, **options)
    ranked = _coordinate(results, parsed) if rescore else list(results)
    terms = highlight_terms(searcher.reader(), parsed)
    hits = tuple(_hit(hit, terms) for hit in ranked[(page - 1) * per_page : page * per_page])
    return Results(
        query=text,
        total=len(results),
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        page=page,
        per_page=per_page,
        hits=hits,
        facets=tuple(_facet_counts(results)),
        syntax_fallback=parsed.syntax_fallback,
        terms=tuple(sorted(terms)),
    )


def build_filter(filters: Filters) -> wq.Query | None:
    """Return the Whoosh query that restricts a search to the filters, or None.

    :raises QueryError: if the date range ends before it starts.
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
        raise QueryError(f"the date range ends ({end}) before it starts ({start})")
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
                terms.add(_text(text))
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


def _facets() -> sorting.Facets:
    facets = sorting.Facets()
    for name, fieldname in FACET_FIELDS.items():
        facets.add_facet(
            name,
            sorting.FieldFacet(fieldname, allow_overlap=name == "tags", maptype=sorting.Count),
        )
    return facets


def _facet_counts(results) -> Iterator[Facet]:
    for name in FACET_FIELDS:
        counts = {_text(k): v for k, v in results.groups(name).items() if k}
        if name == "year":
            ordered = sorted(counts.items(), reverse=True)
        else:
            ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_SIZE]
        yield Facet(name, tuple(FacetValue(str(k), v) for k, v in ordered))


def _text(key) -> str:
    return key.decode("utf-8") if isinstance(key, bytes) else str(key)


def _hit(hit, terms: set[str]) -> Hit:
    fields = hit.fields()
    article = _article(fields)
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


def _article(fields: dict) -> Article:
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


def _column(reader, fieldname: str) -> list:
    if not reader.has_column(fieldname):
        return []
    column = reader.column_reader(fieldname)
    return [column[docnum] for docnum in reader.all_doc_ids()]


def _counts(values) -> list[FacetValue]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return [FacetValue(k, v) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
