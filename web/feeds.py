"""A search as an Atom feed, so that a feed reader alerts its reader to each new article."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import quote, urlencode
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, url_for

from search import Hit, Results, Sort

from .archive import get_archive
from .formatting import web_url
from .links import kept_params
from .param_table import MAX_FEED_ENTRIES, parameters_of
from .params import parse_filters, request_params

bp = Blueprint("feeds", __name__)

# Characters XML 1.0 cannot hold: a stored text may have some, and a reader would refuse the
# whole feed for one.
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

ATOM = "http://www.w3.org/2005/Atom"
# Entry ids must not change with the host name the site is reached by, so they name no host
# of the site's; ".invalid" is reserved (RFC 2606): the name is no one else's either.
TAG = "tag:fouille.invalid,2026:"


@bp.get("/recherche.atom")
def search_feed():
    values = request_params()
    query = values["q"]
    results = get_archive().search_articles(
        query, parse_filters(values), Sort.NEWEST, 1, MAX_FEED_ENTRIES, collapse=values["doublons"]
    )
    document = ET.tostring(atom_feed(query, results), encoding="unicode")
    body = '<?xml version="1.0" encoding="utf-8"?>\n' + document
    return Response(body, content_type="application/atom+xml; charset=utf-8")


def feed_url(external: bool = False) -> str:
    """Return the feed of the current search: its query and filters, newest first."""
    pairs = _feed_params()
    query = urlencode(pairs)
    return url_for("feeds.search_feed", _external=external) + (f"?{query}" if query else "")


def atom_feed(query: str, results: Results) -> ET.Element:
    """Return the Atom feed of the dated articles of a result page sorted newest first."""
    # An undated article has no place in a list of what is new; sorted last, it is left out.
    hits = [hit for hit in results.hits if hit.published]
    feed = ET.Element("feed", xmlns=ATOM, attrib={"xml:lang": "fr"})
    title = f"« {query} » – Fouille" if query else "Tous les articles – Fouille"
    _text(feed, "title", title)
    _text(
        feed, "subtitle", f"Les {MAX_FEED_ENTRIES} articles les plus récents de cette recherche."
    )
    # The same search is the same feed, whatever order its parameters came in.
    _text(feed, "id", TAG + "recherche?" + urlencode(sorted(_feed_params())))
    _text(feed, "updated", _timestamp(hits[0].published) if hits else _index_updated())
    _link(feed, feed_url(external=True), rel="self", type="application/atom+xml")
    results_page = url_for("pages.search_page", _external=True)
    pairs = urlencode(_feed_params())
    _link(feed, results_page + (f"?{pairs}" if pairs else ""), type="text/html")
    ET.SubElement(ET.SubElement(feed, "author"), "name").text = "Fouille"
    _text(feed, "generator", "Fouille")
    for hit in hits:
        feed.append(_entry(query, hit))
    return feed


def _entry(query: str, hit: Hit) -> ET.Element:
    entry = ET.Element("entry")
    _text(entry, "id", TAG + "article/" + quote(hit.id, safe=""))
    _text(entry, "title", hit.title)
    _text(entry, "updated", _timestamp(hit.published))
    _text(entry, "published", _timestamp(hit.published))
    if hit.author:
        _text(ET.SubElement(entry, "author"), "name", hit.author)
    page = url_for("pages.article_page", article_id=hit.id, q=query or None, _external=True)
    _link(entry, page, type="text/html")
    if web_url(hit.url):
        _link(entry, hit.url, rel="related", title="L’article sur son site")
    if hit.section:
        ET.SubElement(entry, "category", term=_XML_INVALID.sub("", hit.section))
    # The snippet is HTML with the query's words in <mark>: serialised, it is escaped once.
    _text(entry, "summary", hit.snippet, type="html")
    return entry


def _feed_params() -> list[tuple[str, str]]:
    taken = {p.name for p in parameters_of("feeds.search_feed")}
    return [(k, v) for k, v in kept_params() if k in taken and v.strip()]


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> None:
    ET.SubElement(parent, tag, **attributes).text = _XML_INVALID.sub("", text)


def _link(parent: ET.Element, href: str, rel: str = "alternate", **attributes: str) -> None:
    ET.SubElement(parent, "link", rel=rel, href=_XML_INVALID.sub("", href), **attributes)


def _timestamp(moment: datetime) -> str:
    """Return an RFC 3339 date-time; a time without an offset is taken as UTC."""
    # The index keeps the time as the source wrote it, without its offset.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds")


def _index_updated() -> str:
    # The index's last write is a local time without an offset.
    written = get_archive().stats().last_update or datetime.now()
    return _timestamp(written.astimezone(UTC))


def register(app) -> None:
    """Install the feed route and the link to the current search's feed in templates."""
    app.register_blueprint(bp)
    app.add_template_global(feed_url)
