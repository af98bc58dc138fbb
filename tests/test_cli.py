"""The ``fouille`` command line, through click's runner and through the installed script."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write_jsonl
from search.cli import cli

FOUILLE = Path(sys.executable).parent / "fouille"

CORPUS = [
    {
        "id": "retraites-2023",
        "title": "Réforme des retraites : le texte adopté",
        "text": "L'Assemblée nationale a adopté la réforme des retraites après des mois de grève.",
        "published": "2023-03-20T18:00:00+01:00",
        "section": "Politique",
        "author": "Claire Martin",
        "tags": ["retraites", "Assemblée"],
        "url": "https://www.lemonde.fr/politique/retraites",
    },
    {
        "id": "retraites-2019",
        "title": "Grève contre la réforme des retraites",
        "text": "Les syndicats appellent à une grève illimitée contre la réforme des retraites.",
        "published": "5 décembre 2019",
        "section": "societe",
        "author": "Paul Durand",
        "tags": "retraites, syndicats",
    },
    {
        "id": "bce-2022",
        "title": "La BCE relève ses taux directeurs",
        "text": "Face à l'inflation, la Banque centrale européenne relève ses taux.",
        "published": "2022-07-21",
        "section": "ECONOMIE",
    },
    {
        "id": "canicule-2022",
        "title": "Canicule dans le Sud-Ouest",
        "text": "Les températures dépassent quarante degrés cet été à Bordeaux.",
        "published": "1er août 2022",
        "section": "Planète",
    },
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def corpus(tmp_path) -> Path:
    return write_jsonl(tmp_path / "corpus.jsonl", CORPUS)


@pytest.fixture
def index_dir(tmp_path, runner, corpus) -> Path:
    index_dir = tmp_path / "ix"
    result = runner.invoke(cli, ["index", str(corpus), "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    return index_dir


def search_json(runner: CliRunner, index_dir: Path, *args: str) -> dict:
    result = runner.invoke(cli, ["search", *args, "--index", str(index_dir), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def search_ids(runner: CliRunner, index_dir: Path, *args: str) -> list[str]:
    return [hit["id"] for hit in search_json(runner, index_dir, *args)["hits"]]


def run_fouille(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(FOUILLE), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **(env or {})},
        timeout=120,
    )


# index


def test_index_prints_a_summary_with_the_counts(tmp_path, runner, corpus):
    result = runner.invoke(cli, ["index", str(corpus), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "Indexed 4 articles from 1 file in " in result.stdout
    assert "4 added, 0 updated, 0 unchanged." in result.stdout
    assert f"Index: {tmp_path / 'ix'}" in result.stdout


STEP = re.compile(r"^(\w+): ([\d,]+) (\w+) … \d+\.\d s$")


def test_index_prints_a_line_per_step_after_reading_with_its_count_and_time(
    tmp_path, runner, corpus
):
    result = runner.invoke(cli, ["index", str(corpus), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    steps = [m.groups() for line in result.stderr.splitlines() if (m := STEP.match(line))]
    assert steps == [
        ("Writing", "4", "articles"),
        ("Duplicates", "4", "articles"),
        ("View", "4", "articles"),
    ]


def test_index_summary_says_what_each_step_did(tmp_path, runner, corpus):
    result = runner.invoke(cli, ["index", str(corpus), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == "Segments: 1 written; the index holds 1."
    # The time depends on the machine's load.
    assert re.fullmatch(
        r"Duplicates: none among 4 articles \(4 compared, 0 forgotten, [0-9.]+ s\)\.", lines[2]
    )
    assert lines[3:] == [
        "Topics: none, the index holds fewer than 1,000 articles.",
        "View: written for 4 articles.",
    ]


def test_merging_after_the_last_article_prints_its_own_step(tmp_path, runner, corpus):
    first = write_jsonl(tmp_path / "first.jsonl", CORPUS[:3])
    index_dir = str(tmp_path / "ix")
    runner.invoke(cli, ["index", str(first), "--index", index_dir, "--batch-size", "1"])
    result = runner.invoke(cli, ["index", str(corpus), "--index", index_dir])
    assert result.exit_code == 0, result.output
    steps = [m.groups()[:3] for line in result.stderr.splitlines() if (m := STEP.match(line))]
    assert steps[:2] == [("Writing", "1", "article"), ("Merging", "4", "segments")]
    assert "Segments: 1 written, 4 merged into 1; the index holds 1." in result.stdout


def test_index_run_that_changes_nothing_says_so_in_one_line(runner, corpus, index_dir):
    result = runner.invoke(cli, ["index", str(corpus), "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        rf"Nothing to index: 4 articles from 1 file, unchanged since the last run "
        rf"\(\d\.\d s\)\. Index: {re.escape(str(index_dir))}\n",
        result.stdout,
    )
    # No bar and no step: only what was checked.
    assert result.stderr == f"Checking {corpus} …\n"


def test_bad_record_fails_naming_file_line_and_field(tmp_path, runner, corpus, index_dir):
    bad = write_jsonl(tmp_path / "bad.jsonl", [*CORPUS[:2], {"id": "x", "title": "Sans corps"}])
    result = runner.invoke(cli, ["index", str(bad), "--index", str(index_dir)])
    assert result.exit_code == 1
    assert f"{bad}, line 3, field 'body': missing required field" in result.stderr
    assert "nothing was written" in result.stderr
    assert "--skip-invalid" in result.stderr
    assert "Indexed" not in result.stdout
    assert search_json(runner, index_dir)["total"] == 4


def test_skip_invalid_indexes_the_rest_and_lists_the_skipped(tmp_path, runner):
    bad = write_jsonl(tmp_path / "bad.jsonl", [*CORPUS[:2], {"id": "x", "title": "Sans corps"}])
    args = ["index", str(bad), "--index", str(tmp_path / "ix"), "--skip-invalid"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Skipped 1 invalid record:" in result.stderr
    assert f"{bad}, line 3, field 'body'" in result.stderr
    assert "2 added, 0 updated, 0 unchanged." in result.stdout


def test_index_of_an_unsupported_file_fails_naming_it(tmp_path, runner):
    notes = tmp_path / "notes.odt"
    notes.write_text("à lire", encoding="utf-8")
    result = runner.invoke(cli, ["index", str(notes), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1
    assert f"Error: {notes}: unsupported format" in result.stderr


def test_index_of_a_folder_names_the_files_passed_over(tmp_path, runner, corpus):
    (tmp_path / "notes.odt").write_text("à lire", encoding="utf-8")
    result = runner.invoke(cli, ["index", str(tmp_path), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert f"Passed over {tmp_path / 'notes.odt'}" in result.stderr
    assert "4 added" in result.stdout


def test_index_of_a_folder_without_article_files_says_there_is_nothing_to_index(tmp_path, runner):
    (tmp_path / "vide").mkdir()
    index_dir = tmp_path / "ix"
    result = runner.invoke(cli, ["index", str(tmp_path / "vide"), "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Nothing to index: no article file in the paths given. Index: {index_dir}\n"
    )
    assert result.stderr == f"Checking {tmp_path / 'vide'} …\n"


# search

HIT_KEYS = {
    "id",
    "title",
    "url",
    "published",
    "author",
    "source",
    "section",
    "tags",
    "score",
    "snippet",
    "duplicates",
}


def test_search_json_has_the_api_shape(runner, index_dir):
    payload = search_json(runner, index_dir, "grève")
    assert set(payload) == {
        "query",
        "total",
        "took_ms",
        "page",
        "per_page",
        "syntax_fallback",
        "truncated",
        "suggestion",
        "folded",
        "partial",
        "wildcards_capped",
        "missing_shards",
        "hits",
        "facets",
    }
    assert (payload["query"], payload["total"], payload["page"], payload["per_page"]) == (
        "grève",
        2,
        1,
        10,
    )
    assert payload["syntax_fallback"] is False and payload["truncated"] is False
    assert payload["suggestion"] is None
    assert all(set(hit) == HIT_KEYS for hit in payload["hits"])
    assert all("<mark>grève</mark>" in hit["snippet"] for hit in payload["hits"])


def test_search_json_hit_holds_the_stored_article(runner, index_dir):
    [hit] = search_json(runner, index_dir, "assemblée nationale")["hits"]
    del hit["score"], hit["snippet"]
    assert hit == {
        "id": "retraites-2023",
        "title": "Réforme des retraites : le texte adopté",
        "url": "https://www.lemonde.fr/politique/retraites",
        "published": "2023-03-20T18:00:00",
        "author": "Claire Martin",
        "source": "lemonde.fr",
        "section": "Politique",
        "tags": ["retraites", "Assemblée"],
        "duplicates": [],
    }


def test_search_prints_ranked_titles_as_text(runner, index_dir):
    result = runner.invoke(cli, ["search", "canicule", "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("1 result (")
    assert "1. Canicule dans le Sud-Ouest  [canicule-2022]" in result.stdout
    assert "2022-08-01 · Planète" in result.stdout


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (["retraites", "--section", "Politique"], ["retraites-2023"]),
        (["retraites", "--section", "Société"], ["retraites-2019"]),
        (["--section", "Économie", "--section", "Planète"], ["canicule-2022", "bce-2022"]),
        (["--year", "2022"], ["canicule-2022", "bce-2022"]),
        (["--year", "2019", "--year", "2023"], ["retraites-2023", "retraites-2019"]),
        (["--from", "2022-01-01", "--to", "2022-07-31"], ["bce-2022"]),
        (["--from", "2022-08-01"], ["retraites-2023", "canicule-2022"]),
        (["--to", "2019-12-05"], ["retraites-2019"]),
        (["retraites", "--sort", "recent"], ["retraites-2023", "retraites-2019"]),
        (["retraites", "--sort", "ancien"], ["retraites-2019", "retraites-2023"]),
        (["--sort", "ancien"], ["retraites-2019", "bce-2022", "canicule-2022", "retraites-2023"]),
    ],
)
def test_search_filters_and_sorts(runner, index_dir, args, ids):
    assert search_ids(runner, index_dir, *args) == ids


def test_search_pages_through_results(runner, index_dir):
    args = ("--sort", "recent", "--limit", "3", "--page", "2")
    payload = search_json(runner, index_dir, *args)
    assert (payload["total"], payload["page"], payload["per_page"]) == (4, 2, 3)
    assert [hit["id"] for hit in payload["hits"]] == ["retraites-2019"]


def test_search_with_reversed_dates_fails_with_a_message(runner, index_dir):
    args = ["search", "--from", "2023-01-01", "--to", "2022-01-01", "--index", str(index_dir)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert "ends (2022-01-01) before it starts (2023-01-01)" in result.stderr


def test_search_on_a_missing_index_says_to_run_fouille_index(tmp_path, runner):
    result = runner.invoke(cli, ["search", "retraites", "--index", str(tmp_path / "absent")])
    assert result.exit_code == 1
    assert f"Error: {tmp_path / 'absent'}: no index here" in result.stderr
    assert "fouille index" in result.stderr
    assert not (tmp_path / "absent").exists()


# stats


def test_stats_prints_what_the_index_holds(runner, index_dir):
    result = runner.invoke(cli, ["stats", "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        f"Index:       {index_dir}",
        "Articles:    4",
        "Published:   2019-12-05 to 2023-03-20",
    ]
    assert lines[-1] == "Sections:    Planète (1), Politique (1), Société (1), Économie (1)"


def test_stats_json_lists_documents_dates_and_sections(runner, index_dir):
    result = runner.invoke(cli, ["stats", "--index", str(index_dir), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["size_bytes"] > 0 and payload["last_update"]
    del payload["size_bytes"], payload["last_update"]
    assert payload == {
        "path": str(index_dir),
        "documents": 4,
        "first_published": "2019-12-05T00:00:00",
        "last_published": "2023-03-20T18:00:00",
        "sections": [
            {"value": value, "count": 1}
            for value in ("Planète", "Politique", "Société", "Économie")
        ],
    }


def test_stats_of_an_index_without_dates_says_so(tmp_path, runner):
    undated = write_jsonl(tmp_path / "undated.jsonl", [{"id": "a", "title": "T", "text": "Corps"}])
    assert (
        runner.invoke(cli, ["index", str(undated), "--index", str(tmp_path / "ix")]).exit_code == 0
    )
    result = runner.invoke(cli, ["stats", "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "Published:   no dates" in result.stdout


# delete


def test_delete_removes_the_article(runner, index_dir):
    result = runner.invoke(cli, ["delete", "bce-2022", "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Deleted 1 article.\n"
    assert search_json(runner, index_dir)["total"] == 3


def test_delete_of_an_unknown_id_fails_naming_it(runner, index_dir):
    result = runner.invoke(cli, ["delete", "bce-2022", "inconnu", "--index", str(index_dir)])
    assert result.exit_code == 1
    assert result.stdout == "Deleted 1 article.\n"
    assert result.stderr == "Error: no article has the id inconnu\n"
    assert search_json(runner, index_dir)["total"] == 3


# usage and configuration


@pytest.mark.parametrize(
    "args",
    [["search", "x", "--bogus"], ["index"], ["search", "--sort", "hasard"], ["nimporte"]],
)
def test_usage_error_exits_with_status_2(runner, args):
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert "Usage:" in result.stderr


def test_fouille_index_variable_is_used_when_index_is_absent(runner, index_dir):
    result = runner.invoke(cli, ["stats", "--json"], env={"FOUILLE_INDEX": str(index_dir)})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["path"] == str(index_dir)


def test_fouille_index_variable_set_in_the_environment_is_used(
    tmp_path, monkeypatch, runner, index_dir
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FOUILLE_INDEX", str(index_dir))
    result = runner.invoke(cli, ["search", "canicule", "--json"])
    assert result.exit_code == 0, result.output
    assert [hit["id"] for hit in json.loads(result.stdout)["hits"]] == ["canicule-2022"]


def test_index_option_overrides_the_variable(tmp_path, runner, index_dir):
    env = {"FOUILLE_INDEX": str(tmp_path / "absent")}
    result = runner.invoke(cli, ["stats", "--json", "--index", str(index_dir)], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["documents"] == 4


# the installed console script


def test_console_script_indexes_then_searches(tmp_path, corpus):
    index_dir = tmp_path / "ix"
    indexed = run_fouille("index", str(corpus), "--index", str(index_dir))
    assert indexed.returncode == 0, indexed.stderr
    assert "4 added, 0 updated, 0 unchanged." in indexed.stdout
    again = run_fouille("index", str(corpus), "--index", str(index_dir))
    assert again.stdout.startswith("Nothing to index: 4 articles from 1 file, unchanged")
    found = run_fouille("search", "grève", "--json", env={"FOUILLE_INDEX": str(index_dir)})
    assert found.returncode == 0, found.stderr
    payload = json.loads(found.stdout)
    assert sorted(hit["id"] for hit in payload["hits"]) == ["retraites-2019", "retraites-2023"]


def test_console_script_refuses_a_bad_file_with_status_1(tmp_path):
    bad = write_jsonl(tmp_path / "bad.jsonl", [CORPUS[0], {"id": "x", "title": ["a", "b"]}])
    result = run_fouille("index", str(bad), "--index", str(tmp_path / "ix"))
    assert result.returncode == 1
    assert f"{bad}, line 2, field 'title': expected text, found list" in result.stderr
    assert "nothing was written" in result.stderr and "--skip-invalid" in result.stderr
    assert "Traceback" not in result.stderr


def test_console_script_usage_error_exits_with_status_2():
    result = run_fouille("search", "--bogus")
    assert result.returncode == 2
    assert "No such option '--bogus'" in result.stderr
