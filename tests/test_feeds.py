"""Reading RSS and Atom feeds from files and from a local HTTP server: items, errors, timeouts."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from search import Archive, Article, InputError, index_files
from search.cli import cli
from search.ingest import collect_files, fetch, read_articles

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Le Quotidien du Sud</title>
  <link>https://www.quotidien-sud.fr/</link>
  <language>fr-FR</language>
  <item>
    <title>Canicule : 14 départements en vigilance rouge</title>
    <link>https://www.quotidien-sud.fr/meteo/canicule</link>
    <guid isPermaLink="false">qs-2023-0821-001</guid>
    <pubDate>Mon, 21 Aug 2023 07:45:00 +0200</pubDate>
    <dc:creator>Inès Lambert</dc:creator>
    <category>Météo</category>
    <category>Canicule</category>
    <description>La vague de chaleur s'intensifie dans la vallée du Rhône.</description>
    <content:encoded><![CDATA[<p>Météo-France a placé quatorze départements en
      vigilance rouge.</p><p>Les préfectures ont interdit les <b>manifestations</b>
      sportives.</p>]]></content:encoded>
  </item>
  <item>
    <title>Sécheresse : les restrictions d'eau étendues</title>
    <link>https://www.quotidien-sud.fr/environnement/secheresse</link>
    <pubDate>Sun, 20 Aug 2023 23:30:00 +0200</pubDate>
    <description>&lt;p&gt;Quatre-vingts départements limitent désormais
      l'arrosage.&lt;/p&gt;</description>
  </item>
</channel>
</rss>
"""
RSS_ARTICLES = [
    Article(
        id="qs-2023-0821-001",
        title="Canicule : 14 départements en vigilance rouge",
        body="Météo-France a placé quatorze départements en vigilance rouge.\n"
        "Les préfectures ont interdit les manifestations sportives.",
        url="https://www.quotidien-sud.fr/meteo/canicule",
        summary="La vague de chaleur s'intensifie dans la vallée du Rhône.",
        author="Inès Lambert",
        source="quotidien-sud.fr",
        tags=("Météo", "Canicule"),
        published=datetime(2023, 8, 21, 7, 45),
    ),
    Article(
        id="https://www.quotidien-sud.fr/environnement/secheresse",
        title="Sécheresse : les restrictions d'eau étendues",
        body="Quatre-vingts départements limitent désormais l'arrosage.",
        url="https://www.quotidien-sud.fr/environnement/secheresse",
        source="quotidien-sud.fr",
        published=datetime(2023, 8, 20, 23, 30),
    ),
]
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Carnet de route</title>
  <id>tag:carnet.example,2024:feed</id>
  <updated>2024-03-04T10:00:00+01:00</updated>
  <entry>
    <title type="html">Lyon &lt;em&gt;à vélo&lt;/em&gt; : la voie lyonnaise n° 1 ouvre</title>
    <id>tag:carnet.example,2024:lyon-velo</id>
    <link rel="alternate" href="https://carnet.example/lyon-velo"/>
    <published>2024-03-04T08:15:00+01:00</published>
    <updated>2024-03-05T09:00:00+01:00</updated>
    <author><name>Camille Roux</name></author>
    <category term="mobilités"/>
    <category term="Lyon" label="Lyon"/>
    <summary>Une piste cyclable continue relie Vaulx-en-Velin à Villeurbanne.</summary>
    <content type="html">&lt;p&gt;La première voie lyonnaise est ouverte.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Sans date de publication</title>
    <id>tag:carnet.example,2024:sans-date</id>
    <link href="https://carnet.example/sans-date"/>
    <updated>2024-02-01T12:00:00Z</updated>
    <content type="text">Seule la date de mise à jour est connue.</content>
  </entry>
</feed>
"""
ATOM_ARTICLES = [
    Article(
        id="tag:carnet.example,2024:lyon-velo",
        title="Lyon à vélo : la voie lyonnaise n° 1 ouvre",
        body="La première voie lyonnaise est ouverte.",
        url="https://carnet.example/lyon-velo",
        summary="Une piste cyclable continue relie Vaulx-en-Velin à Villeurbanne.",
        author="Camille Roux",
        source="carnet.example",
        tags=("mobilités", "Lyon"),
        published=datetime(2024, 3, 4, 8, 15),
    ),
    Article(
        id="tag:carnet.example,2024:sans-date",
        title="Sans date de publication",
        body="Seule la date de mise à jour est connue.",
        url="https://carnet.example/sans-date",
        source="carnet.example",
        published=datetime(2024, 2, 1, 12, 0),
    ),
]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def read_all(source: Path | str) -> list[tuple[int, Article | InputError]]:
    return list(read_articles(source))


def articles(source: Path | str) -> list[Article]:
    items = [item for _, item in read_all(source)]
    assert not [item for item in items if isinstance(item, InputError)], items
    return items


def only_error(source: Path | str) -> str:
    [(_, item)] = read_all(source)
    assert isinstance(item, InputError), item
    return str(item)


# Files


def test_rss_items_become_articles(tmp_path):
    assert articles(write(tmp_path, "flux.rss", RSS)) == RSS_ARTICLES


def test_rss_items_carry_their_line_in_the_file(tmp_path):
    assert [line for line, _ in read_all(write(tmp_path, "flux.rss", RSS))] == [8, 21]


def test_atom_entries_become_articles(tmp_path):
    assert articles(write(tmp_path, "carnet.atom", ATOM)) == ATOM_ARTICLES


def test_item_with_only_a_summary_is_indexed_by_its_summary_and_keeps_its_link(tmp_path):
    [_, summary_only] = articles(write(tmp_path, "flux.xml", RSS))
    assert (summary_only.body, summary_only.summary, summary_only.url) == (
        "Quatre-vingts départements limitent désormais l'arrosage.",
        "",
        "https://www.quotidien-sud.fr/environnement/secheresse",
    )


def test_categories_become_tags(tmp_path):
    [with_categories, _] = articles(write(tmp_path, "flux.rss", RSS))
    assert with_categories.tags == ("Météo", "Canicule")


TWICE = "Dans les coulisses de l&amp;#39;émission &amp;quot;Les Z'amours&amp;quot;"


@pytest.mark.parametrize(
    ("name", "feed", "title"),
    [
        # RSS: a title feedparser reads as HTML.
        ("flux.rss", RSS, "<title>Canicule : 14 départements en vigilance rouge</title>"),
        # Atom: a plain-text title.
        (
            "carnet.atom",
            ATOM,
            '<title type="html">Lyon &lt;em&gt;à vélo&lt;/em&gt; : la voie '
            "lyonnaise n° 1 ouvre</title>",
        ),
    ],
)
def test_title_escaped_twice_reads_as_a_browser_shows_it(tmp_path, name, feed, title):
    kind = ' type="text"' if "type=" in title else ""
    escaped = feed.replace(title, f"<title{kind}>{TWICE}</title>")
    [item, _] = articles(write(tmp_path, name, escaped))
    assert item.title == "Dans les coulisses de l'émission \"Les Z'amours\""


def test_summary_without_markup_has_its_references_decoded(tmp_path):
    feed = RSS.replace(
        "&lt;p&gt;Quatre-vingts départements limitent désormais\n      l'arrosage.&lt;/p&gt;",
        "Quatre-vingts départements &amp;amp; l&amp;#39;arrosage limité.",
    )
    [_, summary_only] = articles(write(tmp_path, "flux.rss", feed))
    assert summary_only.body == "Quatre-vingts départements & l'arrosage limité."


def test_item_in_english_gets_a_language_tag(tmp_path):
    english = RSS.replace(
        "<p>Météo-France a placé quatorze départements en\n      vigilance rouge.</p>",
        "<p>France's weather service put fourteen departments on red alert for extreme heat "
        "on Monday, as temperatures were forecast to top 42 degrees in the Rhône valley and "
        "local authorities banned outdoor sporting events.</p>",
    )
    [first, _] = articles(write(tmp_path, "flux.rss", english))
    assert first.tags == ("Météo", "Canicule", "langue:en")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('{"items": []}', "JSON (not well-formed (invalid token))"),
        ("<!DOCTYPE html><html><body><p>Bonjour</p></body></html>", "an HTML page"),
        ("", "an empty file"),
        ("titre;texte\n", "text starting with 'titre;texte\\n' (not well-formed (invalid token))"),
    ],
)
def test_file_that_is_not_a_feed_is_named_with_what_it_holds(tmp_path, text, found):
    path = write(tmp_path, "flux.rss", text)
    assert only_error(path) == f"{path}, line 1: not an RSS or Atom feed: found {found}"


def test_feed_without_items_is_reported(tmp_path):
    path = write(tmp_path, "vide.rss", RSS.split("<item>")[0] + "</channel></rss>")
    assert only_error(path) == f"{path}, line 1: the feed has no items"


def test_truncated_feed_gives_its_items_then_an_error(tmp_path):
    path = write(tmp_path, "coupe.rss", RSS[: RSS.index("<item>", RSS.index("</item>"))])
    [(_, first), (_, error)] = read_all(path)
    assert first == RSS_ARTICLES[0]
    assert isinstance(error, InputError)
    assert str(error) == (
        f"{path}: the feed breaks off after 1 item (no element found); "
        "fetch or save it again to read the rest"
    )


def test_folder_reads_xml_feeds_and_passes_over_other_xml(tmp_path):
    feed = write(tmp_path, "flux.xml", ATOM)
    sitemap = write(
        tmp_path,
        "sitemap.xml",
        '<?xml version="1.0"?><urlset><url><loc>https://x.example/</loc></url></urlset>',
    )
    assert collect_files([tmp_path]) == ([feed], [sitemap])


def test_xml_file_given_by_name_must_be_a_feed(tmp_path):
    path = write(tmp_path, "sitemap.xml", '<?xml version="1.0"?><urlset><url/></urlset>')
    assert only_error(path) == (
        f"{path}, line 1: not an RSS or Atom feed: found XML whose root element is <urlset>"
    )


# URLs, served by a local HTTP server


class FeedServer(http.server.ThreadingHTTPServer):
    """Serve fixed answers by path: (status, body, seconds to wait before answering)."""

    daemon_threads = True

    def __init__(self, routes: dict[str, tuple[int, str, float]]):
        super().__init__(("127.0.0.1", 0), FeedHandler)
        self.routes = routes

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class FeedHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the name http.server calls)
        status, body, delay = self.server.routes.get(self.path, (404, "introuvable", 0))
        time.sleep(delay)
        data = body.encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # The client gave up waiting, which is what the timeout test wants.

    def log_message(self, *args):
        pass


@pytest.fixture
def server() -> Iterator[FeedServer]:
    routes = {"/flux.xml": (200, RSS, 0), "/lent.xml": (200, RSS, 2.0)}
    with FeedServer(routes) as running:
        thread = threading.Thread(target=running.serve_forever, daemon=True)
        thread.start()
        yield running
        running.shutdown()
        thread.join()


def test_feed_url_is_fetched_and_read(server):
    assert articles(server.url("/flux.xml")) == RSS_ARTICLES


def test_feed_url_is_indexed_and_searchable(tmp_path, server):
    report = index_files(tmp_path / "ix", [server.url("/flux.xml")])
    assert (report.files, report.added) == (1, 2)
    hits = Archive(tmp_path / "ix").search_articles("arrosage").hits
    assert [hit.id for hit in hits] == [RSS_ARTICLES[1].id]


def test_fouille_index_takes_a_feed_url(tmp_path, server):
    url = server.url("/flux.xml")
    result = CliRunner().invoke(cli, ["index", url, "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "Indexed 2 articles from 1 file in" in result.stdout


def test_missing_feed_url_reports_the_http_status(server):
    url = server.url("/absent.xml")
    assert only_error(url) == f"{url}: cannot fetch it: the server answered HTTP 404 Not Found"


def test_unreachable_feed_url_is_reported(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/flux.xml"
    assert only_error(url) == (
        f"{url}: cannot fetch it: 127.0.0.1 refused the connection; check the address and port"
    )


def test_slow_feed_url_times_out(server, monkeypatch):
    monkeypatch.setattr(fetch, "TIMEOUT", 0.3)
    url = server.url("/lent.xml")
    started = time.perf_counter()
    assert only_error(url) == (
        f"{url}: cannot fetch it: no answer from 127.0.0.1 within 0.3 s; try again later"
    )
    assert time.perf_counter() - started < 1.5


def test_failed_fetch_stops_indexing_with_the_message(tmp_path, server):
    url = server.url("/absent.xml")
    result = CliRunner().invoke(cli, ["index", url, "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1
    assert f"{url}: cannot fetch it: the server answered HTTP 404 Not Found" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_host_is_named_in_the_message():
    url = "https://flux.example.invalid/rss.xml"
    message = fetch._reason(url, socket.gaierror(socket.EAI_NONAME, "Name or service not known"))
    assert message == (
        "cannot find the host flux.example.invalid (Name or service not known); "
        "check the address and network"
    )
