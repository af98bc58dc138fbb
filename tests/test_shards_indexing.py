"""An index split into shards: every article in the shard its id names, kept in step as one
index is, with duplicates, topics and definitions shared by the shards; written in this
process or by Ray actors on a real local cluster."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import ROOT, write_jsonl
from search.cli import cli
from search.cluster.layout import read_shards, shard_of, shard_paths
from search.cluster.shard_writer import ShardWriter
from search.store import topics as topic_space
from search.store.clustering import SIDECAR as DUPLICATES
from search.store.clustering import live_fingerprints
from search.store.definitions import SIDECAR as DEFINITIONS
from search.store.index import open_index
from search.store.topics import load_topics
from web import create_app

DATA = ROOT / "data"
FOUILLE = Path(sys.executable).with_name("fouille")


def index(*args: str | Path) -> str:
    """Run fouille index in this process; return what it printed, failing on an error."""
    result = CliRunner().invoke(cli, ["index", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result.output


def stored(folder: Path) -> dict[str, dict]:
    """Return the stored fields of every live article of an index, by id."""
    with open_index(folder).searcher() as searcher:
        return {fields["id"]: fields for fields in searcher.all_stored_fields()}


def fingerprints(folder: Path) -> list[str]:
    """Return the fingerprints of the live articles of an index."""
    with open_index(folder).searcher() as searcher:
        return list(live_fingerprints(searcher.reader()))


def shards_of(index_dir: Path) -> list[dict[str, dict]]:
    """Return the stored articles of each shard of a sharded index, in shard order."""
    return [stored(folder) for folder in shard_paths(index_dir, read_shards(index_dir))]


def held_once(index_dir: Path) -> dict[str, int]:
    """Return the shard of each article, checking that no article is in two."""
    found: dict[str, int] = {}
    for number, articles in enumerate(shards_of(index_dir)):
        for article_id in articles:
            assert article_id not in found, (
                f"{article_id} is in shards {found[article_id]}, {number}"
            )
            found[article_id] = number
    return found


@pytest.fixture
def folder(tmp_path) -> Path:
    """A copy of the sample data, to change between runs."""
    return Path(shutil.copytree(DATA, tmp_path / "data"))


def test_every_article_lands_in_exactly_one_shard_the_one_its_id_names(tmp_path):
    output = index("--shards", "4", "--index", tmp_path / "ix", DATA)
    where = held_once(tmp_path / "ix")
    assert len(where) == 72
    assert all(shard == shard_of(article_id, 4) for article_id, shard in where.items())
    counts = [sum(shard == n for shard in where.values()) for n in range(4)]
    assert f"Shards: 4 (shard-00: {counts[0]}, shard-01: {counts[1]}" in output
    assert "Indexed 72 articles from 2 files" in output


def test_shards_together_hold_what_one_index_holds(tmp_path):
    index("--index", tmp_path / "one", DATA)
    index("--shards", "3", "--index", tmp_path / "ix", DATA)
    together = {i: fields for shard in shards_of(tmp_path / "ix") for i, fields in shard.items()}
    assert together == stored(tmp_path / "one")


def test_definitions_are_merged_over_the_shards_and_written_in_each(tmp_path):
    index("--index", tmp_path / "one", DATA)
    index("--shards", "4", "--index", tmp_path / "ix", DATA)
    expected = json.loads((tmp_path / "one" / DEFINITIONS).read_text("utf-8"))
    assert expected["acronyms"]
    for shard in shard_paths(tmp_path / "ix", 4):
        assert json.loads((shard / DEFINITIONS).read_text("utf-8")) == expected


def test_incremental_runs_change_articles_in_their_shard_only(tmp_path, folder):
    ix = tmp_path / "ix"
    index("--shards", "4", "--index", ix, folder)
    lines = (folder / "articles.jsonl").read_text("utf-8").splitlines()
    changed = json.loads(lines[0])
    changed["title"] = "Un titre tout neuf"
    (folder / "articles.jsonl").write_text(
        "\n".join([json.dumps(changed, ensure_ascii=False), *lines[1:]]) + "\n", "utf-8"
    )
    new = [{"id": f"neuf-{n}", "title": f"Article neuf {n}", "text": "Texte."} for n in range(5)]
    write_jsonl(folder / "neufs.jsonl", new)
    output = index("--index", ix, folder)
    assert "5 added, 1 updated, 71 unchanged" in output
    assert "1 file unchanged since the last run, not read again (8 articles)." in output
    where = held_once(ix)
    assert all(where[f"neuf-{n}"] == shard_of(f"neuf-{n}", 4) for n in range(5))
    assert shards_of(ix)[where[changed["id"]]][changed["id"]]["title"] == "Un titre tout neuf"
    (folder / "breves.csv").unlink()
    output = index("--prune", "--index", ix, folder)
    assert "Pruned 8 articles of 1 file gone from the folders given." in output
    assert len(held_once(ix)) == 72 + 5 - 8


def test_article_moved_to_another_file_stays_in_its_one_shard(tmp_path, folder):
    ix = tmp_path / "ix"
    index("--shards", "4", "--index", ix, folder)
    lines = (folder / "articles.jsonl").read_text("utf-8").splitlines()
    (folder / "articles.jsonl").write_text("\n".join(lines[1:]) + "\n", "utf-8")
    (folder / "moved.jsonl").write_text(lines[0] + "\n", "utf-8")
    index("--index", ix, folder)
    assert len(held_once(ix)) == 72


def test_run_stopped_between_two_shards_commits_is_completed_by_the_next(tmp_path, monkeypatch):
    commit, calls = ShardWriter.commit, []

    def fail_on_the_sixth(writer):
        calls.append(writer.folder.name)
        if len(calls) == 6:  # the second commit of every shard: shards 0 and 1 have it
            raise KeyboardInterrupt
        commit(writer)

    monkeypatch.setattr(ShardWriter, "commit", fail_on_the_sixth)
    ix = tmp_path / "ix"
    stopped = CliRunner().invoke(
        cli, ["index", "--shards", "4", "--batch-size", "20", "--index", str(ix), str(DATA)]
    )
    assert stopped.exit_code != 0 and 0 < len(held_once(ix)) < 72
    monkeypatch.undo()
    output = index("--index", ix, DATA)
    assert "72 articles from 2 files" in output
    assert len(held_once(ix)) == 72
    assert "Nothing to index" in index("--index", ix, DATA)


def test_another_shard_count_is_refused_until_rebuild_splits_again(tmp_path):
    ix = tmp_path / "ix"
    index("--shards", "4", "--index", ix, DATA)
    result = CliRunner().invoke(cli, ["index", "--shards", "2", "--index", str(ix), str(DATA)])
    assert result.exit_code == 1
    assert "split into 4 shards, not 2" in result.output
    assert "fouille index --rebuild --shards 2 PATH" in result.output
    index("--rebuild", "--shards", "2", "--index", ix, DATA)
    assert read_shards(ix) == 2
    assert sorted(p.name for p in ix.glob("shard-*")) == ["shard-00", "shard-01"]
    assert all(shard == shard_of(i, 2) for i, shard in held_once(ix).items())


def test_one_index_is_split_into_shards_only_by_a_rebuild(tmp_path):
    ix = tmp_path / "ix"
    index("--index", ix, DATA)
    result = CliRunner().invoke(cli, ["index", "--shards", "2", "--index", str(ix), str(DATA)])
    assert result.exit_code == 1
    assert "this is one index, not split into shards" in result.output
    index("--rebuild", "--shards", "2", "--index", ix, DATA)
    assert len(held_once(ix)) == 72
    assert not list(ix.glob("*.fsd")) and not list(ix.glob("_MAIN_*"))


def test_invalid_record_is_reported_as_for_one_index_and_nothing_is_lost(tmp_path, folder):
    ix = tmp_path / "ix"
    index("--shards", "4", "--index", ix, folder)
    (folder / "bad.jsonl").write_text(
        '{"id": "x", "title": "T", "text": "Texte.", "published": "hier"}\n'
    )
    one = CliRunner().invoke(cli, ["index", "--index", str(tmp_path / "one"), str(folder)])
    sharded = CliRunner().invoke(cli, ["index", "--index", str(ix), str(folder)])
    assert sharded.exit_code == one.exit_code == 1
    assert "bad.jsonl, line 1, field 'published'" in sharded.output
    assert sharded.output.replace(str(ix), "IX") == one.output.replace(str(tmp_path / "one"), "IX")
    assert len(held_once(ix)) == 72


def copies_in_two_shards(shards: int) -> list[dict]:
    """Return two copies of one dispatch whose ids the hash puts in different shards."""
    body = (
        "Le conseil municipal a voté mardi soir le budget de la commune pour l'année prochaine "
        "après un débat de plus de trois heures sur le financement de la nouvelle piscine et "
        "sur la rénovation des écoles du centre ville."
    )
    ids = [f"copie-{n}" for n in range(50)]
    first = ids[0]
    second = next(i for i in ids if shard_of(i, shards) != shard_of(first, shards))
    return [
        {"id": first, "title": "Le budget voté", "text": body, "published": "2024-03-01"},
        {"id": second, "title": "Budget : c'est voté", "text": body, "published": "2024-03-02"},
    ]


def test_copies_in_two_shards_are_one_cluster_in_every_shard(tmp_path, folder):
    copies = copies_in_two_shards(4)
    write_jsonl(folder / "copies.jsonl", copies)
    ix = tmp_path / "ix"
    output = index("--shards", "4", "--index", ix, folder)
    assert "Duplicates: 2 articles in 1 cluster" in output
    records = [(shard / DUPLICATES).read_bytes() for shard in shard_paths(ix, 4)]
    assert len(set(records)) == 1
    assert json.loads(records[0])["clusters"] == [[copies[0]["id"], copies[1]["id"]]]
    where = held_once(ix)
    assert where[copies[0]["id"]] != where[copies[1]["id"]]


def test_delete_removes_an_article_from_its_shard_and_the_shared_record(tmp_path, folder):
    copies = copies_in_two_shards(4)
    write_jsonl(folder / "copies.jsonl", copies)
    ix = tmp_path / "ix"
    index("--shards", "4", "--index", ix, folder)
    result = CliRunner().invoke(cli, ["delete", "--index", str(ix), copies[1]["id"], "nul"])
    assert "Deleted 1 article." in result.output
    assert "no article has the id nul" in result.output
    assert copies[1]["id"] not in held_once(ix) and len(held_once(ix)) == 73
    for shard in shard_paths(ix, 4):
        assert json.loads((shard / DUPLICATES).read_bytes())["clusters"] == []
    # As in one index, it stays deleted until its file changes.
    assert "Nothing to index: 73 articles from 3 files" in index("--index", ix, folder)
    assert copies[1]["id"] not in held_once(ix)


SPORT = "match stade équipe buteur entraîneur supporters championnat joueur arbitre vestiaire"
MONEY = "bourse action banque taux inflation marché investisseur crédit dividende épargne"


def topical(count: int) -> list[dict]:
    """Return count articles alternating between sport and finance, drawn with a fixed seed."""
    draw = random.Random(7)
    return [
        {
            "id": f"t{n}",
            "title": " ".join(draw.sample((SPORT if n % 2 else MONEY).split(), 3)),
            "text": " ".join(draw.choices((SPORT if n % 2 else MONEY).split(), k=30)),
            "published": "2024-01-01",
        }
        for n in range(count)
    ]


def test_one_topic_space_spans_the_shards(tmp_path, monkeypatch):
    monkeypatch.setattr(topic_space, "MIN_ARTICLES", 20)
    monkeypatch.setattr(topic_space, "DIMENSIONS", 2)
    source = write_jsonl(tmp_path / "topical.jsonl", topical(60))
    ix = tmp_path / "ix"
    assert "Topics: fitted on 60 articles" in index("--shards", "3", "--index", ix, source)
    spaces = [load_topics(shard) for shard in shard_paths(ix, 3)]
    for space, shard in zip(spaces, shard_paths(ix, 3), strict=True):
        assert space.vocabulary == spaces[0].vocabulary and space.fitted == 60
        assert np.array_equal(space.basis, spaces[0].basis)
        assert sorted(space.fingerprints.astype(str)) == sorted(fingerprints(shard))
    more = write_jsonl(tmp_path / "more.jsonl", [dict(a, id=f"u{a['id']}") for a in topical(4)])
    output = index("--index", ix, source, more)
    assert "Topics: 4 new articles folded in" in output


def test_stats_gives_the_total_and_each_shard(tmp_path):
    index("--shards", "2", "--index", tmp_path / "ix", DATA)
    where = held_once(tmp_path / "ix")
    counts = [sum(shard == n for shard in where.values()) for n in range(2)]
    result = CliRunner().invoke(cli, ["stats", "--index", str(tmp_path / "ix")])
    assert "Articles:    72\n" in result.output
    assert f"Shards:      2 (shard-00: {counts[0]}, shard-01: {counts[1]})" in result.output
    result = CliRunner().invoke(cli, ["stats", "--json", "--index", str(tmp_path / "ix")])
    payload = json.loads(result.output)
    assert payload["documents"] == 72
    assert [s["documents"] for s in payload["shards"]] == counts


def run_fouille(*args: str | Path) -> subprocess.CompletedProcess:
    """Run the fouille command in a process of its own."""
    return subprocess.run(
        [FOUILLE, *map(str, args)], capture_output=True, text=True, timeout=300, check=False
    )


def test_cluster_local_writes_the_same_shards_as_this_process(tmp_path, folder):
    pytest.importorskip("ray", reason="--cluster needs the cluster extra (Ray)")
    write_jsonl(folder / "copies.jsonl", copies_in_two_shards(3))
    index("--shards", "3", "--index", tmp_path / "here", folder)
    done = run_fouille(
        "index", "--shards", "3", "--cluster", "local", "--index", tmp_path / "ray", folder
    )
    assert done.returncode == 0, done.stderr
    assert "Shards: 3 (" in done.stdout
    assert shards_of(tmp_path / "ray") == shards_of(tmp_path / "here")
    for here, there in zip(
        shard_paths(tmp_path / "here", 3), shard_paths(tmp_path / "ray", 3), strict=True
    ):
        for name in (DUPLICATES, DEFINITIONS):
            assert (here / name).read_bytes() == (there / name).read_bytes()


def test_unreachable_cluster_is_one_clear_error_and_changes_nothing(tmp_path):
    pytest.importorskip("ray", reason="--cluster needs the cluster extra (Ray)")
    done = run_fouille(
        "index", "--shards", "2", "--cluster", "127.0.0.1:1", "--index", tmp_path / "ix", DATA
    )
    assert done.returncode == 1
    assert "Error: cannot reach the Ray cluster at 127.0.0.1:1" in done.stderr
    assert "ray start --head" in done.stderr and "Traceback" not in done.stderr
    assert read_shards(tmp_path / "ix") is None


@pytest.mark.parametrize("split", [[], ["--shards", "2"]])
def test_indexing_without_cluster_never_imports_ray(tmp_path, split):
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from search.cli import cli\n"
        f"args = ['index', *{split!r}, '--index', {str(tmp_path / 'ix')!r}, {str(DATA)!r}]\n"
        "assert CliRunner().invoke(cli, args).exit_code == 0\n"
        "found = CliRunner().invoke(cli, ['search', 'retraites', '--index', args[-2]])\n"
        "assert found.exit_code == 0 and 'retraites' in found.output.lower(), found.output\n"
        "print('ray' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.stdout.strip() == "False", done.stderr


@pytest.mark.parametrize("query", ["retraites", "Comment se protéger du virus ?", "cyber*"])
def test_sharded_index_searched_without_cluster_answers_as_one_index(tmp_path, query):
    index("--index", tmp_path / "one", DATA)
    index("--shards", "3", "--index", tmp_path / "sharded", DATA)
    pages = []
    for name in ("one", "sharded"):
        found = CliRunner().invoke(
            cli, ["search", query, "--json", "--limit", "20", "--index", str(tmp_path / name)]
        )
        assert found.exit_code == 0, found.output
        payload = json.loads(found.output)
        pages.append([(hit["id"], round(hit["score"], 9)) for hit in payload["hits"]])
    assert pages[0] and pages[0] == pages[1]


def test_site_serves_a_sharded_index_without_cluster(tmp_path):
    index("--shards", "2", "--index", tmp_path / "sharded", DATA)
    app = create_app({"INDEX": str(tmp_path / "sharded"), "TESTING": True})
    page = app.test_client().get("/recherche?q=retraites")
    assert page.status_code == 200
    assert "résultat" in page.get_data(as_text=True)
