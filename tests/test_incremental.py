"""Incremental folders: only new or changed files are read, and nothing indexed is lost."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh.index import open_dir

from conftest import ROOT, write_jsonl
from search import Archive, IndexIncompatible, InvalidInput, delete_articles, index_files
from search.cli import cli
from search.store import topics as topic_space
from search.store.lock import LOCK
from search.store.sources import SIDECAR, SourceFile, Sources
from search.store.syncing import sync_folders, watch_folders

FOUILLE = Path(sys.executable).parent / "fouille"


def article(n: int, **fields) -> dict:
    """Return a small valid French article record numbered n, with fields overridden."""
    record = {
        "id": f"art-{n}",
        "title": f"Inondations : la crue numéro {n} atteint la ville",
        "text": f"La rivière est sortie de son lit pour la {n}e fois cette année.",
    }
    record.update(fields)
    return record


def ids(index_dir: Path) -> list[str]:
    archive = Archive(index_dir)
    try:
        return sorted(hit.id for hit in archive.search_articles("", per_page=100).hits)
    finally:
        archive.close()


def title(index_dir: Path, article_id: str) -> str:
    archive = Archive(index_dir)
    try:
        return archive.get_article(article_id).title
    finally:
        archive.close()


def snapshot(index_dir: Path) -> dict[str, bytes]:
    """Return every file of the index folder, the record of files included.

    The write lock is left out: it names the last run that wrote, to the second.
    """
    return {
        p.name: p.read_bytes()
        for p in sorted(index_dir.iterdir())
        if p.is_file() and p.name != LOCK
    }


def recorded(index_dir: Path) -> dict[str, dict]:
    return json.loads((index_dir / SIDECAR).read_text("utf-8"))["files"]


@pytest.fixture
def folder(tmp_path) -> Path:
    folder = tmp_path / "archive"
    write_jsonl(folder / "a.jsonl", [article(1), article(2)])
    write_jsonl(folder / "2024" / "b.jsonl", [article(3)])
    return folder


@pytest.fixture
def index_dir(tmp_path, folder) -> Path:
    index_dir = tmp_path / "ix"
    report = sync_folders(index_dir, [folder])
    assert (report.read_files, report.added) == (2, 3)
    return index_dir


# Files already indexed


def test_first_run_records_each_file_with_its_articles(folder, index_dir):
    a = folder / "a.jsonl"
    entry = recorded(index_dir)[str(a.resolve())]
    assert entry["ids"] == ["art-1", "art-2"]
    assert (entry["size"], entry["mtime_ns"]) == (a.stat().st_size, a.stat().st_mtime_ns)
    assert len(entry["sha256"]) == 64 and entry["invalid"] == 0
    assert set(recorded(index_dir)) == {str(a.resolve()), str((folder / "2024/b.jsonl").resolve())}


def test_second_run_changes_nothing_and_reads_no_file(folder, index_dir):
    before = snapshot(index_dir)
    report = sync_folders(index_dir, [folder])
    assert (report.files, report.read_files, report.unchanged_files) == (2, 0, 2)
    assert (report.added, report.updated, report.unchanged, report.unread_articles) == (0, 0, 3, 3)
    assert snapshot(index_dir) == before


def test_file_with_unchanged_size_and_mtime_is_not_even_opened(folder, index_dir):
    # Garbage of the same size under the same mtime would be reported, were the file read.
    path = folder / "a.jsonl"
    status = path.stat()
    path.write_bytes(b"\0" * status.st_size)
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    report = sync_folders(index_dir, [folder])
    assert (report.read_files, report.unchanged_files, report.skipped) == (0, 2, [])
    assert ids(index_dir) == ["art-1", "art-2", "art-3"]


def test_touched_file_with_the_same_content_is_not_indexed_again(folder, index_dir):
    path = folder / "a.jsonl"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    before = snapshot(index_dir)
    report = sync_folders(index_dir, [folder])
    assert (report.read_files, report.unchanged_files, report.unchanged) == (0, 2, 3)
    after = snapshot(index_dir)
    assert {name for name in after if after[name] != before.get(name)} == {SIDECAR}
    assert recorded(index_dir)[str(path.resolve())]["mtime_ns"] == path.stat().st_mtime_ns


def test_added_file_is_the_only_one_read(folder, index_dir):
    write_jsonl(folder / "2024" / "c.jsonl", [article(4), article(5)])
    report = sync_folders(index_dir, [folder])
    assert (report.files, report.read_files, report.unchanged_files) == (3, 1, 2)
    assert (report.added, report.updated, report.unchanged) == (2, 0, 3)
    assert ids(index_dir) == [f"art-{n}" for n in range(1, 6)]


def test_changed_article_in_a_file_is_updated_and_the_others_kept(folder, index_dir):
    write_jsonl(folder / "a.jsonl", [article(1), article(2, title="Crue : la décrue commence")])
    report = sync_folders(index_dir, [folder])
    assert (report.read_files, report.added, report.updated, report.unchanged) == (1, 0, 1, 2)
    assert title(index_dir, "art-2") == "Crue : la décrue commence"


def test_article_removed_from_a_file_is_deleted(folder, index_dir):
    write_jsonl(folder / "a.jsonl", [article(2)])
    report = sync_folders(index_dir, [folder])
    assert (report.read_files, report.removed) == (1, 1)
    assert ids(index_dir) == ["art-2", "art-3"]
    assert recorded(index_dir)[str((folder / "a.jsonl").resolve())]["ids"] == ["art-2"]


def test_article_moved_to_another_file_is_kept(folder, index_dir):
    write_jsonl(folder / "a.jsonl", [article(1)])
    write_jsonl(folder / "2024" / "b.jsonl", [article(3), article(2)])
    report = sync_folders(index_dir, [folder])
    assert (report.removed, report.updated, report.unchanged) == (0, 0, 3)
    assert ids(index_dir) == ["art-1", "art-2", "art-3"]
    # The file it left can now go without taking it along.
    (folder / "a.jsonl").unlink()
    assert sync_folders(index_dir, [folder], prune=True).pruned == 1
    assert ids(index_dir) == ["art-2", "art-3"]


def test_new_file_reusing_the_id_of_an_unchanged_file_is_refused(folder, index_dir):
    before = snapshot(index_dir)
    new = write_jsonl(folder / "c.jsonl", [article(4), article(1, title="Autre crue")])
    with pytest.raises(InvalidInput) as caught:
        sync_folders(index_dir, [folder])
    [error] = caught.value.errors
    assert (error.path, error.line, error.field) == (str(new), 2, "id")
    assert f"id 'art-1' is already used at {folder / 'a.jsonl'}" in str(error)
    assert snapshot(index_dir) == before


# Files gone


def test_prune_removes_the_articles_of_deleted_files_and_keeps_the_others(
    tmp_path, folder, index_dir
):
    other = write_jsonl(tmp_path / "ailleurs" / "c.jsonl", [article(9)])
    sync_folders(index_dir, [other.parent])
    (folder / "2024" / "b.jsonl").unlink()
    other.unlink()
    report = sync_folders(index_dir, [folder], prune=True)
    assert (report.pruned, report.pruned_files) == (1, [(folder / "2024/b.jsonl").resolve()])
    # art-9's file is gone too, but from a folder this run was not given.
    assert ids(index_dir) == ["art-1", "art-2", "art-9"]
    assert set(recorded(index_dir)) == {str((folder / "a.jsonl").resolve()), str(other.resolve())}


def test_without_prune_missing_files_are_reported_and_their_articles_kept(folder, index_dir):
    (folder / "2024" / "b.jsonl").unlink()
    report = sync_folders(index_dir, [folder])
    assert (report.missing_files, report.missing_articles) == (
        [(folder / "2024/b.jsonl").resolve()],
        1,
    )
    assert report.pruned == 0
    assert ids(index_dir) == ["art-1", "art-2", "art-3"]


def test_file_that_comes_back_unchanged_is_not_read_again(tmp_path, folder, index_dir):
    (folder / "a.jsonl").rename(tmp_path / "a.jsonl")
    assert len(sync_folders(index_dir, [folder]).missing_files) == 1
    (tmp_path / "a.jsonl").rename(folder / "a.jsonl")
    report = sync_folders(index_dir, [folder])
    assert (report.read_files, report.unchanged_files, report.missing_files) == (0, 2, [])


def test_article_deleted_by_id_no_longer_counts_as_held_by_its_file(folder, index_dir):
    assert delete_articles(index_dir, ["art-3"]) == []
    assert recorded(index_dir)[str((folder / "2024/b.jsonl").resolve())]["ids"] == []
    (folder / "2024" / "b.jsonl").unlink()
    assert sync_folders(index_dir, [folder]).missing_articles == 0


# Bad input and interruptions: nothing lost


def test_invalid_input_writes_neither_the_index_nor_the_record(folder, index_dir):
    before = snapshot(index_dir)
    write_jsonl(folder / "a.jsonl", [article(1, title="Changé"), article(2)])
    write_jsonl(folder / "bad.jsonl", [article(7), {"id": "x", "title": "Sans corps"}])
    with pytest.raises(InvalidInput) as caught:
        sync_folders(index_dir, [folder])
    assert [(e.path, e.line) for e in caught.value.errors] == [(str(folder / "bad.jsonl"), 2)]
    assert snapshot(index_dir) == before


def test_skipped_invalid_record_is_remembered_and_not_read_again(folder, index_dir):
    write_jsonl(folder / "bad.jsonl", [article(7), {"id": "x", "title": "Sans corps"}])
    first = sync_folders(index_dir, [folder], skip_invalid=True)
    assert (first.added, len(first.skipped)) == (1, 1)
    again = sync_folders(index_dir, [folder])
    assert (again.read_files, again.skipped, again.invalid_earlier) == (0, [], 1)


def test_article_whose_record_became_invalid_is_kept(folder, index_dir):
    path = folder / "a.jsonl"
    path.write_text(json.dumps(article(1)) + '\n{"id": "art-2", "title": "Coup', "utf-8")
    report = sync_folders(index_dir, [folder], skip_invalid=True)
    assert (report.removed, len(report.skipped)) == (0, 1)
    assert ids(index_dir) == ["art-1", "art-2", "art-3"]
    # Once the file reads cleanly, what left it goes.
    write_jsonl(path, [article(1)])
    assert sync_folders(index_dir, [folder]).removed == 1
    assert ids(index_dir) == ["art-1", "art-3"]


def test_interrupted_pass_records_only_files_whose_articles_are_committed(tmp_path):
    folder = tmp_path / "archive"
    write_jsonl(folder / "a.jsonl", [article(1)])
    write_jsonl(folder / "b.jsonl", [article(2), article(3)])
    seen = []

    def stop_at_the_third_article(n: int) -> None:
        seen.append(n)
        if len(seen) == 3:
            raise KeyboardInterrupt

    # a's article and b's first are committed by the batch of 2; b's second is not.
    with pytest.raises(KeyboardInterrupt):
        sync_folders(tmp_path / "ix", [folder], batch_size=2, progress=stop_at_the_third_article)
    assert list(recorded(tmp_path / "ix")) == [str((folder / "a.jsonl").resolve())]
    assert ids(tmp_path / "ix") == ["art-1", "art-2"]
    report = sync_folders(tmp_path / "ix", [folder])
    assert (report.read_files, report.added, report.unchanged) == (1, 1, 2)
    assert ids(tmp_path / "ix") == ["art-1", "art-2", "art-3"]


def test_files_recorded_meanwhile_by_another_process_are_kept(folder, index_dir):
    mine, theirs = Sources.load(index_dir), Sources.load(index_dir)
    theirs.record("/ailleurs/c.jsonl", SourceFile(1, 1, "0" * 64, {"art-9"}))
    theirs.save()
    mine.forget(str((folder / "a.jsonl").resolve()))
    mine.save()
    assert sorted(recorded(index_dir)) == [
        "/ailleurs/c.jsonl",
        str((folder / "2024/b.jsonl").resolve()),
    ]


def test_unreadable_record_of_files_is_refused_with_what_to_do(folder, index_dir):
    (index_dir / SIDECAR).write_text("{pas du json", "utf-8")
    with pytest.raises(IndexIncompatible, match="cannot read the record of indexed files") as e:
        sync_folders(index_dir, [folder])
    assert "delete it (every file will be read again)" in str(e.value)
    assert "fouille index --rebuild" in str(e.value)


# An index that lost what its record of files lists


def drop_segments(index_dir: Path) -> None:
    """Delete Whoosh's files, as `make clean` did before it deleted the files beside them."""
    for path in index_dir.iterdir():
        if "MAIN" in path.name and path.is_file():
            path.unlink()


def test_record_without_segments_makes_every_file_read_again(folder, index_dir):
    drop_segments(index_dir)
    report = sync_folders(index_dir, [folder])
    assert (report.read_files, report.added, report.unchanged) == (2, 3, 0)
    assert (report.stale_files, report.stale_articles) == (2, 3)
    assert ids(index_dir) == ["art-1", "art-2", "art-3"]
    assert sync_folders(index_dir, [folder]).read_files == 0


def test_index_restored_from_an_older_copy_reads_again_the_files_it_lacks(tmp_path, folder):
    index_dir, later = tmp_path / "ix", folder / "2024" / "b.jsonl"
    later.rename(tmp_path / "b.jsonl")
    sync_folders(index_dir, [folder])
    older = {p.name: p.read_bytes() for p in index_dir.iterdir() if "MAIN" in p.name}
    (tmp_path / "b.jsonl").rename(later)
    assert sync_folders(index_dir, [folder]).added == 1
    drop_segments(index_dir)
    for name, data in older.items():
        (index_dir / name).write_bytes(data)
    report = sync_folders(index_dir, [folder])
    assert (report.read_files, report.added, report.stale_files) == (1, 1, 1)
    assert ids(index_dir) == ["art-1", "art-2", "art-3"]


def test_file_gone_with_its_articles_is_forgotten_without_asking_to_prune(folder, index_dir):
    drop_segments(index_dir)
    (folder / "2024" / "b.jsonl").unlink()
    report = sync_folders(index_dir, [folder])
    assert (report.added, report.missing_files) == (2, [])
    assert list(recorded(index_dir)) == [str((folder / "a.jsonl").resolve())]


def test_make_clean_leaves_no_index_file_and_the_next_run_indexes_everything(
    tmp_path, monkeypatch
):
    # Enough articles for a topic space, so that its files are there to be deleted too.
    monkeypatch.setattr(topic_space, "MIN_ARTICLES", 20)
    monkeypatch.setattr(topic_space, "DIMENSIONS", 2)
    folder = tmp_path / "archive"
    write_jsonl(folder / "a.jsonl", [article(n) for n in range(30)])
    index_dir = tmp_path / "ix"
    first = sync_folders(index_dir, [folder])
    assert first.topics.fitted and first.view
    (index_dir / ".gitkeep").touch()
    cleaned = subprocess.run(
        ["make", "-C", str(ROOT), "clean", f"INDEX={index_dir}"], capture_output=True, text=True
    )
    assert cleaned.returncode == 0, cleaned.stderr
    assert [path.name for path in index_dir.iterdir()] == [".gitkeep"]
    report = sync_folders(index_dir, [folder])
    assert (report.read_files, report.added) == (1, 30)
    assert ids(index_dir) == sorted(f"art-{n}" for n in range(30))
    assert report.topics.fitted and report.view


def test_make_clean_keeps_the_virtual_environment_that_distclean_removes():
    def planned(target: str) -> str:
        return subprocess.run(
            ["make", "-n", "-C", str(ROOT), target], capture_output=True, text=True, check=True
        ).stdout

    assert ".venv" not in planned("clean")
    assert "rm -rf .venv" in planned("distclean")


def test_cli_says_which_files_it_reads_again_for_articles_the_index_lacks(
    runner, folder, index_dir
):
    drop_segments(index_dir)
    result = index(runner, str(folder), "--index", str(index_dir))
    assert result.stdout.splitlines()[0] == (
        "3 articles recorded as indexed were missing from the index (segments deleted or "
        "replaced?): 2 files read again."
    )
    assert "3 added, 0 updated, 0 unchanged." in result.stdout


# Rebuilding


def test_rebuild_forgets_the_recorded_files(folder, index_dir):
    (folder / "2024" / "b.jsonl").unlink()
    report = sync_folders(index_dir, [folder], rebuild=True)
    assert (report.read_files, report.added, report.missing_files) == (1, 2, [])
    assert list(recorded(index_dir)) == [str((folder / "a.jsonl").resolve())]
    assert ids(index_dir) == ["art-1", "art-2"]


def test_rebuild_through_index_files_makes_the_next_run_read_everything(
    tmp_path, folder, index_dir
):
    index_files(index_dir, [write_jsonl(tmp_path / "other.jsonl", [article(8)])], rebuild=True)
    assert not (index_dir / SIDECAR).exists()
    report = sync_folders(index_dir, [folder])
    assert (report.read_files, report.added) == (2, 3)


# Watching


def test_watch_indexes_a_file_added_between_passes(folder, tmp_path):
    reports = []

    def after_pass(report) -> None:
        reports.append(report)
        if len(reports) == 1:
            write_jsonl(folder / "c.jsonl", [article(4)])

    totals = watch_folders(tmp_path / "ix", [folder], interval=0, passes=2, after_pass=after_pass)
    assert [(r.read_files, r.added, r.unchanged_files) for r in reports] == [(2, 3, 0), (1, 1, 2)]
    assert (totals.passes, totals.added, totals.interrupted) == (2, 4, False)
    assert ids(tmp_path / "ix") == ["art-1", "art-2", "art-3", "art-4"]


def test_watch_reports_a_bad_file_and_keeps_indexing_the_good_ones(folder, index_dir):
    reports = []

    def after_pass(report) -> None:
        reports.append(report)
        if len(reports) == 1:
            write_jsonl(folder / "bad.jsonl", [article(7), {"id": "x", "title": "Sans corps"}])
            write_jsonl(folder / "good.jsonl", [article(8)])
            (folder / "broken.html").write_bytes(b"\0\x01 pas une page")

    totals = watch_folders(index_dir, [folder], interval=0, passes=3, after_pass=after_pass)
    assert [(r.read_files, r.added) for r in reports] == [(0, 0), (3, 2), (0, 0)]
    bad, broken = sorted(reports[1].skipped, key=lambda error: error.path)
    assert (bad.path, bad.line, bad.field) == (str(folder / "bad.jsonl"), 2, "body")
    assert broken.path == str(folder / "broken.html")
    assert broken.message.startswith("binary data")
    assert (reports[2].skipped, reports[2].invalid_earlier) == ([], 2)
    assert (totals.passes, totals.skipped) == (3, 2)
    assert ids(index_dir) == ["art-1", "art-2", "art-3", "art-7", "art-8"]


def test_watch_puts_off_a_pass_while_another_process_holds_the_index(folder, index_dir):
    write_jsonl(folder / "c.jsonl", [article(4)])
    other = open_dir(str(index_dir)).writer()
    busy = []

    def on_busy(error) -> None:
        busy.append(str(error))
        other.cancel()

    totals = watch_folders(index_dir, [folder], interval=0, passes=2, on_busy=on_busy)
    assert len(busy) == 1 and "another process is writing to this index" in busy[0]
    assert (totals.busy, totals.passes, totals.added) == (1, 1, 1)
    assert ids(index_dir) == ["art-1", "art-2", "art-3", "art-4"]


def test_open_archive_sees_the_articles_of_a_later_pass(folder, index_dir):
    archive = Archive(index_dir)
    try:
        assert archive.count() == 3

        def after_pass(report) -> None:
            write_jsonl(folder / "c.jsonl", [article(4)])

        watch_folders(index_dir, [folder], interval=0, passes=2, after_pass=after_pass)
        assert archive.count() == 4
    finally:
        archive.close()


def test_watch_rebuilds_on_its_first_pass_only(folder, index_dir):
    reports = []
    watch_folders(
        index_dir, [folder], interval=0, passes=2, rebuild=True, after_pass=reports.append
    )
    assert [(r.read_files, r.added) for r in reports] == [(2, 3), (0, 0)]


# Command line


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def index(runner: CliRunner, *args: str):
    result = runner.invoke(cli, ["index", *args])
    assert result.exit_code == 0, result.output
    return result


def test_cli_second_run_says_the_files_are_unchanged(runner, folder, tmp_path):
    index(runner, str(folder), "--index", str(tmp_path / "ix"))
    result = index(runner, str(folder), "--index", str(tmp_path / "ix"))
    assert result.stdout.startswith(
        "Nothing to index: 3 articles from 2 files, unchanged since the last run ("
    )


def test_cli_without_prune_names_the_missing_files_and_what_prune_would_do(
    runner, folder, index_dir
):
    (folder / "2024" / "b.jsonl").unlink()
    result = index(runner, str(folder), "--index", str(index_dir))
    assert (
        "1 indexed file is gone from the folders given; --prune would remove its 1 article:"
        in result.stdout
    )
    assert f"  {(folder / '2024/b.jsonl').resolve()}" in result.stderr
    assert ids(index_dir) == ["art-1", "art-2", "art-3"]


def test_cli_prune_removes_and_counts_the_articles_of_missing_files(runner, folder, index_dir):
    (folder / "a.jsonl").unlink()
    result = index(runner, str(folder), "--index", str(index_dir), "--prune")
    assert "Pruned 2 articles of 1 file gone from the folders given." in result.stdout
    assert ids(index_dir) == ["art-3"]


def test_cli_prune_of_every_file_reports_the_pruning_alone(runner, folder, index_dir):
    (folder / "a.jsonl").unlink()
    (folder / "2024/b.jsonl").unlink()
    result = index(runner, str(folder), "--index", str(index_dir), "--prune")
    assert "Pruned 3 articles of 2 files gone from the folders given." in result.stdout
    assert "Indexed" not in result.stdout


def test_cli_reports_articles_removed_from_a_changed_file(runner, folder, index_dir):
    write_jsonl(folder / "a.jsonl", [article(1)])
    result = index(runner, str(folder), "--index", str(index_dir))
    assert "Removed 1 article no longer in the changed file it came from." in result.stdout


def test_cli_interval_without_watch_is_a_usage_error(runner, folder, tmp_path):
    result = runner.invoke(cli, ["index", str(folder), "--interval", "5"])
    assert result.exit_code == 2
    assert "--interval only applies with --watch" in result.stderr


def test_watch_stops_on_sigint_with_status_0_and_a_summary(folder, tmp_path):
    index_dir = tmp_path / "ix"
    args = ["index", "--watch", str(folder), "--interval", "1", "--index", str(index_dir)]
    with subprocess.Popen(
        [str(FOUILLE), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as process:
        watchdog = threading.Timer(60, process.kill)
        watchdog.start()
        try:
            # The first pass's summary is printed once the pass is counted: interrupt after it.
            first = process.stdout.readline()
            process.send_signal(signal.SIGINT)
            rest, stderr = process.stdout.read(), process.stderr.read()
            process.wait()
        finally:
            watchdog.cancel()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "3 added, 0 updated, 0 unchanged." in first
    summary = rest.splitlines()[-1]
    assert re.match(r"Stopped after (1 pass|\d+ passes): 3 added, 0 updated", summary)
    assert ids(index_dir) == ["art-1", "art-2", "art-3"]
