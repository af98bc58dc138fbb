"""Read JSON files holding one article, an array of articles, or ``{"articles": [...]}``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from .jsonl import TOO_DEEP
from .jsonsyntax import json_problem
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
        yield error.lineno, _malformed(path, error)
        return
    except RecursionError:
        # Some element is nested too deeply: read element by element to say which.
        data = [] if text[_skip_space(text, 0) : _skip_space(text, 0) + 1] == "[" else None
    key = None
    if data is None or isinstance(data, dict):
        key = next((k for k in ("articles", "items") if _holds_array(text, data, k)), None)
        if key is None:
            yield 1, data if data is not None else InputError(str(path), 1, None, TOO_DEEP)
            return
    elif not isinstance(data, list):
        yield 1, InputError(str(path), 1, None, "expected an array of article objects")
        return
    start = _skip_space(text, 0) if key is None else _member_start(text, key)
    yield from _items(path, text, start)


def _holds_array(text: str, data: dict | None, key: str) -> bool:
    """Return whether the top-level object (None: too deep to decode) has an array named key."""
    if data is not None:
        return isinstance(data.get(key), list)
    try:
        return text[_member_start(text, key)] == "["
    except (json.JSONDecodeError, IndexError):
        return False


def _items(path: Path, text: str, index: int) -> Iterator[tuple[int, object]]:
    """Yield each element of the array starting at index, with the line it starts on."""
    index += 1  # past "["
    line, counted = 1, 0
    while (index := _skip_space(text, index, ",")) < len(text) and text[index] != "]":
        line, counted = line + text.count("\n", counted, index), index
        try:
            item, end = _DECODER.raw_decode(text, index)
        except RecursionError:
            item, end = InputError(str(path), line, None, TOO_DEEP), _value_end(text, index)
        except json.JSONDecodeError as error:
            yield error.lineno, _malformed(path, error)
            return
        yield line, item
        index = end


def _malformed(path: Path, error: json.JSONDecodeError) -> InputError:
    return InputError(str(path), error.lineno, None, json_problem(error))


def _value_end(text: str, index: int) -> int:
    """Return where the array or object starting at index ends, without decoding it."""
    depth, inside = 0, False
    while index < len(text):
        char = text[index]
        if inside:
            if char == "\\":
                index += 1
            elif char == '"':
                inside = False
        elif char == '"':
            inside = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return index


def _member_start(text: str, key: str) -> int:
    """Return where the value of the top-level object's member key starts."""
    index = _skip_space(text, 0) + 1  # past "{"
    while True:
        index = _skip_space(text, index, ",")
        name, index = _DECODER.raw_decode(text, index)
        index = _skip_space(text, index, ":")
        if name == key:
            return index
        try:
            _, index = _DECODER.raw_decode(text, index)
        except RecursionError:
            index = _value_end(text, index)


def _skip_space(text: str, index: int, also: str = "") -> int:
    while index < len(text) and (text[index].isspace() or text[index] in also):
        index += 1
    return index
