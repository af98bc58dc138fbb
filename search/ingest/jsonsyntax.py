"""Say what is wrong with malformed JSON and what to do, where the json module is terse.

Its messages name what it expected, cut before the place (``Invalid control character at``),
and rarely the cause: a line that ends inside a string is a string never closed, a letter
after a string is most often a double quote inside a text that was not escaped.

>>> import json
>>> try:
...     json.loads('{"title": "Coupé' + chr(9) + '"}')
... except json.JSONDecodeError as error:
...     print(json_problem(error))
malformed JSON at column 17: a raw control character (U+0009) inside a string: write it as \\t
"""

from __future__ import annotations

import json

CLOSE = 'add its closing " (a line break inside a text is written \\n)'
# The json module's message, up to its place, and what it means.
MEANINGS = {
    "Expecting ':' delimiter": "expected a colon after the field name, found {found}",
    "Invalid \\escape": (
        "a backslash that starts no escape, found {found}: write a backslash in a text as \\\\"
    ),
    "Invalid \\uXXXX escape": "\\u must be followed by four hexadecimal digits, found {found}",
    "Extra data": (
        "more after the end of the JSON value, found {found}: JSON Lines hold one article per "
        "line, a JSON file one article or one array of articles"
    ),
}
TRAILING = "a comma before the closing bracket: remove it"
ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def json_problem(error: json.JSONDecodeError) -> str:
    """Return where the JSON is malformed, what is wrong there and how to fix it."""
    doc, pos = error.doc, error.pos
    if error.msg == "Unterminated string starting at":
        what = f"the string that opens here is never closed: {CLOSE}"
    elif error.msg == "Invalid control character at":
        what = _control(doc, pos)
    elif error.msg.startswith(("Expecting ',' delimiter", "Illegal trailing comma")):
        what = _comma(doc, pos, error.msg)
    elif error.msg in ("Expecting value", "Expecting property name enclosed in double quotes"):
        what = _value(doc, pos, error.msg)
    else:
        what = MEANINGS.get(error.msg, error.msg).format(found=_found(doc, pos))
    return f"malformed JSON at column {error.colno}: {what}"


def _control(doc: str, pos: int) -> str:
    char = doc[pos]
    if char in "\r\n":
        start = _string_start(doc, pos)
        opened = f" that opens at {_place(doc, start, pos)}" if start is not None else ""
        return f"the line ends inside the string{opened}: it is never closed; {CLOSE}"
    name = ESCAPES.get(char, f"\\u{ord(char):04x}")
    return f"a raw control character (U+{ord(char):04X}) inside a string: write it as {name}"


def _comma(doc: str, pos: int, message: str) -> str:
    if message.startswith("Illegal trailing comma"):
        return TRAILING
    if not doc[pos:].strip():
        return "the record ends before its closing bracket: it is cut short"
    after_text = doc[:pos].rstrip().endswith('"')
    if after_text and doc[pos].isalnum():
        return (
            f"expected a comma or a closing bracket after a string, found {_found(doc, pos)}: "
            'a double quote inside a text must be escaped (\\"), or a comma is missing'
        )
    return (
        f"expected a comma or a closing bracket, found {_found(doc, pos)}: a comma is missing "
        "between two values"
    )


def _value(doc: str, pos: int, message: str) -> str:
    if not doc[pos:].strip():
        return "the record ends where a value was expected: it is cut short"
    before = doc[:pos].rstrip()[-1:]
    if doc[pos] in "]}" and before == ",":
        return TRAILING
    if before == ":":
        return f"a value is missing after the colon, found {_found(doc, pos)}"
    if doc[pos] == "'":
        return f"found {_found(doc, pos)}: JSON writes texts and field names in double quotes"
    if message.startswith("Expecting property"):
        return f'expected a field name in double quotes ("name": value), found {_found(doc, pos)}'
    return (
        f"expected a value (a text in double quotes, a number, true, false, null, an object "
        f"or a list), found {_found(doc, pos)}"
    )


def _found(doc: str, pos: int) -> str:
    rest = doc[pos:].strip()
    if not rest:
        return "the end of the record"
    excerpt = rest.splitlines()[0][:12]
    return repr(excerpt + ("…" if len(rest) > len(excerpt) else ""))


def _string_start(doc: str, pos: int) -> int | None:
    """Return where the string holding position pos opens, None if pos is in none."""
    start, escaped = None, False
    for index in range(pos):
        char = doc[index]
        if start is not None and escaped:
            escaped = False
        elif start is not None and char == "\\":
            escaped = True
        elif char == '"':
            start = index if start is None else None
    return start


def _place(doc: str, index: int, pos: int) -> str:
    line = doc.count("\n", 0, index) + 1
    column = index - doc.rfind("\n", 0, index)
    same = line == doc.count("\n", 0, pos) + 1
    return f"column {column}" if same else f"line {line}, column {column}"
