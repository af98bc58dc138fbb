"""Read saved article web pages (``.html``, ``.htm``): one article per page.

The file is checked before any parsing (size, binary content, encoding, truncation), then
its metadata comes from its tags (``pagemeta``), its lead and text from ``pagetext``, and its
language from ``language``; records.py turns the result into an Article.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

import lxml.etree
import lxml.html

from ..errors import InputError
from .language import detect_language
from .pagemeta import page_metadata
from .pagetext import page_text
from .text import read_bounded

MAX_BYTES = 20_000_000
# A description longer than this is the article itself (some sites put the whole text there).
SUMMARY_MAX_CHARS = 500
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)
_END = re.compile(r"</(?:html|body)\s*>", re.I)


def read_html(path: Path) -> Iterator[tuple[int, dict | InputError]]:
    """Yield line 1 with the page's article fields, or with the error that makes it unusable."""
    try:
        yield 1, page_fields(_page_source(path), str(path))
    except InputError as error:
        yield 1, error
    except OSError as error:
        yield 1, InputError(str(path), None, None, f"cannot read the file ({error.strerror})")


def page_fields(source: str, name: str) -> dict[str, str | list[str]]:
    """Return the raw article fields of an HTML page's source; name is used in errors.

    :raises InputError: if the page holds no article text.
    """
    try:
        tree = lxml.html.document_fromstring(
            source.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8")
        )
    except (lxml.etree.ParserError, ValueError) as error:
        raise InputError(name, 1, None, f"not an HTML page ({error})") from None
    fields = page_metadata(tree)
    description = str(fields.pop("description", ""))
    lead, body = page_text(tree)
    if not body and not lead:
        raise InputError(
            name,
            1,
            None,
            "no article text found: the page has no running text (an index page, a list "
            "of links, or a page that JavaScript fills in?); save the article page itself",
        )
    if not body:
        # A page that is all lead: its lead is its text, and nothing is left to summarise it.
        body, lead, description = lead, "", ""
    summary = lead or (description if len(description) <= SUMMARY_MAX_CHARS else "")
    fields.update(text=body, abstract=summary)
    fields["lang"] = detect_language("\n".join((str(fields.get("title", "")), summary, body)))
    return fields


def _page_source(path: Path) -> str:
    """Return the page's text, refusing files that cannot be a whole web page."""
    data = read_bounded(
        path,
        MAX_BYTES,
        "a web page; save the article page alone (without embedded images or media), or put "
        "its text in a JSONL file",
    )
    text = _decode(data, str(path))
    if not text.strip():
        raise InputError(str(path), 1, None, "empty file: expected an HTML page")
    if not _END.search(text):
        raise InputError(
            str(path),
            None,
            None,
            "the page stops before its closing </body> or </html> tag: the file looks "
            "truncated; save or download it again",
        )
    return text


def _decode(data: bytes, name: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise InputError(
            name, None, None, "binary data (NUL bytes), not an HTML page: check what this file is"
        )
    declared = _CHARSET.search(data[:4096])
    encoding = declared[1].decode("ascii").lower() if declared else "utf-8"
    encoding = "utf-8-sig" if encoding in ("utf-8", "utf8") else encoding
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        where = getattr(error, "start", None)
        at = f" at byte {where}" if where is not None else ""
        label = "UTF-8" if encoding == "utf-8-sig" else encoding
        raise InputError(
            name,
            None,
            None,
            f"cannot be read as {label}{at}: not a text web page, or saved in an "
            "encoding it does not declare; save it as UTF-8",
        ) from None
