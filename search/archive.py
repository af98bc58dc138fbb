"""An open index: the one object the CLI and the web app search through."""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from .errors import ArticleNotFound, IndexChanged, IndexEmpty, InvalidPage, InvalidPageSize
from .limits import request_limits
from .models import (
    Article,
    ArticleView,
    Completion,
    Duplicate,
    Filters,
    Results,
    Sort,
    Stats,
)
from .ranking.facets import count_facet
from .ranking.folding import CopiesCache
from .ranking.query import parse_query
from .ranking.ranker import rank
from .ranking.suggestions import complete
from .store.definitions import load_definitions
from .store.index import open_index
from .store.snapshot import NO_DATE, Snapshot, moment
from .store.topics import TopicsCache
from .store.view import load_view
from .views.concordance import Concordance, ConcordanceSort, compute_concordance
from .views.exporting import Export
from .views.highlighting import mark_all
from .views.periods import Period
from .views.querying import MAX_PER_PAGE, highlight_terms, run_search, stored_article
from .views.related import RELATED, Related, related_articles
from .views.tables import results_export
from .views.trends import Trends, compute_trends


class Archive:
    """An index opened for searching, reopened when a newer version is committed.

    With a time_budget (seconds), a search, trend, concordance or completion that would take
    longer returns what it found by then, flagged ``partial`` (``limits.py``).
    """

    def __init__(self, path: Path | str, time_budget: float | None = None):
        self.path = Path(path)
        self.time_budget = time_budget
        self._index = open_index(self.path)
        self._searcher = None
        self._snapshot: Snapshot | None = None
        self._generation = None
        self._copies = CopiesCache(self.path)
        self._topics = TopicsCache(self.path)
        # Whoosh searchers are not thread-safe; a worker serves one request at a time.
        self._lock = threading.RLock()

    def _current(self):
        """Return a searcher on the latest committed version of the index."""
        generation = self._index.latest_generation()
        if self._searcher is None or generation != self._generation:
            # Reopened rather than refreshed: Whoosh's refresh() fails on an empty index.
            if self._searcher is not None:
                self._release()
            self._index = open_index(self.path)
            self._searcher = self._index.searcher()
            # An archive dropped without close() (a web app's) still releases its files.
            self._release = weakref.finalize(self, self._searcher.close)
            self._snapshot = None
            self._generation = generation
        return self._searcher

    def _arrays(self) -> Snapshot:
        """Return the arrays of the latest committed version, read when first needed."""
        searcher = self._current()
        if self._snapshot is None:
            # The version's view maps what every worker would otherwise make a copy of.
            view = load_view(self.path, self._generation)
            fits = view is not None and view.fits(searcher.reader())
            self._snapshot = Snapshot(searcher, view.arrays if fits else None)
            # Written before the version it describes was committed: read once per version.
            self._snapshot.definitions = load_definitions(self.path)
        # The topic space is written after the index version it describes: look each time.
        self._snapshot.topics = self._topics.get(searcher, self._generation)
        return self._snapshot

    def opened(self) -> tuple[int, Snapshot]:
        """Return the latest committed version's generation and arrays, for a shard's rounds."""
        with self._lock:
            snapshot = self._arrays()
            return self._generation, snapshot

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
        collapse: bool = True,
    ) -> Results:
        """Return one page of articles matching query and filters.

        With collapse, duplicates of an article ranked above are folded into its hit.

        :raises InvalidPage: for a page below 1.
        :raises InvalidPageSize: for a page size outside 1–100.
        :raises InvalidDateRange: if the date range ends before it starts.
        :raises IndexEmpty: if the index holds no article.
        :raises DuplicatesUnreadable: if collapse and the record of duplicates cannot be read.
        """
        if page < 1:
            raise InvalidPage(f"page must be 1 or more, not {page}")
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise InvalidPageSize(f"per_page must be within 1–{MAX_PER_PAGE}, not {per_page}")
        with self._lock:
            searcher = self._current()
            if searcher.doc_count() == 0:
                raise IndexEmpty(
                    f"{self.path}: the index holds no article; add some with: fouille index PATH"
                )
            copies = self._copies.get(searcher, self._generation) if collapse else None
            with request_limits(self.time_budget):
                return run_search(
                    self._arrays(), query, filters or Filters(), sort, page, per_page, copies
                )

    def rank_ids(self, query: str, limit: int = 100) -> list[tuple[str, float]]:
        """Return the ids and scores of the best articles for query, as the site ranks them."""
        with self._lock:
            snapshot = self._arrays()
            ranking = rank(snapshot, parse_query(query))
            return [
                (snapshot.searcher.stored_fields(docnum)["id"], ranking.score(docnum))
                for docnum in ranking.top(limit).tolist()
            ]

    def get_article(self, article_id: str) -> Article:
        """Return the stored article with this id.

        :raises ArticleNotFound: if no article has it.
        """
        with self._lock:
            fields = self._current().document(id=article_id)
        if fields is None:
            raise ArticleNotFound(f"no article has the id {article_id!r}")
        return stored_article(fields)

    def view_article(self, article_id: str, query: str = "", stats=None) -> ArticleView:
        """Return the article with every word of query marked in its title, lead and text.

        stats, a sharded archive's, expand the query's prefixes as the whole archive does.

        :raises ArticleNotFound: if no article has this id.
        """
        article = self.get_article(article_id)
        with self._lock, request_limits(self.time_budget):
            terms = highlight_terms(self._arrays(), parse_query(query), stats)
        paragraphs = (p for p in re.split(r"\n\s*\n|\n", article.body) if p.strip())
        return ArticleView(
            article=article,
            title_html=mark_all(article.title, terms),
            summary_html=mark_all(article.summary, terms),
            paragraphs_html=tuple(mark_all(p.strip(), terms) for p in paragraphs),
        )

    def complete(self, text: str, limit: int = 6) -> Completion:
        """Return frequent words and article titles that complete what is being typed."""
        with self._lock, request_limits(self.time_budget):
            return complete(self._arrays(), text, limit)

    def stats(self) -> Stats:
        """Return what the index holds."""
        with self._lock:
            snapshot = self._arrays()
            dated = snapshot.published[snapshot.live & (snapshot.published != NO_DATE)]
            modified = self._index.last_modified()
            return Stats(
                path=str(self.path),
                documents=snapshot.documents,
                last_update=datetime.fromtimestamp(modified) if modified > 0 else None,
                size_bytes=sum(f.stat().st_size for f in self.path.iterdir() if f.is_file()),
                first_published=moment(dated.min()) if len(dated) else None,
                last_published=moment(dated.max()) if len(dated) else None,
                sections=count_facet(snapshot, "section", snapshot.live, limit=None).values,
            )

    def close(self) -> None:
        """Release the index's files."""
        with self._lock:
            if self._searcher is not None:
                self._release()
                self._searcher = self._snapshot = None

    def trends(
        self,
        queries: list[str],
        filters: Filters | None = None,
        period: Period = Period.MONTH,
        collapse: bool = True,
        whole: bool = True,
    ) -> Trends:
        """Return each query's matching articles per period, as result lists count them.

        With whole False, only the years holding the bulk of the matches are shown, unless
        filters choose dates.

        :raises MissingQuery: without a query.
        :raises TooManyQueries: for more than four queries.
        :raises TooManyPeriods: if the archive spans too many periods of this length.
        """
        with self._lock:
            searcher = self._searching()
            copies = self._copies.get(searcher, self._generation) if collapse else None
            with request_limits(self.time_budget):
                snapshot = self._arrays()
                return compute_trends(
                    snapshot, queries, filters or Filters(), period, copies, whole
                )

    def concordance(
        self,
        query: str,
        filters: Filters | None = None,
        sort: ConcordanceSort = ConcordanceSort.DATE,
        collapse: bool = True,
        page: int = 1,
        per_page: int | None = None,
    ) -> Concordance:
        """Return a page of the occurrences of the query's words in context (None: all).

        :raises MissingQuery: if query holds no word to find.
        """
        with self._lock:
            searcher = self._searching()
            copies = self._copies.get(searcher, self._generation) if collapse else None
            with request_limits(self.time_budget):
                snapshot = self._arrays()
                return compute_concordance(
                    snapshot, query, filters or Filters(), sort, copies, page, per_page
                )

    def related(self, article_id: str, limit: int = RELATED) -> tuple[Related, ...]:
        """Return the articles most similar to this one, leaving out its duplicates.

        :raises ArticleNotFound: if no article has this id.
        """
        with self._lock:
            searcher = self._current()
            docnum = searcher.document_number(id=article_id)
            if docnum is None:
                raise ArticleNotFound(f"no article has the id {article_id!r}")
            copies = self._copies.get(searcher, self._generation)
            return related_articles(self._arrays(), docnum, copies, limit)

    def duplicates(self, article_id: str) -> tuple[Duplicate, ...]:
        """Return the other articles of this one's cluster, canonical first: its reprises.

        :raises ArticleNotFound: if no article has this id.
        :raises DuplicatesUnreadable: if the record of duplicates cannot be read.
        """
        with self._lock:
            searcher = self._current()
            docnum = searcher.document_number(id=article_id)
            if docnum is None:
                raise ArticleNotFound(f"no article has the id {article_id!r}")
            return self._copies.get(searcher, self._generation).others(searcher, docnum)

    def export_results(
        self, query: str = "", filters: Filters | None = None, sort: Sort = Sort.RELEVANCE
    ) -> Export:
        """Return every article matching query and filters, in result order, for export.

        Its rows are read as they are written, from this archive's searcher, under its lock
        (a second searcher would hold a second copy of the index in memory).

        :raises InvalidDateRange: if the date range ends before it starts.
        :raises IndexEmpty: if the index holds no article.
        """
        with self._lock:
            searcher = self._searching()
            export = results_export(self._arrays(), query, filters or Filters(), sort)
        return replace(export, rows=self._rows_of(searcher, export.rows))

    def _rows_of(self, searcher, rows: Iterator[tuple]) -> Iterator[tuple]:
        """Yield rows read from searcher, under the lock, while it is still the current one."""
        with self._lock:
            if searcher is not self._current():
                raise IndexChanged(f"{self.path}: the index changed before the export was read")
            yield from rows

    def _searching(self):
        """Return the current searcher, or raise IndexEmpty if the index holds no article."""
        searcher = self._current()
        if searcher.doc_count() == 0:
            raise IndexEmpty(
                f"{self.path}: the index holds no article; add some with: fouille index PATH"
            )
        return searcher
