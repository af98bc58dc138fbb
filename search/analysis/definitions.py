"""Acronyms a text defines: "… le règlement général sur la protection des données (RGPD)".

Found as Schwartz and Hearst (2003) do: the words before a parenthesised acronym that hold
its letters in order (accents aside), the first letter starting the first word, in at most
min(n + 5, 2n) content words. A function word glued to the first word by a page's lost
space ("uneanalyse d'impact (AIPD)") is left out of the definition. A cheap scan for "(" and
capitals comes first; the letters are matched only on its hits, so a text without an
acronym in brackets costs one regular-expression search.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from .french import STOPWORDS

_ACRONYM = re.compile(r"\(([A-ZÀ-Þ][A-ZÀ-Þ0-9-]{1,9})\)")
_WORD = re.compile(r"[^\W\d_]+")
# A definition is looked for in this many characters before its acronym.
REACH = 200


def find_definitions(text: str) -> Iterator[tuple[str, str]]:
    """Yield (acronym, definition) for each acronym in brackets the text defines.

    >>> list(find_definitions("Le règlement général sur la protection des données (RGPD)."))
    [('RGPD', 'règlement général sur la protection des données')]
    >>> list(find_definitions("Faites uneanalyse d'impact sur la protection des données (AIPD)"))
    [('AIPD', 'analyse d impact sur la protection des données')]
    """
    if "(" not in text:
        return
    for match in _ACRONYM.finditer(text):
        words = definition(text[max(0, match.start() - REACH) : match.start()], match[1])
        if words:
            yield match[1], words


def definition(before: str, acronym: str) -> str | None:
    """Return the words before an acronym that spell it, lowercased, or None.

    >>> definition("selon la Commission nationale de l'informatique et des libertés", "CNIL")
    'commission nationale de l informatique et des libertés'
    """
    letters = [c for c in acronym.lower() if c.isalpha()]
    limit = min(len(letters) + 5, 2 * len(letters))
    words = _WORD.findall(before)
    # Function words ("à la", "des") do not count towards the limit.
    content, start = 0, 0
    for start in range(len(words) - 1, -1, -1):
        content += words[start].lower() not in STOPWORDS
        if content == limit:
            break
    text = " ".join(words[start:]).lower()
    i, j = len(text) - 1, len(letters) - 1
    while j >= 0:
        c = letters[j]
        while i >= 0 and (_base(text[i]) != c or (j == 0 and not _word_start(text, i))):
            i -= 1
        if i < 0:
            return None
        i, j = i - 1, j - 1
    found = text[i + 1 :]
    return found if len(found.split()) > 1 else None


def _base(letter: str) -> str:
    """Return a letter without its accent (é → e), so that "État" spells ETAT."""
    return unicodedata.normalize("NFD", letter)[0]


def _word_start(text: str, i: int) -> bool:
    """Return whether a word starts at i, or a function word glued to it ("uneanalyse")."""
    # Pages copied from the web lose the space around an inline tag: "votredélégué".
    start = text.rfind(" ", 0, i) + 1
    glued = text[start:i]
    return start == i or (len(glued) > 1 and glued in STOPWORDS and len(text) - i > 3)
