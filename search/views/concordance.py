"""Concordance: every occurrence of a query's words in the matching articles, in context.

Words are found as highlighting finds them (``highlighting.py``): the text is analysed with
the French analyzer, character offsets kept, and a word matches when its index term is one of
the query's, so ``retraites`` finds *retraite* and ``état`` finds *l’État*. The word is shown
as the article wrote it, between its left and right context.

>>> list(kwic("Selon l’État, la retraite.", {"etat"}, 20))
[('Selon l’', 'État', ', la retraite.')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from ..analysis.french import fold_accents
from ..errors import MissingQuery
from ..limits import current, over_time
from ..models import Filters, Sort
from ..ranking.folding import Copies
from ..ranking.query import parse_query
from ..store.snapshot import Snapshot
from .highlighting import located_terms
from .querying import highlight_terms, select

# The newest matching articles read, at most: a concordance is read, not counted.
MAX_ARTICLES = 500
CONTEXT_CHARS = 60
_SPACES = re.compile(r"\s+")
_FIRST_WORD = re.compile(r"\w+")


class ConcordanceSort(Enum):
    """Orders of concordance lines (values are the site's URL words)."""

    DATE = "date"
    NEXT_WORD = "suivant"


@dataclass(frozen=True)
class Line:
    """One occurrence of a query word: its left context, the word as written, its right."""

    article_id: str
    title: str
    published: datetime | None
    left: str
    match: str
    right: str


@dataclass(frozen=True)
class Concordance:
    """The lines of a query's newest matching articles, and how many articles matched."""

    query: str
    filters: Filters
    sort: ConcordanceSort
    lines: tuple[Line, ...]
    # Articles whose lines are listed (duplicates of one listed are left out).
    articles: int
    # Every matching article, duplicates included.
    matches: int
    # True when the time budget ran out: fewer articles were read (limits.py).
    partial: bool = False
    # True when a wildcard stood for fewer words than it matches (limits.py).
    wildcards_capped: bool = False


def compute_concordance(
    snapshot: Snapshot, text: str, filters: Filters, sort: ConcordanceSort, copies: Copies | None
) -> Concordance:
    """Return the concordance of text's words in its newest MAX_ARTICLES matches.

    :raises MissingQuery: if text holds no query.
    """
    parsed = parse_query(text)
    if parsed.query is None:
        raise MissingQuery("no query to find in context")
    terms = highlight_terms(snapshot, parsed)
    if not terms:
        # Unknown words, or exclusions only: nothing can be shown in context.
        return Concordance(text, filters, sort, (), 0, 0)
    ranking = select(snapshot, text, filters, Sort.NEWEST)
    lines, seen, read, known = [], set(), 0, {}
    for docnum in ranking.top(MAX_ARTICLES).tolist():
        if over_time():
            break
        group = copies.cluster(docnum) if copies else None
        if group is not None and group in seen:
            continue
        seen.add(group)
        read += 1
        fields = snapshot.searcher.stored_fields(docnum)
        body = fields.get("body") or fields.get("summary", "")
        about = (fields["id"], fields.get("title", ""), fields.get("published"))
        lines.extend(Line(*about, *context) for context in kwic(body, terms, known=known))
    if sort is ConcordanceSort.NEXT_WORD:
        lines.sort(key=lambda line: _next_word(line.right))
    limits = current()
    return Concordance(
        text, filters, sort, tuple(lines), read, ranking.total, limits.partial, limits.capped
    )


def kwic(
    text: str, terms: set[str], width: int = CONTEXT_CHARS, known: dict | None = None
) -> Iterator[tuple[str, str, str]]:
    """Yield (left, word, right) for each word of text whose index term is in terms.

    known, if given, holds the analyses of words met before (``located_terms``).
    """
    end = 0
    for term, start, stop in located_terms(text, known, terms):
        if term not in terms or start < end:
            continue
        end = stop
        left = _SPACES.sub(" ", text[max(0, start - width) : start])
        right = _SPACES.sub(" ", text[end : end + width])
        if start > width and " " in left:
            left = left[left.index(" ") + 1 :]
        if end + width < len(text) and " " in right.strip():
            right = right[: right.rstrip().rindex(" ")]
        yield left.strip(), text[start:end], right.strip()


def _next_word(right: str) -> str:
    found = _FIRST_WORD.search(right)
    return fold_accents(found.group().lower()) if found else ""
