"""The peers: SQLite FTS5 and tantivy, fed the same records and asked the same queries.

Both get what Fouille indexes for relevance (title, lead, body), stored as Fouille stores them,
plus the section and the year, for the filtered queries and their section counts. FTS5 has no
stemming or stopwords; tantivy gets lowercase, accent folding and its French stemmer.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from search.ingest.records import normalize_section

from .querysets import Query

_TERM = re.compile(r"[^\W_]+")


def fields(record: dict) -> tuple[str, str, str, str, int]:
    """Return the title, lead, body, section and year a peer indexes for a record."""
    year = int(record["date"][:4]) if record.get("date") else 0
    section = normalize_section(record.get("section") or "")
    return record["title"], record.get("abstract") or "", record["text"], section, year


def words(text: str) -> list[str]:
    """Return the words of a query, without the syntax characters engines read differently."""
    return _TERM.findall(text)


class Fts5:
    """An SQLite FTS5 table over the records, ranked by its BM25."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path / "fts5.db")

    @classmethod
    def build(cls, records: Iterable[dict], path: Path, threads: int = 1) -> Fts5:
        """Create the table at path and fill it (SQLite writes in one thread)."""
        path.mkdir(parents=True, exist_ok=True)
        (path / "fts5.db").unlink(missing_ok=True)
        db = sqlite3.connect(path / "fts5.db")
        db.execute(
            "CREATE VIRTUAL TABLE articles USING fts5(title, summary, body, "
            "section UNINDEXED, year UNINDEXED, tokenize='unicode61 remove_diacritics 2')"
        )
        with db:
            db.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?)", map(fields, records))
        db.execute("INSERT INTO articles(articles) VALUES ('optimize')")
        db.commit()
        db.close()
        return cls(path)

    def search(self, query: Query, facets: bool = False) -> list:
        """Return the rowids of the ten best rows, and section counts when facets is true."""
        terms = words(query.text)
        if not terms:
            return []
        match = " OR ".join(f'"{term}"' for term in terms)
        where, values = "articles MATCH ?", [match]
        if query.section:
            where, values = where + " AND section = ?", values + [query.section]
        if query.year:
            where, values = where + " AND year = ?", values + [query.year]
        top = self.db.execute(
            f"SELECT rowid FROM articles WHERE {where} ORDER BY bm25(articles, 2.0, 1.5, 1.0) "
            "LIMIT 10",
            values,
        ).fetchall()
        if facets:
            self.db.execute(
                f"SELECT section, count(*) FROM articles WHERE {where} GROUP BY section", values
            ).fetchall()
        return top


class Tantivy:
    """A tantivy index over the records, with its French stemmer."""

    def __init__(self, path: Path):
        import tantivy

        self.tantivy = tantivy
        self.index = tantivy.Index.open(str(path))
        _register(self.index)
        self.index.reload()
        self.searcher = self.index.searcher()

    @classmethod
    def build(cls, records: Iterable[dict], path: Path, threads: int = 1) -> Tantivy:
        """Create the index at path and fill it with that many writer threads."""
        import tantivy

        path.mkdir(parents=True, exist_ok=True)
        builder = tantivy.SchemaBuilder()
        for name in ("title", "summary", "body"):
            builder.add_text_field(name, stored=True, tokenizer_name="fr")
        builder.add_text_field("section", tokenizer_name="raw", fast=True)
        builder.add_integer_field("year", indexed=True, fast=True)
        index = tantivy.Index(builder.build(), path=str(path), reuse=False)
        _register(index)
        writer = index.writer(heap_size=128_000_000 * threads, num_threads=threads)
        for title, summary, body, section, year in map(fields, records):
            writer.add_document(
                tantivy.Document(
                    title=title, summary=summary, body=body, section=section, year=year
                )
            )
        writer.commit()
        writer.wait_merging_threads()
        return cls(path)

    def search(self, query: Query, facets: bool = False) -> list:
        """Return the ten best documents, and section counts when facets is true."""
        terms = words(query.text)
        if not terms:
            return []
        parsed = self.index.parse_query(" ".join(terms), ["title", "summary", "body"])
        parsed = self._filtered(parsed, query)
        top = self.searcher.search(parsed, 10).hits
        if facets:
            self.searcher.aggregate(parsed, {"sections": {"terms": {"field": "section"}}})
        return top

    def _filtered(self, parsed, query: Query):
        Query_, Occur = self.tantivy.Query, self.tantivy.Occur
        schema = self.index.schema
        if query.section:
            restrict = Query_.term_query(schema, "section", query.section)
        elif query.year:
            restrict = Query_.term_query(schema, "year", query.year)
        else:
            return parsed
        return Query_.boolean_query([(Occur.Must, parsed), (Occur.Must, restrict)])


def _register(index) -> None:
    import tantivy

    analyzer = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("french"))
        .build()
    )
    index.register_tokenizer("fr", analyzer)


PEERS = {"sqlite-fts5": Fts5, "tantivy": Tantivy}


def main(argv: list[str] | None = None) -> None:
    """Build one peer's index from a JSON Lines file: PEER SOURCE --into DIR [--threads N]."""
    import argparse

    from .corpus import read_records

    parser = argparse.ArgumentParser(prog="python -m bench.peers")
    parser.add_argument("peer", choices=sorted(PEERS))
    parser.add_argument("source", type=Path)
    parser.add_argument("--into", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=1)
    options = parser.parse_args(argv)
    PEERS[options.peer].build(read_records(options.source), options.into, options.threads)


if __name__ == "__main__":
    main()
