"""Read CSV files with a header row; the delimiter (``,`` ``;`` or tab) is detected."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from .text import read_utf8


def read_csv(path: Path) -> Iterator[tuple[int, dict | InputError]]:
    """Yield each row's line number with its fields, or with the error it holds."""
    try:
        text = read_utf8(path)
    except InputError as error:
        yield error.line or 1, error
        return
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=_dialect(text))
    if not reader.fieldnames:
        yield 1, InputError(str(path), 1, None, "empty file: expected a header row")
        return
    line = 1
    try:
        for row in reader:
            start, line = line + 1, reader.line_num
            if None in row:
                yield (
                    start,
                    InputError(
                        str(path),
                        start,
                        None,
                        f"{len(reader.fieldnames) + len(row[None])} "
                        f"cells for {len(reader.fieldnames)} columns; quote cells holding the "
                        "delimiter",
                    ),
                )
            elif any(row.values()):
                yield start, {k: v for k, v in row.items() if v is not None}
    except csv.Error as error:
        yield line + 1, InputError(str(path), line + 1, None, f"malformed CSV: {error}")


def _dialect(text: str) -> type[csv.Dialect]:
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)

    class Detected(csv.excel):
        pass

    Detected.delimiter = delimiter
    return Detected
