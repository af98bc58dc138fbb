"""Decode the character references a text still holds once its markup has been read.

A publisher that escapes a title twice (``&amp;quot;`` in the page's source) leaves
``&quot;`` in it after the HTML parser's one decoding, and JSON-LD, which the parser does
not decode, often holds references too; no title means them to be read as written.

>>> decode_references("l&#39;émission &quot;Les Z'amours&quot;")
'l\\'émission "Les Z\\'amours"'
>>> decode_references("R&D, AT&T, &notaword; &amp;amp; &nbsp")
'R&D, AT&T, &notaword; & &nbsp'
"""

from __future__ import annotations

import html
import re
from html.entities import html5

# Only references closed by ";": "&copy" or "&not" without it are words of the text.
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# A text escaped more often than this is garbage whichever way it is read.
ROUNDS = 3


def decode_references(text: str) -> str:
    """Return text with its character references decoded, as many times as it was escaped."""
    for _ in range(ROUNDS):
        decoded = _REFERENCE.sub(_character, text)
        if decoded == text:
            break
        text = decoded
    return text


def _character(match: re.Match) -> str:
    reference = match[0]
    if reference[1] == "#":
        return html.unescape(reference)
    # A name that is no entity stays as written (html.unescape would read "&notaword;" as
    # "¬aword;").
    return html5.get(reference[1:], reference)
