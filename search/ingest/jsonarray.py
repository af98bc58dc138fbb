"""Read JSON files holding one article, an array of articles, or ``{"articles": [...]}``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from .text import read_utf8

_DECODER = json.JSONDecoder()


def read_json(path: Path) -> Iterator[tuple[int, dict | InputError]]:
    """Yield each article's starting line with its object, or the error that stops reading."""
    try:
        text = read_utf8(path)
    except InputError as error:
        yield error.line or 1, error
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        yield (
            error.lineno,
            InputError(
                str(path),
                error.lineno,
                None,
                f"malformed JSON at column {error.colno}: {error.msg}",
            ),
        )
        return
    if isinstance(data, dict):
        items = next(
            (data[k] for k in ("articles", "items") if isinstance(data.get(k), list)), None
        )
        if items is None:
            yield 1, data
            return
    elif isinstance(data, list):
        items = data
    else:
        yield 1, InputError(str(path), 1, None, "expected an array of article objects")
        return
    yield from zip(_item_lines(text), items, strict=False)


def _item_lines(text: str) -> Iterator[int]:
    """Yield the line on which each element of the file's (first) array starts."""
    index = text.index("[")
    while True:
        index += 1
        while index < len(text) and text[index] in " \t\r\n,":
            index += 1
        if index >= len(text) or text[index] == "]":
            return
        yield text.count("\n", 0, index) + 1
        _, index = _DECODER.raw_decode(text, index)
        index -= 1
