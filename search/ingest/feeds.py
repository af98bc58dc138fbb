"""Read RSS and Atom feeds, from files or URLs: each item becomes one article.

An item's full content is its body and its summary stays the summary; an item that only
has a summary is indexed with the summary as its body, and keeps its link to the full text.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from pathlib import Path
from xml.sax import SAXParseException

import feedparser
import lxml.etree
import lxml.html

from ..errors import InputError
from ..wording import counted
from .dates import parse_date
from .entities import decode_references
from .fetch import fetch
from .language import detect_language

_ITEM = re.compile(rb"<(?:\w+:)?(?:item|entry)[\s>]")
_BREAK = "\u2029"  # Unicode's paragraph separator, which no feed writes in running text
_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr")


def read_feed(path: Path) -> Iterator[tuple[int, dict | InputError]]:
    """Yield each item's line with its article fields, or the error that stops reading."""
    try:
        data = path.read_bytes()
    except OSError as error:
        yield 1, InputError(str(path), None, None, f"cannot read the file ({error.strerror})")
        return
    yield from feed_items(data, str(path))


def read_feed_url(url: str) -> Iterator[tuple[int, dict | InputError]]:
    """Fetch the feed at url and yield its items as read_feed does."""
    try:
        data = fetch(url)
    except InputError as error:
        yield 1, error
        return
    yield from feed_items(data, url)


def feed_items(data: bytes, name: str) -> Iterator[tuple[int, dict | InputError]]:
    """Yield each item of a feed's bytes with its line; name is used in errors."""
    # A stream, never bytes: feedparser opens bytes that look like a path or a URL.
    parsed = feedparser.parse(io.BytesIO(data))
    problem = parsed.get("bozo_exception")
    if isinstance(problem, feedparser.ThingsNobodyCaresAboutButMe):
        problem = None  # a wrong encoding declaration or content type; the items read fine
    if not parsed.get("version") or (problem and not parsed.entries):
        found = _found(data) + (f" ({_describe(problem)})" if problem else "")
        yield 1, InputError(name, 1, None, f"not an RSS or Atom feed: found {found}")
        return
    if not parsed.entries:
        yield 1, InputError(name, 1, None, "the feed has no items")
        return
    lines = [data.count(b"\n", 0, match.start()) + 1 for match in _ITEM.finditer(data)]
    language = parsed.feed.get("language", "")
    for number, entry in enumerate(parsed.entries):
        line = lines[number] if len(lines) == len(parsed.entries) else 1
        yield line, item_fields(entry, language)
    if problem:
        yield (
            lines[-1] if lines else 1,
            InputError(
                name,
                None,
                None,
                f"the feed breaks off after {counted(len(parsed.entries), 'item')} "
                f"({_describe(problem)}); fetch or save it again to read the rest",
            ),
        )


def item_fields(entry: dict, feed_language: str = "") -> dict[str, str | list[str]]:
    """Return the raw article fields (records.py names) of one feedparser entry."""
    summary = _text(entry.get("summary", ""))
    content = next((_text(c.get("value", "")) for c in entry.get("content", [])), "")
    body, summary = (content, summary if summary != content else "") if content else (summary, "")
    # A title still holding references after its one decoding was escaped twice.
    title = decode_references(_text(entry.get("title", "")))
    fields = {
        "id": entry.get("id", ""),
        "title": title,
        "url": entry.get("link", ""),
        "text": body,
        "summary": summary,
        "published": _date(entry, "published") or _date(entry, "updated"),
        "author": entry.get("author", ""),
        "tags": [tag.get("label") or tag.get("term") or "" for tag in entry.get("tags", [])],
        "lang": detect_language(f"{title}\n{body}") or feed_language,
    }
    return {name: value for name, value in fields.items() if value}


def _date(entry: dict, name: str) -> str:
    """Return the date as the feed wrote it, when parse_date reads it, else feedparser's in UTC."""
    written = entry.get(name, "")
    try:
        parse_date(written)
        # Keeping the writer's wall-clock time is the rule for every format (see dates.py).
        return written
    except ValueError:
        parsed: time.struct_time | None = entry.get(f"{name}_parsed")
        return time.strftime("%Y-%m-%dT%H:%M:%S", parsed) if parsed else ""


def _text(markup: str) -> str:
    """Return the text of an HTML fragment, one line per paragraph."""
    if "<" not in markup and "&" not in markup:
        return " ".join(markup.split())
    try:
        tree = lxml.html.fragment_fromstring(markup, create_parent="div")
    except lxml.etree.ParserError:
        return ""
    # Line breaks in the markup are spaces; only blocks and <br> separate paragraphs.
    for element in tree.iter(*_BLOCKS):
        element.tail = _BREAK + (element.tail or "")
    paragraphs = (" ".join(part.split()) for part in tree.text_content().split(_BREAK))
    return "\n".join(part for part in paragraphs if part)


def _describe(problem: Exception) -> str:
    # The parser's position is left out: feedparser may add lines before it parses.
    return problem.getMessage() if isinstance(problem, SAXParseException) else str(problem)


def _found(data: bytes) -> str:
    """Describe what a file that is not a feed holds, for the error message."""
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:200]
    if not start:
        return "an empty file"
    if re.match(rb"(?i)<!doctype html|<html", start):
        return "an HTML page"
    if start[:1] in (b"{", b"["):
        return "JSON"
    root = re.search(rb"<([A-Za-z][\w:.-]*)", re.sub(rb"<[?!][^>]*>", b"", start))
    if start[:1] == b"<" and root:
        return f"XML whose root element is <{root[1].decode('ascii', 'replace')}>"
    return f"text starting with {start[:40].decode('utf-8', 'replace')!r}"
