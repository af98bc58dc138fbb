"""A sharded archive: the methods of ``Archive``, answered by every shard through a coordinator.

Its transport calls the shards' rounds (``shard.py``): Ray actors (``actor.py``) or, in one
process, the shards themselves (:func:`local_transport`). A shard that fails a round fails the
whole answer, which is tried once more (Ray restarts the shard meanwhile); if it fails again,
the answer is made of the shards that responded and says which did not (``Results.missing``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..analysis.french import analyze
from ..errors import IndexEmpty, InvalidPage, InvalidPageSize, ShardsDown
from ..models import (
    ArticleView,
    Completion,
    Duplicate,
    FacetValue,
    Filters,
    Results,
    Sort,
    Stats,
)
from ..ranking.scoring import MAX_EXPANSIONS
from ..ranking.suggestions import WORDS, title_prefix, typed
from ..views.concordance import Concordance, ConcordanceSort
from ..views.exporting import Export, export_metadata
from ..views.periods import Period
from ..views.querying import MAX_PER_PAGE
from ..views.related import FIELD as RELATED_FIELD
from ..views.related import RELATED, Related, weighed_terms
from ..views.tables import RESULT_COLUMNS
from ..views.trends import Trends
from . import analyses
from .coordinator import Coordinator, Transport
from .layout import shard_of
from .merging import merge_tops
from .stats import choose_expansions, combine_frequencies, shared_statistics


class ShardedArchive:
    """An archive split into shards, searched as one index of all its articles would be.

    With a time_budget (seconds), a search that would take longer returns what it found by
    then, flagged ``partial``.
    """

    def __init__(
        self,
        path: Path | str,
        shards: int,
        transport: Transport,
        time_budget: float | None = None,
    ):
        """Search the shards of the index at path through transport."""
        self.path = Path(path)
        self.shards = shards
        self.transport = transport
        self.time_budget = time_budget
        self._coordinators: dict[tuple[int, ...], Coordinator] = {}

    def search_articles(
        self,
        query: str = "",
        filters: Filters | None = None,
        sort: Sort = Sort.RELEVANCE,
        page: int = 1,
        per_page: int = 10,
        collapse: bool = True,
    ) -> Results:
        """Return one page of articles matching query and filters, over every shard.

        :raises InvalidPage: for a page below 1.
        :raises InvalidPageSize: for a page size outside 1–100.
        :raises IndexEmpty: if no shard holds an article.
        """
        if page < 1:
            raise InvalidPage(f"page must be 1 or more, not {page}")
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise InvalidPageSize(f"per_page must be within 1–{MAX_PER_PAGE}, not {per_page}")

        def search(coordinator: Coordinator) -> Results:
            if coordinator.version().documents == 0:
                raise IndexEmpty(f"{self.path}: the index holds no article")
            return coordinator.search(
                query, filters or Filters(), sort, page, per_page, collapse, self.time_budget
            )

        results, missing = self._answer(search)
        return replace(results, shards=self.shards, missing=missing)

    def rank_ids(self, query: str, limit: int = 100) -> list[tuple[str, float]]:
        """Return the ids and scores of the best articles for query, as the site ranks them."""

        def ranked(coordinator: Coordinator) -> list[tuple[str, float]]:
            found = coordinator.rank(query, Filters(), Sort.RELEVANCE, limit, False)
            best = merge_tops({n: s.top for n, s in found.scored.items()})[:limit]
            parts = best.by_shard(coordinator.shards)
            asked = {n: (parts[n].tolist(),) for n in coordinator.shards if len(parts[n])}
            answers = coordinator.call("ids", per_shard=asked) if asked else {}
            ids = {n: iter(found) for n, found in answers.items()}
            places = [shard for shard, _ in best.places()]
            return [(next(ids[s]), float(k)) for s, k in zip(places, best.keys, strict=True)]

        return self._answer(ranked)[0]

    def count(self) -> int:
        """Return the number of articles in every shard that answers."""
        return sum(self._answer(lambda c: list(c.call("count").values()))[0])

    def get_article(self, article_id: str):
        """Return the stored article with this id, from the shard that holds it.

        :raises ArticleNotFound: if no article has it.
        """
        return self._owner(article_id, "get_article", article_id)

    def view_article(self, article_id: str, query: str = "") -> ArticleView:
        """Return the article with every word of query marked, as the archive expands them.

        :raises ArticleNotFound: if no article has this id.
        """
        stats = self._answer(lambda c: c.statistics(query))[0] if query.strip() else None
        return self._owner(article_id, "view_article", article_id, query, stats)

    def duplicates(self, article_id: str) -> tuple[Duplicate, ...]:
        """Return the other articles of this one's cluster, canonical first, from every shard.

        :raises ArticleNotFound: if no article has this id.
        """
        ids = self._owner(article_id, "copies", article_id)
        if not ids:
            return ()
        found: dict[str, Duplicate] = {}
        for part in self._answer(lambda c: list(c.call("duplicates", list(ids)).values()))[0]:
            found |= part
        return tuple(found[i] for i in ids if i in found)

    def related(self, article_id: str, limit: int = RELATED) -> tuple[Related, ...]:
        """Return the articles most similar to this one over every shard, leaving out its
        duplicates, as one index would.

        :raises ArticleNotFound: if no article has this id.
        """
        counts, text, key = self._owner(article_id, "related_terms", article_id)

        def found(coordinator: Coordinator) -> tuple[Related, ...]:
            asked = [(RELATED_FIELD, term) for term in counts]
            known = combine_frequencies(list(coordinator.call("term_frequencies", asked).values()))
            version = coordinator.version()
            size = max(version.size, 1)
            terms = weighed_terms(counts, lambda t: known.totals.get((RELATED_FIELD, t), 0) / size)
            if not terms:
                return ()
            stats = shared_statistics(version, known, {})
            parts = coordinator.call("related", article_id, text, key, terms, stats, limit)
            return related_among([c for part in parts.values() for c in part], limit)

        return self._answer(found)[0]

    def complete(self, text: str, limit: int = 6) -> Completion:
        """Return frequent words and titles that complete the last word typed, over every
        shard, as one index would."""
        head, last = typed(text)
        if len(last) < 2:
            return Completion(text, (), ())
        return self._answer(lambda c: _completion(c, text, limit))[0]

    def stats(self) -> Stats:
        """Return what the shards that answer hold, together."""
        parts = self._answer(lambda c: list(c.call("stats").values()))[0]
        sections: dict[str, int] = {}
        for part in parts:
            for value in part.sections:
                sections[value.value] = sections.get(value.value, 0) + value.count
        updates = [p.last_update for p in parts if p.last_update]
        firsts = [p.first_published for p in parts if p.first_published]
        lasts = [p.last_published for p in parts if p.last_published]
        return Stats(
            path=str(self.path),
            documents=sum(p.documents for p in parts),
            last_update=max(updates) if updates else None,
            size_bytes=sum(p.size_bytes for p in parts),
            first_published=min(firsts) if firsts else None,
            last_published=max(lasts) if lasts else None,
            sections=tuple(
                FacetValue(v, n) for v, n in sorted(sections.items(), key=lambda p: -p[1])
            ),
        )

    def health(self) -> list[dict]:
        """Return each shard's state: whether it answers, and how many articles it holds."""
        found = []
        for number in range(self.shards):
            try:
                count = self.transport("count", {number: ()})[number]
            except ShardsDown:
                found.append({"shard": number + 1, "status": "down", "documents": None})
            else:
                found.append({"shard": number + 1, "status": "up", "documents": count})
        return found

    def trends(
        self,
        queries: list[str],
        filters: Filters | None = None,
        period: Period = Period.MONTH,
        collapse: bool = True,
        whole: bool = True,
    ) -> Trends:
        """Return each query's matching articles per period, counted over every shard.

        Associated words are not looked for on a sharded archive yet.

        :raises MissingQuery: without a query.
        :raises TooManyQueries: for more than four queries.
        :raises TooManyPeriods: if the archive spans too many periods of this length.
        """

        def counted(coordinator: Coordinator) -> Trends:
            return analyses.trends(
                coordinator,
                queries,
                filters or Filters(),
                period,
                collapse,
                whole,
                self.time_budget,
            )

        return self._answer(counted)[0]

    def concordance(
        self,
        query: str,
        filters: Filters | None = None,
        sort: ConcordanceSort = ConcordanceSort.DATE,
        collapse: bool = True,
        page: int = 1,
        per_page: int | None = None,
    ) -> Concordance:
        """Return a page of the occurrences of the query's words in context, over every shard.

        :raises MissingQuery: if query holds no word to find.
        """

        def lines(coordinator: Coordinator) -> Concordance:
            return analyses.concordance(
                coordinator,
                query,
                filters or Filters(),
                sort,
                collapse,
                page,
                per_page,
                self.time_budget,
            )

        return self._answer(lines)[0]

    def export_results(
        self, query: str = "", filters: Filters | None = None, sort: Sort = Sort.RELEVANCE
    ) -> Export:
        """Return every article matching query and filters, in result order, for export.

        The order is worked out at once; rows are read from the shards as they are written.

        :raises InvalidDateRange: if the date range ends before it starts.
        :raises IndexEmpty: if no shard holds an article.
        """
        filters = filters or Filters()

        def ordered(coordinator: Coordinator):
            documents = coordinator.version().documents
            if documents == 0:
                raise IndexEmpty(f"{self.path}: the index holds no article")
            return (
                coordinator,
                documents,
                *analyses.export_order(coordinator, query, filters, sort),
            )

        (coordinator, documents, order, scored), _ = self._answer(ordered)
        metadata = export_metadata(
            "results", documents, filters, query=query, sort=sort.value, matches=len(order)
        )
        rows = analyses.export_rows(coordinator, order, scored)
        return Export("results", RESULT_COLUMNS, rows, metadata)

    def close(self) -> None:
        """Forget the coordinators (the shards stay up for other clients)."""
        self._coordinators.clear()

    def _owner(self, article_id: str, method: str, *args):
        """Call a round on the shard that holds the article with this id."""
        number = shard_of(article_id, self.shards)
        try:
            return self.transport(method, {number: args})[number]
        except ShardsDown:
            return self.transport(method, {number: args})[number]

    def _answer(self, work: Callable[[Coordinator], object]) -> tuple[object, tuple[int, ...]]:
        """Return work's answer over every shard, else over those that answer; and the others.

        A shard that fails is asked once more (Ray restarts it meanwhile) before it is left out.
        """
        shards = list(range(self.shards))
        for attempt in range(2):
            try:
                return work(self._coordinator(shards)), ()
            except ShardsDown as down:
                failed = down.shards
            if not attempt:
                self._wait_for(failed)
        while True:
            shards = [n for n in shards if n not in failed]
            if not shards:
                raise ShardsDown(failed, "no shard answers")
            try:
                return work(self._coordinator(shards)), tuple(
                    n for n in range(self.shards) if n not in shards
                )
            except ShardsDown as down:
                failed = down.shards

    def _wait_for(self, shards: list[int]) -> None:
        """Wait until the shards answer again (Ray restarts them), or fail to."""
        try:
            self.transport("count", {n: () for n in shards})
        except ShardsDown:
            return

    def _coordinator(self, shards: list[int]) -> Coordinator:
        key = tuple(shards)
        if key not in self._coordinators:
            self._coordinators[key] = Coordinator(self.transport, shards)
        return self._coordinators[key]


def local_transport(shards: list) -> Transport:
    """Return a transport calling the rounds of shards held in this process."""

    def call(method: str, calls: dict[int, tuple]) -> dict[int, object]:
        return {n: getattr(shards[n], method)(*args) for n, args in calls.items()}

    return call


def _completion(coordinator: Coordinator, text: str, limit: int) -> Completion:
    """Return the completions of text: the archive's words and the best titles of every shard."""
    head, last = typed(text)
    words_key, titles_key = (WORDS, last), ("title", title_prefix(last))
    asked = [(*words_key, limit), (*titles_key, MAX_EXPANSIONS)]
    parts = list(coordinator.call("expansion_candidates", asked).values())
    keys = {(f, t) for part in parts for (f, _), (terms, _) in part.items() for t in terms}
    keys |= {("title", term) for term in analyze(head)}
    counted = combine_frequencies(
        list(coordinator.call("term_frequencies", sorted(keys)).values())
    )
    expansions = {}
    for key, most in ((words_key, limit), (titles_key, MAX_EXPANSIONS)):
        expansions |= choose_expansions([{key: part[key]} for part in parts], counted, most)
    words = tuple(f"{head} {word}".strip() for word in expansions[words_key][0])
    if not expansions[titles_key][0]:
        return Completion(text, words, ())
    stats = shared_statistics(coordinator.version(), counted, expansions)
    found = coordinator.call("completions", text, stats, limit)
    ranked = sorted(
        ((score, n, i, pair) for n in sorted(found) for i, (score, *pair) in enumerate(found[n])),
        key=lambda entry: (-entry[0], entry[1], entry[2]),
    )
    return Completion(text, words, tuple(tuple(pair) for *_, pair in ranked[:limit]))


def related_among(candidates: list[tuple], limit: int) -> tuple[Related, ...]:
    """Return the limit best of the shards' candidates, one per cluster, none of the same text."""
    # As many as one index looks at (``related.best_related``).
    ranked = sorted(candidates, key=lambda c: -c[0])[: limit * 3 + 3]
    found, groups = [], set()
    for _, _, cluster, same, related in ranked:
        if (cluster >= 0 and cluster in groups) or same:
            continue
        groups.add(cluster)
        found.append(related)
        if len(found) == limit:
            break
    return tuple(found)
