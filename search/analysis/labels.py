"""The spellings of one author, source or tag, brought to one key.

Archives write the same name many ways: ``6Medias``, ``6médias``, ``Source : 6Médias``;
``cybersécurité``, ``cyber sécurité``, ``cyber-sécurité``; ``L’Opinion``, ``source l'Opinion``.
Facets count, and filters select, by key: the label without a leading ``Source :``, in lower
case, without accents, ligatures spelt out, and without spaces, hyphens, apostrophes or any
other mark between its letters and digits.
"""

from __future__ import annotations

import re

from .french import fold_accents

# "Source BFMTV", "source : BFMTV", "Source :BFMTV": the word names what follows, not a name.
_SOURCE = re.compile(r"\s*source\s*(?::\s*|\s)(?=\S)", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_MARKS = re.compile(r"[\W_]+")


def bare_label(text: str) -> str:
    """Return a label as written, without a leading ``Source :`` and with single spaces.

    >>> bare_label("Source :  Non Stop  Zapping ")
    'Non Stop Zapping'
    >>> bare_label("Sources d’Europe")
    'Sources d’Europe'
    """
    # Folding keeps one character per letter here, so the match ends at the same place.
    prefix = _SOURCE.match(fold_accents(text))
    if prefix:
        text = text[prefix.end() :]
    return _SPACES.sub(" ", text).strip()


def label_key(text: str) -> str:
    """Return the key under which the spellings of one label are counted and selected.

    >>> {label_key(t) for t in ("6Medias", "6 médias", "Source : 6Médias", "6MEDIAS")}
    {'6medias'}
    >>> {label_key(t) for t in ("cybersécurité", "cyber sécurité", "Cyber-Sécurité")}
    {'cybersecurite'}
    >>> label_key("L’Opinion") == label_key("source l'Opinion")
    True
    >>> label_key("Vœux"), label_key("!?")
    ('voeux', '!?')
    """
    folded = fold_accents(bare_label(text)).casefold()
    folded = folded.replace("œ", "oe").replace("æ", "ae")
    # A label of marks alone keeps them: it is its own key rather than everyone's.
    return _MARKS.sub("", folded) or folded
