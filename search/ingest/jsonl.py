"""Read JSON Lines files (``.jsonl``, ``.ndjson``, optionally gzip-compressed)."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from .jsonsyntax import json_problem

# Python's JSON parser recurses once per level and stops near a thousand; no article is that deep.
TOO_DEEP = (
    "nested too deeply (arrays or objects within each other hundreds of levels down); an "
    "article is an object of text fields, with lists of tags at most"
)


def read_jsonl(path: Path) -> Iterator[tuple[int, dict | InputError]]:
    """Yield each line's number with its object, or with the error that line holds."""
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    line = 0
    try:
        with opener(path, "rb") as lines:
            for line, raw in enumerate(lines, 1):
                if raw.strip():
                    yield line, _decode(raw, str(path), line)
    except (EOFError, OSError, zlib.error) as error:
        yield (
            line + 1,
            InputError(
                str(path),
                line + 1,
                None,
                f"cannot read past this point ({error}); the file is "
                "truncated or damaged: copy it again from its source",
            ),
        )


def _decode(raw: bytes, path: str, line: int) -> dict | InputError:
    try:
        text = raw.decode("utf-8-sig" if line == 1 else "utf-8")
    except UnicodeDecodeError as error:
        return InputError(
            path, line, None, f"invalid UTF-8 at byte {error.start}; save the file as UTF-8"
        )
    try:
        # Without its line break, an error at the end of the line is placed on this line.
        return json.loads(text.rstrip("\r\n"))
    except json.JSONDecodeError as error:
        return InputError(path, line, None, json_problem(error))
    except RecursionError:
        return InputError(path, line, None, TOO_DEEP)
