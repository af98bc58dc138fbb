"""Read a search request's URL parameters (French names) into what the search package takes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from search import (
    Filters,
    InvalidDate,
    InvalidPage,
    InvalidPageSize,
    Sort,
    TooManyValues,
    searched_text,
)

# URL parameter → Filters field; the names readers see in shared links.
FILTER_PARAMS = {
    "rubrique": "sections",
    "auteur": "authors",
    "source": "sources",
    "motcle": "tags",
    "annee": "years",
}
FACET_PARAMS = {
    "section": "rubrique",
    "author": "auteur",
    "source": "source",
    "tags": "motcle",
    "year": "annee",
}
# A query is searched up to its 128th word (search.MAX_QUERY_WORDS); this bound is for a query
# of overlong words, and is also what a search box takes (its maxlength), well within the
# request line gunicorn reads (search/cli/server.py) for French text.
MAX_QUERY_CHARS = 2000
# Alternatives of one filter (annee=2020&annee=2021…): more is no search a reader makes, and
# each value is a line of the page.
MAX_FILTER_VALUES = 30
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# ASCII digits only: str.isdigit() also accepts "²" or "①", which int() refuses.
_WHOLE = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True)
class SearchRequest:
    """A search as a URL describes it."""

    query: str
    filters: Filters
    sort: Sort
    page: int
    # False with doublons=afficher: every duplicate is listed rather than folded.
    collapse: bool = True
    # True when the query typed was longer than what is searched, its beginning (query).
    trimmed: bool = False


def parse_search(args) -> SearchRequest:
    """Return the search the request's arguments describe.

    :raises InvalidPage: for a page that is not a positive whole number.
    :raises InvalidDate: for a date or year that cannot be read.
    :raises TooManyValues: for more than MAX_FILTER_VALUES values of one filter.
    """
    typed = clean(args.get("q", "")).strip()
    query = read_query(typed)
    values = {field: _values(args, param) for param, field in FILTER_PARAMS.items()}
    filters = Filters(
        sections=values["sections"],
        authors=values["authors"],
        sources=values["sources"],
        tags=values["tags"],
        years=tuple(_year(v) for v in values["years"]),
        date_from=_date(args.get("du", ""), "du"),
        date_to=_date(args.get("au", ""), "au"),
    )
    sort = next((s for s in Sort if s.value == args.get("tri")), Sort.RELEVANCE)
    collapse = args.get("doublons", "").strip() != "afficher"
    page = _page(args.get("page", "1"))
    return SearchRequest(query, filters, sort, page, collapse, trimmed=query != typed)


def read_query(text: str) -> str:
    """Return a query without control characters, cut between words after what is searched."""
    return searched_text(clean(text).strip(), MAX_QUERY_CHARS).strip()


def clean(text: str) -> str:
    """Return text with control characters replaced by spaces."""
    return _CONTROL.sub(" ", text)


def clean_pairs(args) -> list[tuple[str, str]]:
    """Return the request's parameters, in order, cleaned; queries cut to what is searched."""
    return [
        (key, read_query(value) if key == "q" else clean(value))
        for key, value in args.items(multi=True)
    ]


def parse_per_page(args, default: int) -> int:
    """Return the requested page size, or default when none is given.

    :raises InvalidPageSize: for a value that is not a whole number.
    """
    text = args.get("per_page", "").strip()
    if not text:
        return default
    if not _WHOLE.fullmatch(text):
        raise InvalidPageSize(text, parameter="per_page")
    return int(text)


def _values(args, param: str) -> tuple[str, ...]:
    """Return a filter's distinct non-empty values, in the order given."""
    values = tuple(dict.fromkeys(v for v in args.getlist(param) if v.strip()))
    if len(values) > MAX_FILTER_VALUES:
        raise TooManyValues(f"{len(values)} values of {param}", parameter=param)
    return values


def _page(text: str) -> int:
    text = text.strip()
    if not _WHOLE.fullmatch(text) or int(text) < 1:
        raise InvalidPage(text, parameter="page")
    return int(text)


def _year(text: str) -> int:
    if not (_WHOLE.fullmatch(text) and len(text) == 4):
        raise InvalidDate(text, parameter="annee")
    return int(text)


def _date(text: str, name: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidDate(f"{name}={text}", parameter=name) from None
