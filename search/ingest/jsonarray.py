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
    key = None
    if isinstance(data, dict):
        key = next((k for k in ("articles", "items") if isinstance(data.get(k), list)), None)
        if key is None:
            yield 1, data
            return
    elif not isinstance(data, list):
        yield 1, InputError(str(path), 1, None, "expected an array of article objects")
        return
    yield from _items(text, _skip_space(text, 0) if key is None else _member_start(text, key))


def _items(text: str, index: int) -> Iterator[tuple[int, object]]:
    """Yield each element of the array starting at index, with the line it starts on."""
    index += 1  # past "["
    while (index := _skip_space(text, index, ",")) < len(text) and text[index] != "]":
        item, end = _DECODER.raw_decode(text, index)
        yield text.count("\n", 0, index) + 1, item
        index = end


def _member_start(text: str, key: str) -> int:
    """Return where the value of the top-level object's member key starts."""
    index = _skip_space(text, 0) + 1  # past "{"
    while True:
        index = _skip_space(text, index, ",")
        name, index = _DECODER.raw_decode(text, index)
        index = _skip_space(text, index, ":")
        if name == key:
            return index
        _, index = _DECODER.raw_decode(text, index)


def _skip_space(text: str, index: int, also: str = "") -> int:
    while index < len(text) and (text[index].isspace() or text[index] in also):
        index += 1
    return index
