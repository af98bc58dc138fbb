"""Plain data classes passed between the search package and its callers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum


@dataclass(frozen=True)
class Article:
    """One article as stored in the index."""

    id: str
    title: str
    body: str
    url: str = ""
    summary: str = ""
    author: str = ""
    source: str = ""
    section: str = ""
    tags: tuple[str, ...] = ()
    published: datetime | None = None


@dataclass(frozen=True)
class InputNote:
    """How a file was read when it was not as expected (its encoding guessed, say)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class Sort(Enum):
    """Orders a result list can take."""

    RELEVANCE = "pertinence"
    NEWEST = "recent"
    OLDEST = "ancien"


@dataclass(frozen=True)
class Filters:
    """Restrictions on a search: values of one facet are alternatives, facets combine."""

    sections: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class Duplicate:
    """Another publication of a result's text: a reprise, linked from the result."""

    id: str
    title: str
    published: datetime | None


@dataclass(frozen=True)
class Hit:
    """One article in a result list, with its highlighted snippet."""

    id: str
    title: str
    url: str
    published: datetime | None
    author: str
    source: str
    section: str
    tags: tuple[str, ...]
    # BM25F relevance; None when results are sorted by date.
    score: float | None
    snippet: str
    title_html: str
    # The other articles of its cluster of duplicates, canonical (earliest) first, when the
    # result list folds them into this one.
    duplicates: tuple[Duplicate, ...] = ()


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet (its most written spelling) and the results filtering on it gives."""

    value: str
    count: int


@dataclass(frozen=True)
class Facet:
    """Counts of one field's values over all matching articles, as the result list counts."""

    name: str
    values: tuple[FacetValue, ...]


@dataclass(frozen=True)
class Results:
    """One page of results for a query, with facet counts over all its matches."""

    query: str
    total: int
    took_ms: float
    page: int
    per_page: int
    hits: tuple[Hit, ...]
    facets: tuple[Facet, ...]
    # True when the query's syntax could not be read and its words were searched instead.
    syntax_fallback: bool = False
    # True when the query had more words than are searched; the first ones were kept.
    truncated: bool = False
    # The query with likely typos corrected, when some words are unknown to the index.
    suggestion: str | None = None
    terms: tuple[str, ...] = field(default=())
    # Matching articles not listed because they are duplicates of a listed one (not in total).
    folded: int = 0
    # True when the time a search may take ran out: some words were not read (limits.py).
    partial: bool = False
    # True when a wildcard (cyber*) matched more words than are searched, or a query held
    # more wildcards than are searched.
    wildcards_capped: bool = False
    # A sharded archive's shards (``search/cluster/``), and those that did not answer.
    shards: int = 1
    missing: tuple[int, ...] = ()

    @property
    def pages(self) -> int:
        """Return the number of result pages."""
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class ArticleView:
    """An article ready to show, with the words of a query marked in its text."""

    article: Article
    title_html: str
    summary_html: str
    paragraphs_html: tuple[str, ...]


@dataclass(frozen=True)
class Completion:
    """Ways to finish what a reader is typing: frequent words and matching titles."""

    text: str
    words: tuple[str, ...]
    # (article id, title) pairs.
    titles: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Stats:
    """What an index holds."""

    path: str
    documents: int
    last_update: datetime | None
    size_bytes: int
    first_published: datetime | None
    last_published: datetime | None
    sections: tuple[FacetValue, ...]
