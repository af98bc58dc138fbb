"""French display of dates and numbers in templates."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from search import MAX_EXPANSIONS, MAX_QUERY_WORDS, MAX_WILDCARDS

from .params import MAX_QUERY_CHARS

MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
).split()
FACET_TITLES = {
    "section": "Rubrique",
    "author": "Auteur",
    "source": "Source",
    "tags": "Mots-clés",
    "year": "Année",
}
# French separates thousands with a narrow no-break space.
THOUSANDS = "\u202f"


def french_date(value: date | None) -> str:
    """Return a date as French readers write it: « 1er mars 2021 », « 12 mars 2021 »."""
    if value is None:
        return ""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def french_number(value: float, decimals: int = 0) -> str:
    """Return a number with French separators: « 1 234 », « 0,04 »."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", THOUSANDS).replace(".", ",")


def web_url(url: str) -> str:
    """Return url if it is an http(s) address, else "": a stored javascript: URL is no link."""
    return url if urlsplit(url).scheme in ("http", "https") else ""


def host(url: str) -> str:
    """Return the site an address points to, without "www."."""
    return (urlsplit(url).hostname or "").removeprefix("www.")


def page_window(page: int, pages: int, around: int = 2) -> list[int | None]:
    """Return the page numbers to link, None standing for a gap.

    >>> page_window(7, 20)
    [1, None, 5, 6, 7, 8, 9, None, 20]
    """
    shown = sorted({1, pages, *range(max(1, page - around), min(pages, page + around) + 1)})
    window: list[int | None] = []
    for n in shown:
        if window and n - window[-1] > 1:
            window.append(None)
        window.append(n)
    return window


def fragments(numbers) -> str:
    """Return shard numbers (from 0) as French counts them, from 1: "2", "2 et 4", "1, 2 et 4".

    >>> fragments([1]), fragments([1, 3]), fragments([0, 1, 3])
    ('2', '2 et 4', '1, 2 et 4')
    """
    shown = [str(n + 1) for n in numbers]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " et " + shown[-1]


def register(app) -> None:
    """Make the formatters available in templates."""
    app.add_template_filter(french_date, "date_fr")
    app.add_template_filter(fragments)
    app.add_template_filter(french_number, "nombre")
    app.add_template_filter(web_url)
    app.add_template_filter(host)
    app.add_template_global(page_window)
    app.add_template_global(FACET_TITLES, "facet_titles")
    app.add_template_global(MAX_QUERY_WORDS, "max_query_words")
    app.add_template_global(MAX_QUERY_CHARS, "max_query_chars")
    app.add_template_global(MAX_EXPANSIONS, "max_expansions")
    app.add_template_global(MAX_WILDCARDS, "max_wildcards")
