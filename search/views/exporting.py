"""Exports of result lists, trends and concordances as CSV or JSON, written as they are read.

Every export opens with its metadata: what was asked (query, filters, order or period), the
number of articles the index held, the time of the export and Fouille's version, so that an
analysis can be redone. Rows are produced one by one (a result list reads each article's
stored fields only when its row is written), so 50,000 rows never sit in memory.

CSV is written for French spreadsheets: UTF-8 with a byte order mark (without it Excel reads
UTF-8 as Windows-1252), ``;`` between cells and ``,`` in decimals (French Excel and LibreOffice
take ``,`` as the decimal separator and ``;`` as the list separator). The metadata lines come
first, each starting with ``#``, then the header row. A text cell that a spreadsheet would run
as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a
leading ``'``.

>>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-12"), neutralise("Paris")
('\\'=HYPERLINK("http://x")', "'-12", 'Paris')
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from importlib.metadata import version

from ..models import Filters

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows written per chunk handed to the caller: few writes, little memory.
CHUNK_ROWS = 200


@dataclass(frozen=True)
class Export:
    """A table to export: what produced it, its columns, and its rows (read lazily)."""

    kind: str
    columns: tuple[str, ...]
    rows: Iterable[tuple]
    metadata: dict = field(default_factory=dict)


def export_metadata(kind: str, documents: int, filters: Filters, **asked) -> dict:
    """Return the metadata that opens an export: what was asked, of which index, when."""
    chosen = {k: _plain(v) for k, v in asdict(filters).items() if v}
    return {
        "kind": kind,
        **asked,
        "filters": chosen,
        "documents": documents,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "fouille_version": version("fouille"),
    }


def csv_chunks(export: Export) -> Iterator[str]:
    """Yield the export as CSV text for French spreadsheets, a few hundred rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    for key, value in export.metadata.items():
        writer.writerow([f"# {key}", neutralise(_metadata_text(value))])
    writer.writerow(export.columns)
    yield _drain(buffer)
    for number, row in enumerate(export.rows, 1):
        writer.writerow([_cell(value) for value in row])
        if number % CHUNK_ROWS == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def json_chunks(export: Export) -> Iterator[str]:
    """Yield the export as one JSON object: metadata, columns, then rows as objects."""
    head = {"metadata": export.metadata, "columns": list(export.columns)}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": ['
    lines = []
    for number, row in enumerate(export.rows):
        record = dict(zip(export.columns, (_plain(v) for v in row), strict=True))
        lines.append(("," if number else "") + "\n" + json.dumps(record, ensure_ascii=False))
        if len(lines) == CHUNK_ROWS:
            yield "".join(lines)
            lines = []
    yield "".join(lines) + "\n]}\n"


def neutralise(text: str) -> str:
    """Return text with a leading ``'`` if a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # Fixed point: spreadsheets read "1e-06" as text in some locales.
        return f"{value:.6f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def _plain(value):
    """Return value as JSON-ready data: dates as ISO text, tuples as lists."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _metadata_text(value) -> str:
    """Return a metadata value as one readable cell: lists joined by |, filters as k=v; ..."""
    if isinstance(value, dict):
        return "; ".join(f"{k}={_metadata_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return " | ".join(_metadata_text(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(_plain(value))


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
