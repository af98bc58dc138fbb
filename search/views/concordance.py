"""Concordance: every occurrence of a query's words in the matching articles, in context.

Words are found as highlighting finds them (``highlighting.py``): the text is analysed with
the French analyzer, character offsets kept, and a word matches when its index term is one of
the query's, so ``retraites`` finds *retraite* and ``état`` finds *l’État*. A quoted word
finds only its written form (``occurrences.py``): ``"retraites"`` is not *retraite*. The word
is shown as the article wrote it, between its left and right context.

Lines run through every matching article, newest first, a page at a time: the postings say
how many lines each article gives, so a page reads only its own articles. Sorted by a
neighbouring word, every line is read once and the order kept for the next pages.

>>> list(kwic("Selon l’État, la retraite.", {"etat"}, 20))
[('Selon l’', 'État', ', la retraite.')]
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

import numpy as np

from ..analysis.french import analyze, fold_accents
from ..errors import MissingQuery
from ..limits import current, over_time
from ..models import Filters, Sort
from ..ranking.folding import Copies
from ..ranking.query import Parsed, parse_query
from ..store.snapshot import Snapshot
from .highlighting import located_terms
from .occurrences import (
    article_text,
    compounds,
    exact_forms,
    exact_spans,
    form_holders,
    stem_counts,
    stretches_of,
)
from .querying import highlight_terms, select

CONTEXT_CHARS = 60
# Orders by a neighbouring word, and counts of written forms, kept per index version: the
# next pages read no article again.
KEPT_ORDERS = 16
_SPACES = re.compile(r"\s+")
_FIRST_WORD = re.compile(r"\w+")
_LAST_WORD = re.compile(r"(\w+)\W*$")
_kept: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class ConcordanceSort(Enum):
    """Orders of concordance lines (values are the site's URL words)."""

    DATE = "date"
    PREVIOUS_WORD = "precedent"
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
    """One page of the lines of a query's matching articles, and how many there are."""

    query: str
    filters: Filters
    sort: ConcordanceSort
    lines: tuple[Line, ...]
    # Lines of every page (of the words as stemmed: a compound word may count twice).
    total: int
    # Articles that give lines (duplicates of one listed are left out).
    articles: int
    # Every matching article, duplicates included.
    matches: int
    page: int = 1
    # None: every line on one page (exports).
    per_page: int | None = None
    # True when the time budget ran out: fewer articles were read (limits.py).
    partial: bool = False
    # True when a wildcard stood for fewer words than it matches (limits.py).
    wildcards_capped: bool = False


@dataclass(frozen=True)
class _Wanted:
    """What a line holds: a word of one of the stems, or one of the written forms."""

    terms: frozenset[str]
    forms: tuple[str, ...]
    # The joined terms of the query's hyphenated words, with the positions each spans.
    joined: tuple[tuple[str, int], ...] = ()


def compute_concordance(
    snapshot: Snapshot,
    text: str,
    filters: Filters,
    sort: ConcordanceSort,
    copies: Copies | None,
    page: int = 1,
    per_page: int | None = None,
) -> Concordance:
    """Return one page of the concordance of text's words in every matching article.

    :raises MissingQuery: if text holds no query.
    """
    parsed = parse_query(text)
    if parsed.query is None:
        raise MissingQuery("no query to find in context")
    wanted = wanted_of(snapshot, parsed)
    if not wanted.terms and not wanted.forms:
        # Unknown words, or exclusions only: nothing can be shown in context.
        return Concordance(text, filters, sort, (), 0, 0, 0, page, per_page)
    ranking = select(snapshot, text, filters, Sort.NEWEST)
    order = first_copies(ranking.top(ranking.total), copies)
    counts = line_counts(snapshot, order, wanted)
    order, counts = order[counts > 0], counts[counts > 0]
    first = (page - 1) * (per_page or 0)
    last = first + per_page if per_page else int(counts.sum())
    if sort is ConcordanceSort.DATE:
        lines = _lines_between(snapshot, order, counts, wanted, first, last)
    else:
        lines = _sorted_lines(snapshot, order, counts, wanted, sort)[first:last]
    limits = current()
    return Concordance(
        text,
        filters,
        sort,
        tuple(lines),
        int(counts.sum()),
        len(order),
        ranking.total,
        page,
        per_page,
        limits.partial,
        limits.capped,
    )


def wanted_of(snapshot: Snapshot, parsed: Parsed, stats=None) -> _Wanted:
    """Return the stems and forms to show: a word quoted only asks for its written form.

    stats, a sharded archive's, expand prefixes as the whole archive does.
    """
    quoted = set(analyze(" ".join(parsed.quoted))) - set(analyze(" ".join(parsed.words)))
    forms = exact_forms(parsed.quoted)
    joined = tuple(sorted(compounds(" ".join(parsed.words + parsed.quoted)).items()))
    return _Wanted(frozenset(highlight_terms(snapshot, parsed, stats) - quoted), forms, joined)


def first_copies(ranked: np.ndarray, copies: Copies | None) -> np.ndarray:
    """Return the ranked docnums without those whose duplicate ranks above them."""
    if copies is None or not copies:
        return ranked
    groups = copies.group[ranked]
    _, firsts = np.unique(groups, return_index=True)
    keep = groups < 0
    keep[firsts] = True
    return ranked[keep]


def line_counts(snapshot: Snapshot, order: np.ndarray, wanted: _Wanted) -> np.ndarray:
    """Return how many lines each article gives: from the postings, or its text for forms."""
    counts = stem_counts(snapshot, wanted.terms, dict(wanted.joined), order)
    if wanted.forms:
        known = _kept_for(snapshot, wanted.forms, {})
        for at in np.flatnonzero(form_holders(snapshot, wanted.forms, order)).tolist():
            docnum = int(order[at])
            if docnum not in known:
                if over_time():
                    break
                text = article_text(snapshot.searcher.stored_fields(docnum))
                known[docnum] = len(exact_spans(text, wanted.forms))
            counts[at] += known[docnum]
    return counts


def _lines_between(
    snapshot: Snapshot,
    order: np.ndarray,
    counts: np.ndarray,
    wanted: _Wanted,
    first: int,
    last: int,
) -> list[Line]:
    """Return the lines first to last of the articles in order, reading only theirs."""
    starts = np.cumsum(counts) - counts
    chosen = np.flatnonzero((starts < last) & (starts + counts > first))
    lines, known = [], {}
    for at in chosen.tolist():
        if over_time():
            break
        found = article_lines(snapshot, int(order[at]), wanted, known)[: int(counts[at])]
        begin = int(starts[at])
        lines.extend(found[max(0, first - begin) : max(0, last - begin)])
    return lines


def _sorted_lines(
    snapshot: Snapshot,
    order: np.ndarray,
    counts: np.ndarray,
    wanted: _Wanted,
    sort: ConcordanceSort,
) -> list[Line]:
    """Return every line in the order of a neighbouring word, kept for the next pages."""
    key = (sort, wanted, order.tobytes())
    lines = _kept_for(snapshot, key, None)
    if lines is None:
        lines = _lines_between(snapshot, order, counts, wanted, 0, int(counts.sum()))
        lines.sort(key=neighbour_of(sort))
        if not current().partial:
            _kept_for(snapshot, key, lines)
    return lines


def _kept_for(snapshot: Snapshot, key: tuple, default):
    """Return what is kept for key in this index version, keeping default if nothing is."""
    kept = _kept.setdefault(snapshot, OrderedDict())
    if key not in kept and default is not None:
        kept[key] = default
        while len(kept) > KEPT_ORDERS:
            kept.popitem(last=False)
    if key in kept:
        kept.move_to_end(key)
    return kept.get(key)


def article_lines(snapshot: Snapshot, docnum: int, wanted: _Wanted, known: dict) -> list[Line]:
    """Return the lines of an article, in the order of its text."""
    fields = snapshot.searcher.stored_fields(docnum)
    about = (fields["id"], fields.get("title", ""), fields.get("published"))
    found = kwic(article_text(fields), set(wanted.terms), known=known, forms=wanted.forms)
    return [Line(*about, *context) for context in found]


def kwic(
    text: str,
    terms: set[str],
    width: int = CONTEXT_CHARS,
    known: dict | None = None,
    forms: tuple[str, ...] = (),
) -> Iterator[tuple[str, str, str]]:
    """Yield (left, word, right) for each word of text whose index term is in terms.

    And for each word written as one of forms (``exact_spans``). known, if given, holds the
    analyses of words met before (``located_terms``).
    """
    if not unicodedata.is_normalized("NFC", text):
        # Offsets are found in the text as normalised.
        text = unicodedata.normalize("NFC", text)
    spans = exact_spans(text, forms)
    if terms:
        found = located_terms(text, known, terms, stretches_of(text, terms))
        spans += [(start, stop) for term, start, stop in found if term in terms]
        # A whole hyphenated word before its first part: one line for the word.
        spans.sort(key=lambda span: (span[0], -span[1]))
    end = 0
    for start, stop in spans:
        if start < end:
            continue
        end = stop
        left = _SPACES.sub(" ", text[max(0, start - width) : start])
        right = _SPACES.sub(" ", text[end : end + width])
        if start > width and " " in left:
            left = left[left.index(" ") + 1 :]
        if end + width < len(text) and " " in right.strip():
            right = right[: right.rstrip().rindex(" ")]
        yield left.strip(), text[start:end], right.strip()


def neighbour_of(sort: ConcordanceSort):
    """Return the key that orders lines by the word before or after (not by date)."""
    return _previous_word if sort is ConcordanceSort.PREVIOUS_WORD else _next_word


def _next_word(line: Line) -> str:
    found = _FIRST_WORD.search(line.right)
    return fold_accents(found.group().lower()) if found else ""


def _previous_word(line: Line) -> str:
    found = _LAST_WORD.search(line.left)
    return fold_accents(found.group(1).lower()) if found else ""
