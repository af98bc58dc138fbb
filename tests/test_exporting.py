"""Exports: CSV for French spreadsheets and JSON, with metadata, streamed, formulas defused."""

import csv
import io
import json
import tracemalloc
from importlib.metadata import version

import pytest
from click.testing import CliRunner

from conftest import ARTICLES, ROOT, write_jsonl
from search import (
    Archive,
    Export,
    Filters,
    IndexChanged,
    Sort,
    csv_chunks,
    index_files,
    json_chunks,
)
from search.cli import cli
from web import create_app

HOSTILE = {
    "id": "piege-1",
    "title": '=HYPERLINK("http://evil.example","Cliquez") et les retraites',
    "summary": "+33 6 12 34 56 78 pour les retraites",
    "text": "Un texte sur les retraites, sans rien de plus.",
    "author": "@admin",
    "section": "-Divers",
    "tags": ["\tonglet", "\rretour"],
    "published": "2021-05-04",
}


@pytest.fixture(scope="module")
def trap_dir(tmp_path_factory):
    """Return an index of the sample corpus and one article written to trap spreadsheets."""
    folder = tmp_path_factory.mktemp("sample")
    hostile = write_jsonl(folder.parent / "hostile.jsonl", [HOSTILE])
    index_files(folder, [ROOT / "data", hostile])
    return folder


@pytest.fixture
def client(trap_dir):
    return create_app({"INDEX": str(trap_dir), "TESTING": True}).test_client()


def read_csv(text: str) -> tuple[dict, list[dict]]:
    """Return the metadata lines and the rows of a Fouille CSV export."""
    assert text.startswith("\ufeff")
    lines = text[1:].splitlines(keepends=True)
    meta_lines = [line for line in lines if line.startswith("# ")]
    metadata = {row[0][2:]: row[1] for row in csv.reader(meta_lines, delimiter=";")}
    body = io.StringIO("".join(lines[len(meta_lines) :]))
    return metadata, list(csv.DictReader(body, delimiter=";"))


def test_results_csv_has_bom_semicolons_metadata_and_every_match(client, trap_dir):
    response = client.get("/export/resultats.csv?q=retraites&rubrique=Économie")
    assert response.mimetype == "text/csv" and response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    metadata, rows = read_csv(response.get_data(as_text=True))
    assert metadata["query"] == "retraites" and metadata["filters"] == "sections=Économie"
    assert metadata["documents"] == str(Archive(trap_dir).count())
    assert metadata["fouille_version"] == version("fouille")
    assert metadata["exported_at"].endswith("+00:00")
    api = client.get("/api/search?q=retraites&rubrique=Économie&doublons=afficher").get_json()
    assert metadata["matches"] == str(api["total"]) == str(len(rows))
    assert [r["id"] for r in rows][: len(api["hits"])] == [h["id"] for h in api["hits"]]
    assert all(r["section"] == "Économie" for r in rows)
    assert "," in rows[0]["score"] and "." not in rows[0]["score"]


def test_cells_that_spreadsheets_would_run_as_formulas_get_a_quote(client):
    _, rows = read_csv(client.get("/export/resultats.csv?q=retraites").get_data(as_text=True))
    (row,) = [r for r in rows if r["id"] == "piege-1"]
    assert row["title"].startswith("'=HYPERLINK(")
    assert row["summary"].startswith("'+33")
    assert row["author"] == "'@admin" and row["section"].startswith("'-")
    assert [r for r in rows if r["id"] != "piege-1" and r["title"].startswith("'")] == []


def test_metadata_is_defused_too(client):
    metadata, _ = read_csv(client.get("/export/resultats.csv?q=%3D1%2B1").get_data(as_text=True))
    assert metadata["query"] == "'=1+1"


def test_results_json_holds_metadata_and_rows_as_objects(client):
    data = json.loads(client.get("/export/resultats.json?q=retraites&tri=recent").get_data())
    assert data["metadata"]["sort"] == "recent" and data["metadata"]["kind"] == "results"
    dates = [row["published"] for row in data["rows"]]
    assert dates == sorted(dates, reverse=True) and len(dates) == data["metadata"]["matches"]
    assert data["rows"][0].keys() == set(data["columns"])
    assert all(row["score"] is None for row in data["rows"])


def test_trends_csv_holds_one_row_per_query_and_period_with_decimal_commas(client):
    url = "/export/tendances.csv?q=covid&q=climat&par=annee"
    metadata, rows = read_csv(client.get(url).get_data(as_text=True))
    assert metadata["queries"] == "covid | climat" and metadata["period"] == "annee"
    series = client.get("/api/trends?q=covid&q=climat&par=annee").get_json()["trends"]
    expected = [(t["query"], p["period"], str(p["count"])) for t in series for p in t["series"]]
    assert [(r["query"], r["period"], r["count"]) for r in rows] == expected
    shares = {r["share"] for r in rows if r["count"] != "0"}
    assert shares and all("," in s for s in shares if s != "1")


def test_concordance_json_holds_every_line(client):
    data = json.loads(client.get("/export/concordance.json?q=retraites").get_data())
    page = client.get("/api/concordance?q=retraites").get_json()
    assert len(data["rows"]) == page["total"] and data["metadata"]["query"] == "retraites"
    assert [r["match"] for r in data["rows"]][:3] == [line["match"] for line in page["lines"]][:3]


def test_unknown_export_is_not_found_and_bad_dates_are_refused_before_streaming(client):
    assert client.get("/export/resultats.xlsx?q=a").status_code == 404
    assert client.get("/export/tout.csv?q=a").status_code == 404
    response = client.get("/export/resultats.csv?q=a&du=2021-01-01&au=2020-01-01")
    assert response.status_code == 400 and "inversez-les" in response.get_data(as_text=True)


@pytest.mark.parametrize("chunks", [csv_chunks, json_chunks])
def test_fifty_thousand_rows_are_written_as_they_are_read(chunks):
    read = 0

    def rows():
        nonlocal read
        for number in range(50_000):
            read += 1
            yield (f"article-{number}", "x" * 200, number / 7)

    export = Export("results", ("id", "text", "share"), rows(), {"query": "q"})
    stream = chunks(export)
    next(stream)
    assert read == 0
    tracemalloc.start()
    size = sum(len(chunk) for chunk in stream)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert read == 50_000 and size > 50_000 * 200
    # Everything held at once would be over 10 MB; a chunk of rows is under 1 MB.
    assert peak < 1_000_000


def test_cli_writes_a_csv_file_with_the_same_rows_as_the_site(trap_dir, client, tmp_path):
    target = tmp_path / "retraites.csv"
    result = CliRunner().invoke(
        cli,
        [
            "export",
            "retraites",
            "--index",
            str(trap_dir),
            "--section",
            "Économie",
            "--output",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    metadata, rows = read_csv(target.read_text("utf-8"))
    _, site = read_csv(
        client.get("/export/resultats.csv?q=retraites&rubrique=Économie").get_data(as_text=True)
    )
    assert metadata["filters"] == "sections=Économie"
    assert [r["id"] for r in rows] == [r["id"] for r in site]


def test_cli_exports_trends_as_json_to_standard_output(trap_dir):
    result = CliRunner().invoke(
        cli,
        [
            "export",
            "covid",
            "climat",
            "--of",
            "trends",
            "--by",
            "year",
            "--format",
            "json",
            "--index",
            str(trap_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    archive = Archive(trap_dir)
    for row in data["rows"]:
        window = Filters(years=(int(row["period"]),))
        assert row["count"] == archive.search_articles(row["query"], window).total


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["a", "b"], "give one query"),
        (["a", "b", "c", "d", "e", "--of", "trends"], "at most 4"),
        (["a", "--from", "2021-01-01", "--to", "2020-01-01"], "before it starts"),
    ],
)
def test_cli_refuses_bad_input_with_a_message(trap_dir, arguments, message):
    result = CliRunner().invoke(cli, ["export", *arguments, "--index", str(trap_dir)])
    assert result.exit_code in (1, 2) and message in result.output


def test_results_export_order_is_the_result_list_order(trap_dir):
    archive = Archive(trap_dir)
    export = archive.export_results("cybersécurité", Filters(), Sort.RELEVANCE)
    ids = [row[0] for row in export.rows]
    page = archive.search_articles("cybersécurité", per_page=100, collapse=False)
    assert ids == [hit.id for hit in page.hits]


def test_export_read_after_the_index_changed_is_refused_not_mixed(tmp_path):
    folder = tmp_path / "index"
    index_files(folder, [write_jsonl(tmp_path / "a.jsonl", ARTICLES[:3])])
    archive = Archive(folder)
    export = archive.export_results("cybersécurité")
    index_files(folder, [write_jsonl(tmp_path / "b.jsonl", ARTICLES[3:])])
    with pytest.raises(IndexChanged, match="changed before the export was read"):
        list(export.rows)
    assert len(list(archive.export_results("cybersécurité").rows)) == 3
