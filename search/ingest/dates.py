"""Publication dates as real feeds write them: ISO 8601, RFC 822 and French forms."""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime

from ..analysis.french import fold_accents

MONTHS = {
    "janvier": 1,
    "janv": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}

_FRENCH = re.compile(
    r"^(?:[a-z]+\.?\s+)?(?P<day>\d{1,2})(?:er)?\s+(?P<month>[a-z]+)\.?\s+(?P<year>\d{4})"
    r"(?:\s*(?:a|,)?\s*(?P<hour>\d{1,2})\s*[h:]\s*(?P<minute>\d{2})?)?$"
)
_NUMERIC = re.compile(r"^(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})$")


def parse_date(text: str) -> datetime:
    """Return the date written in text, as the wall-clock time of the writer (no time zone).

    Offsets are dropped rather than converted: an article dated 23:30 in Paris stays on
    the day its readers saw.

    >>> parse_date("2021-03-12T08:30:00+01:00")
    datetime.datetime(2021, 3, 12, 8, 30)
    >>> parse_date("1er mars 2021"), parse_date("12 Mars 2021 à 14h30")
    (datetime.datetime(2021, 3, 1, 0, 0), datetime.datetime(2021, 3, 12, 14, 30))

    :raises ValueError: with a message that names the accepted forms.
    """
    value = " ".join(text.split())
    for parse in (_parse_iso, _parse_french, _parse_numeric, _parse_rfc822):
        try:
            parsed = parse(value)
        except (ValueError, OverflowError, TypeError, IndexError):
            continue
        if parsed is not None:
            return parsed.replace(tzinfo=None)
    raise ValueError(
        f"unrecognised date {text!r}; write it as 2021-03-12, 2021-03-12T08:30:00+01:00, "
        "12 mars 2021, 12/03/2021 or an RSS date such as 'Fri, 12 Mar 2021 08:30:00 +0100'"
    )


def _parse_iso(value: str) -> datetime | None:
    if not value[:4].isdigit():
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _parse_french(value: str) -> datetime | None:
    match = _FRENCH.match(fold_accents(value.lower()))
    if match is None or match["month"] not in MONTHS:
        return None
    return datetime(
        int(match["year"]),
        MONTHS[match["month"]],
        int(match["day"]),
        int(match["hour"] or 0),
        int(match["minute"] or 0),
    )


def _parse_numeric(value: str) -> datetime | None:
    match = _NUMERIC.match(value)
    if match is None:
        return None
    return datetime(int(match["year"]), int(match["month"]), int(match["day"]))


def _parse_rfc822(value: str) -> datetime | None:
    return parsedate_to_datetime(value)
