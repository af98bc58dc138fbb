"""Read a page's metadata from its own tags: OpenGraph, ``article:*``, JSON-LD, ``<time>``.

Each field takes the first candidate found, in the order the publishers fill them most
carefully: OpenGraph and ``article:*`` first (social networks show them, so they are kept
right), then JSON-LD ``NewsArticle``, then plain HTML.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from lxml.html import HtmlElement

from .dates import parse_date
from .entities import decode_references

ARTICLE_TYPES = {"Article", "NewsArticle", "ReportageNewsArticle", "BlogPosting", "Report"}


def page_metadata(tree: HtmlElement) -> dict[str, str | list[str]]:
    """Return the raw fields (records.py names) that the page's tags declare, when present."""
    meta = _meta_tags(tree)
    ld = _json_ld_article(tree)
    fields = {
        "title": _first(
            meta.get("og:title"),
            _text(ld.get("headline")),
            _xpath(tree, "//h1"),
            _xpath(tree, "//title"),
        ),
        "url": _first(
            _xpath(tree, '//link[@rel="canonical"]/@href'),
            meta.get("og:url"),
            _text(ld.get("url")),
        ),
        "published": _first_date(
            meta.get("article:published_time"),
            _text(ld.get("datePublished")),
            _xpath(tree, "//time[@datetime]/@datetime"),
            meta.get("datePublished"),
            meta.get("date"),
        ),
        "section": _first(meta.get("article:section"), _text(ld.get("articleSection"))),
        "author": _first(meta.get("author"), _author(ld.get("author"))),
        "source": _first(meta.get("og:site_name"), _author(ld.get("publisher"))),
        "description": _first(_text(ld.get("description")), meta.get("og:description")),
    }
    fields = {
        name: value if name in ("url", "published") else _readable(value)
        for name, value in fields.items()
        if value
    }
    tags = _all_meta(tree, "article:tag") or _keywords(ld.get("keywords"))
    if tags:
        fields["tags"] = [_readable(tag) for tag in tags]
    return fields


def _readable(text: str) -> str:
    """Return text as a browser shows it, decoded again if the page escaped it twice."""
    return " ".join(decode_references(text).split())


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    """Return the first content of each <meta> by property, name or itemprop."""
    found: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        content = " ".join((element.get("content") or "").split())
        if key and content:
            found.setdefault(key.strip(), content)
    return found


def _all_meta(tree: HtmlElement, key: str) -> list[str]:
    values = tree.xpath(f'//meta[@property="{key}" or @name="{key}"]/@content')
    return [" ".join(v.split()) for v in values if v.strip()]


def _json_ld_article(tree: HtmlElement) -> dict:
    """Return the page's first JSON-LD object typed as an article, or an empty dict."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content())
        except ValueError:
            # A broken JSON-LD block is the page's bug; the other tags still describe it.
            continue
        for item in _objects(data):
            kinds = item.get("@type")
            kinds = set(kinds) if isinstance(kinds, list) else {kinds}
            if kinds & ARTICLE_TYPES:
                return item
    return {}


def _objects(data) -> Iterator[dict]:
    if isinstance(data, list):
        for item in data:
            yield from _objects(item)
    elif isinstance(data, dict):
        yield data
        yield from _objects(data.get("@graph", []))


def _author(value) -> str:
    """Return the names a JSON-LD author or publisher holds: text, object or list of either."""
    if isinstance(value, list):
        return ", ".join(name for name in map(_author, value) if name)
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _keywords(value) -> list[str]:
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [word for word in map(_text, items) if word]


def _text(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return " ".join(value.split()) if isinstance(value, str) else ""


def _xpath(tree: HtmlElement, path: str) -> str:
    for found in tree.xpath(path):
        text = found if isinstance(found, str) else found.text_content()
        if text.strip():
            return " ".join(text.split())
    return ""


def _first(*values: str | None) -> str:
    return next((value for value in values if value), "")


def _first_date(*values: str | None) -> str:
    """Return the first value that reads as a date; a malformed tag must not reject the page."""
    for value in values:
        if not value:
            continue
        try:
            parse_date(value)
        except ValueError:
            continue
        return value
    return ""
