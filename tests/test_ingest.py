"""Reading article files in every supported form, and indexing them into a real Whoosh index."""

from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import datetime
from pathlib import Path

import pytest

from conftest import write_jsonl
from search import (
    Archive,
    Article,
    ArticleNotFound,
    InputError,
    InvalidInput,
    UnsupportedInput,
    check_files,
    delete_articles,
    index_files,
)
from search.ingest import collect_files, normalize_section, read_articles
from search.ingest.dates import parse_date

RECORDS = [
    {
        "id": "a1",
        "title": "Canicule : l'été le plus chaud jamais mesuré",
        "text": "Les températures ont dépassé 40 °C dans le Sud-Ouest de la France.",
        "published": "2022-08-01",
        "section": "planete",
        "tags": "climat, énergie",
        "url": "https://www.lemonde.fr/planete/canicule",
    },
    {
        "id": "a2",
        "title": "La BCE relève ses taux directeurs",
        "text": "Face à l'inflation, la Banque centrale européenne relève ses taux.",
        "published": "12 mars 2021",
        "section": "ECONOMIE",
        "tags": "inflation",
        "url": "https://www.lesechos.fr/bce-taux",
    },
]
EXPECTED = [
    Article(
        id="a1",
        title="Canicule : l'été le plus chaud jamais mesuré",
        body="Les températures ont dépassé 40 °C dans le Sud-Ouest de la France.",
        url="https://www.lemonde.fr/planete/canicule",
        source="lemonde.fr",
        section="Planete",
        tags=("climat", "énergie"),
        published=datetime(2022, 8, 1),
    ),
    Article(
        id="a2",
        title="La BCE relève ses taux directeurs",
        body="Face à l'inflation, la Banque centrale européenne relève ses taux.",
        url="https://www.lesechos.fr/bce-taux",
        source="lesechos.fr",
        section="Économie",
        tags=("inflation",),
        published=datetime(2021, 3, 12),
    ),
]


def article(n: int, **fields) -> dict:
    """Return a small valid French article record numbered n, with fields overridden."""
    record = {
        "id": f"art-{n}",
        "title": f"Élections municipales : résultats du tour {n}",
        "text": f"Les électeurs de la commune {n} ont voté dimanche.",
    }
    record.update(fields)
    return record


def write_csv(path: Path, records: list[dict], delimiter: str = ",", bom: bool = False) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(records)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig" if bom else "utf-8", newline="")
    return path


def write_json(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def read_one(tmp_path: Path, record: dict) -> Article:
    """Return the article a single JSONL record gives."""
    [(_, item)] = list(read_articles(write_jsonl(tmp_path / "one.jsonl", [record])))
    assert isinstance(item, Article), item
    return item


def errors_of(path: Path) -> list[InputError]:
    return [item for _, item in read_articles(path) if isinstance(item, InputError)]


def count(index_dir: Path) -> int:
    archive = Archive(index_dir)
    try:
        return archive.count()
    finally:
        archive.close()


def stored(index_dir: Path, article_id: str) -> Article:
    archive = Archive(index_dir)
    try:
        return archive.get_article(article_id)
    finally:
        archive.close()


def snapshot(index_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(index_dir.iterdir())}


FORMS = {
    "jsonl": lambda d: write_jsonl(d / "articles.jsonl", RECORDS),
    "jsonl.gz": lambda d: write_jsonl(d / "articles.jsonl.gz", RECORDS),
    "ndjson": lambda d: write_jsonl(d / "articles.ndjson", RECORDS),
    "json array": lambda d: write_json(d / "articles.json", RECORDS),
    "json object": lambda d: write_json(d / "articles.json", {"articles": RECORDS}),
    "csv comma": lambda d: write_csv(d / "articles.csv", RECORDS, ","),
    "csv semicolon with BOM": lambda d: write_csv(d / "articles.csv", RECORDS, ";", bom=True),
}


# Input forms


@pytest.mark.parametrize("form", FORMS)
def test_every_input_form_gives_the_same_articles(tmp_path, form):
    path = FORMS[form](tmp_path)
    assert [item for _, item in read_articles(path)] == EXPECTED


@pytest.mark.parametrize("form", FORMS)
def test_every_input_form_is_indexed(tmp_path, form):
    path = FORMS[form](tmp_path)
    report = index_files(tmp_path / "ix", [path])
    assert (report.files, report.added, report.skipped) == (1, 2, [])
    assert count(tmp_path / "ix") == 2
    assert [stored(tmp_path / "ix", a.id) for a in EXPECTED] == EXPECTED


@pytest.mark.parametrize(
    ("form", "lines"),
    [("jsonl", [1, 2]), ("csv comma", [2, 3]), ("json array", [2, 11]), ("json object", [3, 12])],
)
def test_records_carry_the_line_they_start_on(tmp_path, form, lines):
    path = FORMS[form](tmp_path)
    assert [line for line, _ in read_articles(path)] == lines


def test_json_file_holding_one_object_is_one_article(tmp_path):
    path = write_json(tmp_path / "one.json", RECORDS[0])
    assert list(read_articles(path)) == [(1, EXPECTED[0])]


def test_folder_is_read_recursively_and_other_files_are_passed_over(tmp_path):
    folder = tmp_path / "corpus"
    write_jsonl(folder / "a.jsonl", [article(1)])
    write_csv(folder / "sub" / "b.csv", [article(2)], ";")
    write_json(folder / "sub" / "deeper" / "c.json", [article(3), article(4)])
    write_jsonl(folder / ".cache.jsonl", [article(5)])
    (folder / "notes.odt").write_text("à lire", encoding="utf-8")

    files, passed_over = collect_files([folder])
    assert files == [folder / "a.jsonl", folder / "sub/b.csv", folder / "sub/deeper/c.json"]
    assert passed_over == [folder / "notes.odt"]

    report = index_files(tmp_path / "ix", [folder])
    assert (report.files, report.added, report.passed_over) == (3, 4, [folder / "notes.odt"])
    assert count(tmp_path / "ix") == 4


def test_unsupported_file_given_explicitly_is_refused(tmp_path):
    notes = tmp_path / "notes.odt"
    notes.write_text("à lire", encoding="utf-8")
    with pytest.raises(UnsupportedInput, match="unsupported format") as caught:
        collect_files([notes])
    assert str(notes) in str(caught.value)


def test_missing_path_is_refused(tmp_path):
    missing = tmp_path / "absent.jsonl"
    with pytest.raises(UnsupportedInput, match="no such file or folder") as caught:
        index_files(tmp_path / "ix", [missing])
    assert str(missing) in str(caught.value)
    assert not (tmp_path / "ix").exists()


# Field aliases


@pytest.mark.parametrize("key", ["text", "body", "content", "article"])
def test_body_is_read_under_each_alias(tmp_path, key):
    record = {"title": "Le Tour de France part de Bilbao", key: "Première étape au Pays basque."}
    assert read_one(tmp_path, record).body == "Première étape au Pays basque."


@pytest.mark.parametrize("key", ["abstract", "summary", "description", "chapo"])
def test_summary_is_read_under_each_alias(tmp_path, key):
    assert read_one(tmp_path, article(1, **{key: "Le chapô."})).summary == "Le chapô."


@pytest.mark.parametrize("key", ["published", "date", "pubDate"])
def test_publication_date_is_read_under_each_alias(tmp_path, key):
    record = article(1, **{key: "2021-03-12"})
    assert read_one(tmp_path, record).published == datetime(2021, 3, 12)


@pytest.mark.parametrize("key", ["section", "category", "rubrique"])
def test_section_is_read_under_each_alias(tmp_path, key):
    assert read_one(tmp_path, article(1, **{key: "Sport"})).section == "Sport"


@pytest.mark.parametrize("key", ["tags", "keywords"])
@pytest.mark.parametrize("value", [["climat", "énergie"], "climat, énergie"])
def test_tags_are_read_as_a_list_or_a_comma_string(tmp_path, key, value):
    assert read_one(tmp_path, article(1, **{key: value})).tags == ("climat", "énergie")


# Ids


def test_id_defaults_to_the_url(tmp_path):
    record = {"title": "Titre", "text": "Corps", "url": "https://www.liberation.fr/a/1"}
    item = read_one(tmp_path, record)
    assert (item.id, item.source) == ("https://www.liberation.fr/a/1", "liberation.fr")


def test_id_without_url_is_a_content_hash_stable_between_runs(tmp_path):
    record = {"title": "Grève à la SNCF", "text": "Trafic perturbé ce jeudi."}
    first = read_one(tmp_path, record).id
    assert first.startswith("sha1-") and len(first) == len("sha1-") + 16
    assert read_one(tmp_path, dict(record)).id == first
    assert read_one(tmp_path, {**record, "text": "Trafic normal."}).id != first


# Dates

DATES = [
    ("2021-03-12T08:30:00+01:00", datetime(2021, 3, 12, 8, 30)),
    ("2021-03-12", datetime(2021, 3, 12)),
    ("2021-03-12T08:30:00Z", datetime(2021, 3, 12, 8, 30)),
    ("12 mars 2021", datetime(2021, 3, 12)),
    ("1er juin 2023", datetime(2023, 6, 1)),
    ("12/03/2021", datetime(2021, 3, 12)),
    ("Fri, 12 Mar 2021 08:30:00 +0100", datetime(2021, 3, 12, 8, 30)),
    ("12 mars 2021 à 14h30", datetime(2021, 3, 12, 14, 30)),
]


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_date_form_is_read_as_wall_clock_time(text, expected):
    parsed = parse_date(text)
    assert (parsed, parsed.tzinfo) == (expected, None)


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_date_form_is_read_through_a_record(tmp_path, text, expected):
    assert read_one(tmp_path, article(1, published=text)).published == expected


def test_unrecognised_date_message_names_accepted_forms():
    with pytest.raises(ValueError, match=r"unrecognised date 'le 32 du mois'.*12 mars 2021"):
        parse_date("le 32 du mois")


# Sections


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("France", "France"),
        ("france", "France"),
        ("societe/people", "People"),
        ("ECONOMIE", "Économie"),
        ("Économie", "Économie"),
        ("sante", "Santé"),
    ],
)
def test_section_is_normalised_to_the_site_label(tmp_path, raw, label):
    assert normalize_section(raw) == label
    assert read_one(tmp_path, article(1, section=raw)).section == label


# Bad input: each error names the file, the line and the field


def test_malformed_json_line_names_its_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    lines = [json.dumps(article(n)) for n in range(1, 6)]
    lines[2] = '{"title": "Coupé net", "text": '
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [error] = errors_of(path)
    assert (error.path, error.line, error.field) == (str(path), 3, None)
    assert str(error).startswith(f"{path}, line 3: malformed JSON")
    assert len(list(read_articles(path))) == 5


NEVER_CLOSED = 'add its closing " (a line break inside a text is written \\n)'


@pytest.mark.parametrize(
    ("line", "message"),
    [
        # A line break inside a text cuts the record: the json module says "Invalid control
        # character at" and stops there.
        (
            '{"id": "a", "title": "Titre", "text": "Premier paragraphe.',
            f"column 39: the string that opens here is never closed: {NEVER_CLOSED}",
        ),
        (
            '{"id": "a", "title": "l\'émission "Les Z\'amours"", "text": "Texte."}',
            "column 35: expected a comma or a closing bracket after a string, found "
            '"Les Z\'amours…": a double quote inside a text must be escaped (\\"), or a comma '
            "is missing",
        ),
        (
            '{"id": "a", "title": "Titre", "text": "Texte.",}',
            "column 48: a comma before the closing bracket: remove it",
        ),
        (
            "{'id': 'a', 'title': 'Titre', 'text': 'Texte.'}",
            "column 2: found \"'id': 'a', '…\": JSON writes texts and field names in double "
            "quotes",
        ),
        (
            '{"id": "a", "title": "Titre\tcourt", "text": "Texte."}',
            "column 28: a raw control character (U+0009) inside a string: write it as \\t",
        ),
        (
            '{"id": "a", "title": "Titre", "text": ',
            "column 39: the record ends where a value was expected: it is cut short",
        ),
    ],
)
def test_malformed_json_line_says_what_is_wrong_and_what_to_do(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(f"{json.dumps(article(1))}\n{line}\n", encoding="utf-8")
    [error] = errors_of(path)
    assert str(error) == f"{path}, line 2: malformed JSON at {message}"


def test_json_file_whose_line_ends_inside_a_text_names_where_the_text_opens(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('[\n {"id": "a", "title": "Titre",\n  "text": "Premier\n"}\n]\n', "utf-8")
    [error] = errors_of(path)
    assert str(error) == (
        f"{path}, line 3: malformed JSON at column 19: the line ends inside the string that "
        f"opens at column 11: it is never closed; {NEVER_CLOSED}"
    )


@pytest.mark.parametrize("field", ["title", "body"])
def test_missing_required_field_is_named_with_accepted_names(tmp_path, field):
    record = article(1)
    del record["title" if field == "title" else "text"]
    path = write_jsonl(tmp_path / "bad.jsonl", [article(0), record])
    [error] = errors_of(path)
    assert (error.path, error.line, error.field) == (str(path), 2, field)
    assert f"{path}, line 2, field '{field}': missing required field" in str(error)
    if field == "body":
        assert "accepted names: text, body, content, article" in str(error)


def test_unparseable_date_names_its_field(tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", [article(1, date="le 32 du mois")])
    [error] = errors_of(path)
    assert (error.path, error.line, error.field) == (str(path), 1, "date")
    assert str(error).startswith(
        f"{path}, line 1, field 'date': unrecognised date 'le 32 du mois'"
    )


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".json"])
def test_invalid_utf8_names_its_line(tmp_path, suffix):
    path = tmp_path / f"latin1{suffix}"
    header = {".jsonl": b"", ".csv": b"title,text\n", ".json": b"[\n"}[suffix]
    line1, line2 = {
        ".jsonl": (b'{"title": "a", "text": "b"}\n', '{"title": "\xe9t\xe9", "text": "b"}\n'),
        ".csv": (b"", "\xe9t\xe9,b\n"),
        ".json": (b"", '{"title": "\xe9t\xe9", "text": "b"}]\n'),
    }[suffix]
    path.write_bytes(header + line1 + line2.encode("latin-1"))
    [error] = errors_of(path)
    assert (error.path, error.line, error.field) == (str(path), 2, None)
    assert f"{path}, line 2: invalid UTF-8" in str(error)


def test_body_over_the_size_limit_names_its_field(tmp_path):
    path = write_jsonl(tmp_path / "huge.jsonl", [article(1, text="é" * 5_000_000)])
    [error] = errors_of(path)
    assert (error.path, error.line, error.field) == (str(path), 1, "text")
    assert "field 'text': 10.0 MB of text exceeds the limit of 1,000,000 characters" in str(error)


def test_value_of_the_wrong_type_names_its_field(tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", [article(1), article(2, title=["Un", "titre"])])
    [error] = errors_of(path)
    assert (error.path, error.line, error.field) == (str(path), 2, "title")
    assert str(error) == f"{path}, line 2, field 'title': expected text, found list"


def test_duplicate_id_is_reported_on_the_second_line_naming_the_first(tmp_path):
    path = write_jsonl(tmp_path / "dup.jsonl", [article(1), article(2), article(3, id="art-1")])
    plan = check_files([path])
    [error] = plan.errors
    assert (plan.valid, error.path, error.line, error.field) == (2, str(path), 3, "id")
    assert f"id 'art-1' is already used at {path}, line 1" in str(error)


def test_truncated_gzip_names_the_line_where_reading_stopped(tmp_path):
    path = write_jsonl(
        tmp_path / "cut.jsonl.gz", [article(n, text="mot " * 200) for n in range(40)]
    )
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    *good, (line, error) = list(read_articles(path))
    assert len(good) > 0
    assert [n for n, _ in good] == list(range(1, len(good) + 1))
    assert all(isinstance(item, Article) for _, item in good)
    assert (error.path, error.line, error.field) == (str(path), line, None)
    assert line == len(good) + 1
    assert "truncated or damaged" in str(error)


def test_csv_row_with_too_many_cells_names_its_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "id,title,text\n1,Titre,Corps\n2,Titre, avec virgule,Corps\n", encoding="utf-8"
    )
    [error] = errors_of(path)
    assert (error.path, error.line, error.field) == (str(path), 3, None)
    assert str(error).startswith(f"{path}, line 3: 4 cells for 3 columns")


def test_json_line_that_is_not_an_object_names_its_line(tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", [article(1), [1, 2]])
    [error] = errors_of(path)
    assert (error.path, error.line, error.field) == (str(path), 2, None)
    assert "expected an object" in str(error)


def test_json_array_error_names_the_line_its_record_starts_on(tmp_path):
    path = write_json(tmp_path / "bad.json", [article(1), {"title": "Sans corps"}])
    [error] = errors_of(path)
    assert (error.path, error.line, error.field) == (str(path), 7, "body")


# Bad input when indexing


def test_invalid_record_stops_indexing_and_nothing_is_written(tmp_path):
    index_dir = tmp_path / "ix"
    index_files(index_dir, [write_jsonl(tmp_path / "good.jsonl", [article(1), article(2)])])
    before = snapshot(index_dir)
    records = [article(1, title="Titre modifié"), article(3), {"title": "Sans corps"}, article(4)]
    bad = write_jsonl(tmp_path / "mixed.jsonl", records)

    with pytest.raises(InvalidInput) as caught:
        index_files(index_dir, [bad])

    assert [(e.path, e.line, e.field) for e in caught.value.errors] == [(str(bad), 3, "body")]
    assert str(caught.value) == f"{bad}: 1 invalid record"
    assert snapshot(index_dir) == before
    assert count(index_dir) == 2
    assert stored(index_dir, "art-1").title == article(1)["title"]
    with pytest.raises(ArticleNotFound):
        stored(index_dir, "art-3")


def test_skip_invalid_indexes_the_valid_records_and_lists_the_others(tmp_path):
    records = [article(1), article(2), {"title": "Sans corps"}, article(4), article(5, id="art-1")]
    path = write_jsonl(tmp_path / "mixed.jsonl", records)
    report = index_files(tmp_path / "ix", [path], skip_invalid=True)
    assert report.added == 3
    assert [(e.line, e.field) for e in report.skipped] == [(3, "body"), (5, "id")]
    assert count(tmp_path / "ix") == 3


# Idempotence, updates, deletions


def test_indexing_the_same_file_twice_changes_nothing(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [article(n) for n in range(4)])
    index_files(tmp_path / "ix", [path])
    before = snapshot(tmp_path / "ix")
    report = index_files(tmp_path / "ix", [path])
    assert (report.added, report.updated, report.unchanged) == (0, 0, 4)
    assert count(tmp_path / "ix") == 4
    assert snapshot(tmp_path / "ix") == before


def test_changed_title_is_updated_in_place(tmp_path):
    records = [article(n) for n in range(4)]
    index_files(tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", records)])
    records[2] = article(2, title="Second tour : la gauche l'emporte")
    report = index_files(tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", records)])
    assert (report.added, report.updated, report.unchanged) == (0, 1, 3)
    assert count(tmp_path / "ix") == 4
    assert stored(tmp_path / "ix", "art-2").title == "Second tour : la gauche l'emporte"


def test_delete_articles_removes_ids_and_returns_the_missing_ones(tmp_path):
    index_files(
        tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", [article(n) for n in range(3)])]
    )
    assert delete_articles(tmp_path / "ix", ["art-0", "inconnu", "art-2"]) == ["inconnu"]
    assert count(tmp_path / "ix") == 1
    with pytest.raises(ArticleNotFound):
        stored(tmp_path / "ix", "art-0")
    assert delete_articles(tmp_path / "ix", ["art-0"]) == ["art-0"]


def test_deleted_article_is_added_again_when_its_file_is_reindexed(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [article(n) for n in range(3)])
    index_files(tmp_path / "ix", [path])
    delete_articles(tmp_path / "ix", ["art-1"])
    report = index_files(tmp_path / "ix", [path])
    assert (report.added, report.updated, report.unchanged) == (1, 0, 2)
    assert count(tmp_path / "ix") == 3


def test_small_batches_index_every_article(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [article(n) for n in range(5)])
    report = index_files(tmp_path / "ix", [path], batch_size=2)
    assert report.added == 5
    assert count(tmp_path / "ix") == 5


def test_rebuild_starts_from_an_empty_index(tmp_path):
    index_files(tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", [article(1), article(2)])])
    path = write_jsonl(tmp_path / "b.jsonl", [article(3)])
    report = index_files(tmp_path / "ix", [path], rebuild=True)
    assert (report.added, count(tmp_path / "ix")) == (1, 1)


# Unicode


def test_decomposed_title_is_stored_composed_and_found_by_a_composed_query(tmp_path):
    record = {"id": "ete", "title": "Un e\u0301te\u0301 bru\u0302lant", "text": "Canicule."}
    index_files(tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", [record])])
    assert stored(tmp_path / "ix", "ete").title == "Un été brûlant"
    archive = Archive(tmp_path / "ix")
    try:
        assert archive.search_articles("été").total == 1
    finally:
        archive.close()


# Regressions: bugs found while writing these tests


def test_json_object_with_an_array_before_articles_gives_every_article(tmp_path):
    data = {"meta": {"langs": ["fr"]}, "articles": [article(1), article(2), article(3)]}
    path = write_json(tmp_path / "feed.json", data)
    assert [item.id for _, item in read_articles(path)] == ["art-1", "art-2", "art-3"]


def test_json_object_with_a_bracket_in_a_string_before_articles_is_read(tmp_path):
    data = {"name": "Revue de presse [archives]", "articles": [article(1), article(2)]}
    path = write_json(tmp_path / "feed.json", data)
    assert [item.id for _, item in read_articles(path)] == ["art-1", "art-2"]


def test_uppercase_gzip_suffix_is_decompressed(tmp_path):
    path = write_jsonl(tmp_path / "ARTICLES.JSONL.GZ", [])
    path.write_bytes(gzip.compress((json.dumps(article(1)) + "\n").encode()))
    assert [item.id for _, item in read_articles(path)] == ["art-1"]
