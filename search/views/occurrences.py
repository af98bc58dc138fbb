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
from functools import lru_cache

import numpy as np

from ..analysis.french import (
    APOSTROPHES,
    ELISIONS,
    HYPHENS,
    STOPWORDS,
    fold_accents,
    word_matches,
    word_terms,
    words,
)
from ..store.arrays import range_slots
from ..store.snapshot import PostingList, Snapshot

_APOSTROPHE = re.compile(f"[{re.escape(APOSTROPHES)}]")
# Apostrophes and hyphens as the index writes them; one character for one, offsets kept.
_JOINERS = str.maketrans({**dict.fromkeys(APOSTROPHES, "'"), **dict.fromkeys(HYPHENS, "-")})
_LIGATURES = ("œ", "æ")
_HYPHENS = re.escape(HYPHENS)
# The letters a folded letter stands for, as a pattern.
_WRITTEN = {
    "a": "[aàâäáã]",
    "c": "[cç]",
    "e": "[eéèêë]",
    "i": "[iîïíì]",
    "n": "[nñ]",
    "o": "[oôöóò]",
    "u": "[uùûüú]",
    "y": "[yÿ]",
    "'": f"[{re.escape(APOSTROPHES)}]",
    "\x00": "(?:oe|œ)",
    "\x01": "(?:ae|æ)",
}
_SPACE = re.compile(r"\s")
_LAST_SPACE = re.compile(r"\s(?=\S*$)")


def article_text(fields: dict) -> str:
    """Return the text an article's lines are read from: its body, else its lead."""
    return fields.get("body") or fields.get("summary", "")


def compounds(text: str) -> dict[str, int]:
    """Return the joined terms of text's hyphenated words, with the positions each word spans.

    >>> compounds("le covid-19 en Île-de-France")
    {'covid19': 2, 'iledefr': 2}
    """
    found = {}
    for word in words(text):
        pieces, advance = word_terms(word)
        if advance > 1:
            # CompoundFilter puts the joined term second, at the first part's position.
            found[pieces[1][0]] = advance
    return found


def stem_counts(
    snapshot: Snapshot, terms: Iterable[str], joined: dict[str, int], docnums: np.ndarray
) -> np.ndarray:
    """Return, per docnum, how many words of its text hold one of the terms.

    The text is the one ``article_text`` chooses. One term is one word per occurrence; with
    several, the words are told apart by their positions: a hyphenated word holds its joined
    term and its parts (``joined``: the positions each spans), and is one word.
    """
    terms = sorted(terms)
    lengths = snapshot.field_lengths("body")
    uses_body = lengths[docnums] > 0 if lengths is not None else np.ones(len(docnums), bool)
    counts = np.zeros(len(docnums), dtype=np.int64)
    for fieldname, chosen in (("body", uses_body), ("summary", ~uses_body)):
        lists = [snapshot.postings(fieldname, term) for term in terms]
        if len(terms) > 1 and all(found.positions is not None for found in lists):
            counts += _words_held(lists, [joined.get(t, 1) for t in terms], docnums, chosen)
            continue
        for found in lists:
            if len(found.docs):
                rows, held = found.rows(docnums)
                held &= chosen
                counts[held] += found.freqs[rows[held]].astype(np.int64)
    return counts


def _words_held(
    lists: list[PostingList], spans: list[int], docnums: np.ndarray, chosen: np.ndarray
) -> np.ndarray:
    """Return, per docnum, how many distinct words the terms' positions stand for."""
    spots, covered = [], []
    for found, span in zip(lists, spans, strict=True):
        if not len(found.docs):
            continue
        at, pos = _spots(found, docnums[chosen])
        spots.append(at << 32 | pos)
        for extra in range(1, span):
            covered.append(at << 32 | (pos + extra))
    if not spots:
        return np.zeros(len(docnums), dtype=np.int64)
    held = np.unique(np.concatenate(spots))
    if covered:
        held = np.setdiff1d(held, np.concatenate(covered), assume_unique=False)
    counts = np.zeros(len(docnums), dtype=np.int64)
    np.add.at(counts, np.flatnonzero(chosen)[held >> 32], 1)
    return counts


def _spots(found: PostingList, docnums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (row in docnums, position) of each of the term's positions in docnums."""
    rows, held = found.rows(docnums)
    starts = np.concatenate([[0], found.ends[:-1]])[rows[held]]
    counts = found.ends[rows[held]] - starts
    positions = found.positions[range_slots(starts, counts)].astype(np.int64)
    return np.repeat(np.flatnonzero(held), counts).astype(np.int64), positions


def stretches_of(text: str, terms: Iterable[str]) -> list[tuple[int, int]] | None:
    """Return the stretches of NFC text between spaces where a word may hold one of terms.

    A stem is the word folded, but for its last letters (``chevaux``: ``cheval``), with the
    hyphens of a compound dropped (``cyber-sécurité``: ``cybersecurit``): a search of the
    lowercase text for each stem's beginning, accents and hyphens aside, at a word's start,
    finds every word worth analysing without reading the others. None when lowercase
    offsets are not the text's: then every word is.
    """
    lowered = text.lower()
    if len(lowered) != len(text):
        return None
    found = set()
    for match in _beginnings(tuple(sorted(terms))).finditer(lowered):
        at = match.start()
        space = _SPACE.search(lowered, at)
        found.add((_stretch_start(lowered, at), space.start() if space else len(lowered)))
    return sorted(found)


@lru_cache(maxsize=64)
def _beginnings(terms: tuple[str, ...]) -> re.Pattern:
    prefixes = {term[: max(2, len(term) - 2)] for term in terms}
    return re.compile("|".join(_loose(prefix) for prefix in prefixes))


def _loose(prefix: str) -> str:
    """Return a pattern of a folded prefix as written: accents, ligatures, hyphens between."""
    pattern = prefix.replace("oe", "\x00").replace("ae", "\x01")
    letters = [_WRITTEN.get(c, re.escape(c)) for c in pattern]
    # The first letter at a word's start: a letter before it would make it another word.
    first, rest = letters[0], "".join(f"[{_HYPHENS}]?{c}" for c in letters[1:])
    if first.startswith("(?:"):
        return f"(?<![^\\W_]){first}{rest}"
    # Checked after the first letter, a fixed one: the search then skips ahead to it.
    return f"{first}(?<![^\\W_]{first}){rest}"


def _stretch_start(text: str, at: int) -> int:
    """Return where the stretch between spaces holding offset at begins."""
    low = at
    while low > 0:
        low = max(0, low - 100)
        space = _LAST_SPACE.search(text, low, at)
        if space:
            return space.end()
    return 0


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
