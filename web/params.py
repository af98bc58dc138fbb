"""Read a request's URL parameters as the table of parameters says, into what search takes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask import request

from search import (
    Filters,
    InvalidDateRange,
    MissingQuery,
    RepeatedParameter,
    Sort,
    searched_text,
)

from .param_table import MAX_QUERY_CHARS, Kind, Parameter, parameters_of

# Facet name in results → URL parameter that filters on it.
FACET_PARAMS = {
    "section": "rubrique",
    "author": "auteur",
    "source": "source",
    "tags": "motcle",
    "year": "annee",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# ASCII digits only: str.isdigit() also accepts "²" or "①", which int() refuses.
_WHOLE = re.compile(r"[0-9]{1,18}")
_YEAR = re.compile(r"[0-9]{4}")
# A bad value is quoted back to the reader, cut to this length.
SHOWN_CHARS = 40
# What a converter returns for a value it refuses (None is an absent date's value).
_REFUSED = object()


def request_params() -> dict[str, object]:
    """Return the values of the parameters the current route takes."""
    return read_params(request.endpoint, request.args)


def read_params(endpoint: str, args) -> dict[str, object]:
    """Return each parameter endpoint takes, read from args; others are ignored.

    An empty value counts as absent (forms send their empty fields). A repeatable parameter
    gives a tuple of its distinct values, in order.

    :raises QueryError: naming the parameter, with a French message saying what it accepts.
    """
    return {p.name: _read(p, endpoint, args.getlist(p.name)) for p in parameters_of(endpoint)}


def clean(text: str) -> str:
    """Return text with control characters replaced by spaces."""
    return _CONTROL.sub(" ", text)


def clean_pairs(args) -> list[tuple[str, str]]:
    """Return the request's parameters, in order, cleaned; queries cut to what is searched."""
    return [
        (key, searched_text(clean(value).strip(), MAX_QUERY_CHARS) if key == "q" else clean(value))
        for key, value in args.items(multi=True)
    ]


def _read(param: Parameter, endpoint: str, raw: list[str]) -> object:
    given = [text for text in (clean(value).strip() for value in raw) if text]
    if param.repeatable:
        given = list(dict.fromkeys(given))
    if len(given) > param.max_values:
        if param.repeatable:
            problem = f"{len(given)} valeurs différentes sont données."
            raise param.too_many(_message(param, problem), parameter=param.name)
        problem = f"il est donné {len(given)} fois, alors qu’il ne prend qu’une valeur."
        raise RepeatedParameter(_message(param, problem), parameter=param.name)
    if not given and endpoint in param.required:
        message = f"Paramètre « {param.name} » : il est obligatoire ici, par exemple "
        raise MissingQuery(f"{message}{param.name}={param.example}.", parameter=param.name)
    values = tuple(_convert(param, text) for text in given)
    if param.repeatable:
        return values
    return values[0] if values else _convert_default(param)


def _convert_default(param: Parameter) -> object:
    if param.default is not None:
        return _convert(param, param.default)
    return "" if param.kind in (Kind.TEXT, Kind.QUERY) else None


def _convert(param: Parameter, text: str) -> object:
    if param.kind is Kind.TEXT:
        return text[: param.max_chars].strip()
    if param.kind is Kind.QUERY:
        return searched_text(text, param.max_chars).strip()
    if param.kind is Kind.CHOICE:
        value = next((c.means for c in param.choices if c.value == text), _REFUSED)
    elif param.kind is Kind.INTEGER:
        value = int(text) if _WHOLE.fullmatch(text) and _in_range(param, int(text)) else _REFUSED
    elif param.kind is Kind.YEAR:
        value = int(text) if _YEAR.fullmatch(text) else _REFUSED
    else:
        value = _iso_date(text)
    if value is _REFUSED:
        shown = text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"
        problem = f"la valeur « {shown} » n’est pas acceptée."
        raise param.error(_message(param, problem), parameter=param.name)
    return value


def _in_range(param: Parameter, number: int) -> bool:
    low = param.minimum if param.minimum is not None else number
    high = param.maximum if param.maximum is not None else number
    return low <= number <= high


def _iso_date(text: str) -> date | object:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return _REFUSED


def _message(param: Parameter, problem: str) -> str:
    return f"Paramètre « {param.name} » : {problem} {param.accepted}"


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


def parse_search(values: dict[str, object]) -> SearchRequest:
    """Return the search that a results route's parameter values describe."""
    return SearchRequest(
        values["q"],
        parse_filters(values),
        values["tri"],
        values.get("page", 1),
        values.get("doublons", True),
        trimmed=values["q"] != clean(request.args.get("q", "")).strip(),
    )


def parse_filters(values: dict[str, object]) -> Filters:
    """Return the filters of a route's parameter values.

    :raises InvalidDateRange: if du comes after au.
    """
    start, end = values["du"], values["au"]
    if start and end and start > end:
        raise InvalidDateRange(
            f"Paramètres « du » et « au » : la date de début ({start:%Y-%m-%d}) est postérieure "
            f"à la date de fin ({end:%Y-%m-%d}) ; inversez-les pour rechercher.",
            parameter="du",
        )
    return Filters(
        sections=values["rubrique"],
        authors=values["auteur"],
        sources=values["source"],
        tags=values["motcle"],
        years=values["annee"],
        date_from=start,
        date_to=end,
    )
