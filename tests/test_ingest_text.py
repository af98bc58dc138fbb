"""Plain-text article files: title and body, date from the name, encodings, bad files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from search import Archive, InvalidInput, index_files
from search.cli import cli
from search.errors import InputError
from search.ingest import collect_files, read_articles
from search.models import Article, InputNote
from search.store.syncing import sync_folders

GREVE = (
    "\n  Grève à la SNCF : les trains roulent peu\n\n"
    "Les syndicats de cheminots ont appelé à la grève,\n"
    "et l’État promet un « dialogue ».\n\n"
    "Le trafic reprendra jeudi ; œuvre de longue haleine, dit-on, pour 5 € de plus.\n"
)
EXPECTED = Article(
    id="notes/2021/2021-03-12-greve.txt",
    title="Grève à la SNCF : les trains roulent peu",
    body=(
        "Les syndicats de cheminots ont appelé à la grève, et l’État promet un « dialogue ».\n"
        "Le trafic reprendra jeudi ; œuvre de longue haleine, dit-on, pour 5 € de plus."
    ),
    published=datetime(2021, 3, 12),
)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def read_folder(folder: Path) -> list:
    files, passed_over = collect_files([folder])
    assert passed_over == []
    return [item for file in files for _, item in read_articles(file)]


def ids(index_dir: Path) -> list[str]:
    archive = Archive(index_dir)
    try:
        return sorted(hit.id for hit in archive.search_articles("", per_page=100).hits)
    finally:
        archive.close()


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16"], ids=["utf8", "utf8-bom", "utf16-notepad"]
)
def test_unicode_text_file_is_one_article_with_its_title_paragraphs_and_date(tmp_path, encoding):
    write(tmp_path / "notes/2021/2021-03-12-greve.txt", GREVE.encode(encoding))
    assert read_folder(tmp_path / "notes") == [EXPECTED]


def test_windows_1252_text_file_is_read_as_such_and_said_so(tmp_path):
    path = write(tmp_path / "notes/2021/2021-03-12-greve.txt", GREVE.encode("cp1252"))
    note = InputNote(
        str(path), "not UTF-8, read as Windows-1252; if its accents look wrong, save it as UTF-8"
    )
    assert read_folder(tmp_path / "notes") == [note, EXPECTED]


def test_latin_1_text_file_reads_its_accents(tmp_path):
    write(
        tmp_path / "notes/ete.txt",
        "L’été\n\nÇà et là, à Noël.".replace("’", "'").encode("latin-1"),
    )
    [_, article] = read_folder(tmp_path / "notes")
    assert (article.title, article.body) == ("L'été", "Çà et là, à Noël.")


@pytest.mark.parametrize(
    ("name", "published"),
    [
        ("20210312.txt", datetime(2021, 3, 12)),
        ("greve-2021-03-12.txt", datetime(2021, 3, 12)),
        ("compte-rendu.txt", None),
        ("note-20211399.txt", None),  # not a date
        ("ref-2021-0312.txt", None),  # one dash only: not a date
    ],
)
def test_date_comes_from_the_file_name_else_the_article_is_undated(tmp_path, name, published):
    write(tmp_path / "notes" / name, b"Titre\nTexte.")
    [article] = read_folder(tmp_path / "notes")
    assert article.published == published


def test_lines_without_blank_lines_between_them_are_paragraphs_each(tmp_path):
    write(tmp_path / "notes/a.txt", b"Titre\r\nPremier.\r\nDeuxieme.\r\n")
    [article] = read_folder(tmp_path / "notes")
    assert article.body == "Premier.\nDeuxieme."


def test_id_is_the_path_from_the_folder_given_and_stays_when_the_text_changes(tmp_path):
    path = write(tmp_path / "notes/2021/a.txt", b"Titre\nTexte.")
    [before] = read_folder(tmp_path / "notes")
    path.write_bytes(b"Autre titre\nAutre texte.")
    [after] = read_folder(tmp_path / "notes")
    assert before.id == after.id == "notes/2021/a.txt"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"",
            "empty file: write the article's title on its first line and its text below, "
            "or remove the file",
        ),
        (b" \r\n\n", "empty file"),
        (
            "Grève du 12 mars\n\n".encode(),
            "only a title ('Grève du 12 mars'), no text: write the article below its title, "
            "after a blank line",
        ),
        (bytes(range(256)) * 8, "binary data, not text: check what this file is"),
        (b"PK\x03\x04" + bytes(range(1, 32)) * 4, "binary data, not text"),
    ],
    ids=["empty", "blank", "title-only", "binary", "binary-without-nul"],
)
def test_empty_title_only_or_binary_text_file_is_refused_with_a_message(tmp_path, data, message):
    path = write(tmp_path / "notes/bad.txt", data)
    [error] = read_folder(tmp_path / "notes")
    assert isinstance(error, InputError) and error.path == str(path)
    assert error.message.startswith(message)


def test_bad_text_file_stops_nothing_else_with_skip_invalid(tmp_path):
    write(tmp_path / "notes/vide.txt", b"")
    write(tmp_path / "notes/bon.txt", b"Titre\nTexte.")
    with pytest.raises(InvalidInput):
        index_files(tmp_path / "ix", [tmp_path / "notes"])
    report = index_files(tmp_path / "ix", [tmp_path / "notes"], skip_invalid=True)
    assert (report.added, [e.path for e in report.skipped]) == (
        1,
        [str(tmp_path / "notes/vide.txt")],
    )
    assert ids(tmp_path / "ix") == ["notes/bon.txt"]


def test_changed_text_file_updates_its_article_and_unchanged_one_is_not_read(tmp_path):
    notes, index_dir = tmp_path / "notes", tmp_path / "ix"
    write(notes / "a.txt", b"Crue\nLa riviere monte.")
    write(notes / "b.txt", b"Secheresse\nLa riviere baisse.")
    assert sync_folders(index_dir, [notes]).added == 2
    write(notes / "a.txt", b"Crue\nLa riviere monte encore.")
    report = sync_folders(index_dir, [notes])
    assert (report.added, report.updated, report.unchanged_files) == (0, 1, 1)
    (notes / "b.txt").unlink()
    assert sync_folders(index_dir, [notes], prune=True).pruned == 1
    assert ids(index_dir) == ["notes/a.txt"]


def test_index_summary_says_which_file_was_read_as_windows_1252(tmp_path):
    path = write(tmp_path / "notes/2021-03-12-greve.txt", GREVE.encode("cp1252"))
    result = CliRunner().invoke(
        cli, ["index", str(tmp_path / "notes"), "--index", str(tmp_path / "ix")]
    )
    assert result.exit_code == 0, result.output
    assert f"Note: {path}: not UTF-8, read as Windows-1252" in result.stderr
    assert "1 added" in result.stdout
