"""Whoosh 2.7 behaviours Fouille relies on or works around; whoosh-reloaded is unmaintained."""

from datetime import date, datetime

from whoosh import fields, index, query, writing

from search import Filters


def test_date_range_built_as_an_object_excludes_earlier_months(archive):
    spring = Filters(date_from=date(2023, 3, 1), date_to=date(2023, 6, 30))
    assert [h.id for h in archive.search_articles("", spring).hits] == ["retraites-1"]


def test_sorting_by_date_holds_across_segments_written_by_the_plain_writer(tmp_path):
    schema = fields.Schema(id=fields.ID(stored=True), d=fields.DATETIME(sortable=True))
    ix = index.create_in(tmp_path, schema)
    for year in (2021, 2019, 2023, 2020):
        with ix.writer() as w:
            w.add_document(id=str(year), d=datetime(year, 1, 1))
    with ix.searcher() as s:
        hits = s.search(query.Every(), sortedby="d", reverse=True)
        assert [h["id"] for h in hits] == ["2023", "2021", "2020", "2019"]


def test_buffered_writer_loses_sortable_values(tmp_path):
    # The reason Fouille never uses BufferedWriter.
    schema = fields.Schema(id=fields.ID(stored=True), d=fields.DATETIME(sortable=True))
    ix = index.create_in(tmp_path, schema)
    w = writing.BufferedWriter(ix, period=None, limit=10)
    for year in (2021, 2019, 2023):
        w.add_document(id=str(year), d=datetime(year, 1, 1))
    w.close()
    with ix.searcher() as s:
        hits = [h["id"] for h in s.search(query.Every(), sortedby="d", reverse=True)]
    assert hits != ["2023", "2021", "2019"]
