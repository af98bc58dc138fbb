"""Calendar words (weekdays, months, semaine, hier…): said of any subject, telling of none.

>>> is_calendar_word("Vendredi"), is_calendar_word("aujourd’hui"), is_calendar_word("grippe")
(True, True, False)
"""

from __future__ import annotations

from importlib import resources

from .french import fold_accents


def _load() -> frozenset[str]:
    text = resources.files("search.analysis").joinpath("calendar_fr.txt").read_text("utf-8")
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(word for word in words if word)


CALENDAR_WORDS = _load()


def is_calendar_word(word: str) -> bool:
    """Return whether a word names a day, a month or a span of time."""
    return fold_accents(word.lower().replace("’", "'")) in CALENDAR_WORDS
