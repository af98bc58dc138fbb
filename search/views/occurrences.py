"""Where a concordance's words occur: how often in each article, and where in its text.

A word typed plainly stands for every word of its stem, and the postings count those: a
page of lines is found without reading the articles before it. A quoted word stands for its
written form only (accents and case folded), which the index keeps per article but not per
occurrence: its occurrences are found in the text itself, by a search of the folded text.

>>> text = "Les retraités, la Retraites, l’retraites et les retraites-chapeaux."
>>> [text[start:end] for start, end in exact_spans(text, ("retraites",))]
['Retraites', 'retraites']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np

from ..analysis.french import (
    APOSTROPHES,
    ELISIONS,
    HYPHENS,
    STOPWORDS,
    fold_accents,
    word_matches,
    words,
)
from ..store.snapshot import Snapshot

_APOSTROPHE = re.compile(f"[{re.escape(APOSTROPHES)}]")
# Apostrophes and hyphens as the index writes them; one character for one, offsets kept.
_JOINERS = str.maketrans({**dict.fromkeys(APOSTROPHES, "'"), **dict.fromkeys(HYPHENS, "-")})
_LIGATURES = ("œ", "æ")


def article_text(fields: dict) -> str:
    """Return the text an article's lines are read from: its body, else its lead."""
    return fields.get("body") or fields.get("summary", "")


def stem_counts(snapshot: Snapshot, terms: Iterable[str], docnums: np.ndarray) -> np.ndarray:
    """Return, per docnum, how often its text holds the terms (as ``article_text`` chooses).

    A word that gives several of the terms (``cyber-sécurité``) counts once for each: the
    counts are an upper bound of the lines, exact for all other words.
    """
    lengths = snapshot.field_lengths("body")
    uses_body = lengths[docnums] > 0 if lengths is not None else np.ones(len(docnums), bool)
    counts = np.zeros(len(docnums), dtype=np.int64)
    for term in terms:
        for fieldname, chosen in (("body", uses_body), ("summary", ~uses_body)):
            found = snapshot.postings(fieldname, term)
            if not len(found.docs):
                continue
            rows, held = found.rows(docnums)
            held &= chosen
            counts[held] += found.freqs[rows[held]].astype(np.int64)
    return counts


def exact_forms(phrases: Iterable[str]) -> tuple[str, ...]:
    """Return the written forms quoted phrases ask for: each word lowercase, accents kept.

    >>> exact_forms(["Retraites", "l’État des retraites-chapeaux"])
    ('retraites', 'état', 'retraites-chapeaux')
    """
    found = (_written(word) for phrase in phrases for word in words(phrase))
    return tuple(dict.fromkeys(form for form in found if form not in STOPWORDS))


def form_holders(snapshot: Snapshot, forms: Iterable[str], docnums: np.ndarray) -> np.ndarray:
    """Return, per docnum, whether its title, lead or text may hold one of the written forms.

    The index keeps forms with accents folded: ``retraites`` stands for ``retraités`` too.
    """
    held = np.zeros(len(docnums), dtype=bool)
    for form in forms:
        held |= np.isin(docnums, snapshot.postings("forms", fold_accents(form)).docs)
    return held


def exact_spans(text: str, forms: tuple[str, ...]) -> list[tuple[int, int]]:
    """Return the character spans of the words of text written as one of forms, in order.

    Case aside, as written: accents count (``retraites`` is not ``retraités``), elided
    articles do not (``l’État`` holds ``état``), and a whole hyphenated word is one word.
    """
    if not forms:
        return []
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    lowered = text.lower().translate(_JOINERS)
    if len(lowered) != len(text) or any(c in lowered for c in _LIGATURES):
        # Offsets of the lowered text would not be the text's: read it word by word.
        return _spans_by_word(text, set(forms))
    return [(m.start(), m.end()) for m in _pattern(forms).finditer(lowered)]


def _written(word: str) -> str:
    cut = _APOSTROPHE.search(word)
    if cut is not None and word[: cut.start()].lower() in ELISIONS:
        word = word[cut.end() :]
    word = word.lower().translate(_JOINERS)
    return word.replace("œ", "oe").replace("æ", "ae")


def _pattern(forms: tuple[str, ...]) -> re.Pattern:
    # Longest first, so that "retraites-chapeaux" is not cut at "retraites".
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    # Not within a word, nor a part of a hyphenated one; after an elided article, yes.
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def _spans_by_word(text: str, forms: set[str]) -> list[tuple[int, int]]:
    spans = []
    for match in word_matches(text):
        word = match.group()
        written = _written(word)
        if written in forms:
            spans.append((match.end() - len(written), match.end()))
    return spans
