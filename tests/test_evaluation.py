"""``fouille eval``: a BEIR folder read, indexed and ranked as the site ranks, scored by hand."""

from __future__ import annotations

import inspect
import json
import math
from pathlib import Path
from urllib.parse import unquote

import ir_measures
import pytest
from click.testing import CliRunner

import search.archive
import search.views.querying
from conftest import SHARED, write_jsonl
from search import EvalSetError, evaluate, load_eval_set, rank_queries
from search.cli import cli
from search.models import Sort

DOCUMENTS = [
    {"_id": "velo-ville", "title": "Le vélo en ville", "text": "Les Parisiens roulent à vélo."},
    {
        "_id": "velo-electrique",
        "title": "Vélo électrique : le guide",
        "text": "Choisir un vélo électrique pour aller au travail.",
    },
    {"_id": "jardins", "title": "Les jardins partagés", "text": "Un jardin partagé nourrit."},
    {"_id": "peche", "title": "La pêche en rivière", "text": "Pêcher la truite demande du temps."},
    {"_id": "marche", "title": "Le marché du samedi", "text": "Fromages et légumes frais."},
]
QUERIES = [
    {"_id": "q-jardin", "text": "jardin partagé"},
    {"_id": "q-velo", "text": "vélo électrique"},
    {"_id": "q-ciel", "text": "astronomie"},
    {"_id": "q-unjudged", "text": "pêche"},
]
# q-jardin: only "jardins" holds the words: rank 1 → RR 1, nDCG 1, recall 1.
# q-velo: "velo-electrique" holds both words and comes first; the judged "velo-ville" holds
#   one of two, so comes 2nd → RR 1/2, nDCG 1/log2(3) ≈ 0.631 (ideal DCG is 1), recall 1.
# q-ciel: no document holds the word → 0 everywhere, and no result (NumQ counts 2 queries).
# q-unjudged has no judgment: it is not run and not counted.
QRELS = [("q-jardin", "jardins", 1), ("q-velo", "velo-ville", 1), ("q-ciel", "marche", 1)]
EXPECTED = {
    "nDCG@10": (1 + 1 / math.log2(3) + 0) / 3,
    "MRR@10": (1 + 1 / 2 + 0) / 3,
    "R@100": (1 + 1 + 0) / 3,
    "NumQ": 2,
}


def write_set(folder: Path, documents=DOCUMENTS, queries=QUERIES, qrels=QRELS) -> Path:
    """Write a BEIR-layout folder; qrels rows are tuples or raw lines."""
    write_jsonl(folder / "corpus.jsonl", documents)
    write_jsonl(folder / "queries.jsonl", queries)
    rows = ["query-id\tcorpus-id\tscore"]
    rows += [row if isinstance(row, str) else "\t".join(map(str, row)) for row in qrels]
    (folder / "qrels").mkdir(exist_ok=True)
    (folder / "qrels" / "test.tsv").write_text("\n".join(rows) + "\n", "utf-8")
    return folder


@pytest.fixture
def beir(tmp_path) -> Path:
    return write_set(tmp_path / "petit-jeu")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_metrics_match_hand_computed_values(beir):
    eval_set = load_eval_set(beir)
    report = evaluate(eval_set, workers=1)
    assert (report.name, report.documents, report.queries, report.empty_queries) == (
        "petit-jeu",
        5,
        3,
        0,
    )
    assert report.metrics == pytest.approx(EXPECTED)


def test_gzipped_corpus_reads_like_plain(beir):
    write_jsonl(beir / "corpus.jsonl.gz", DOCUMENTS)
    (beir / "corpus.jsonl").unlink()
    assert evaluate(load_eval_set(beir), workers=1).metrics == pytest.approx(EXPECTED)


def test_worker_processes_rank_as_one_process(beir):
    eval_set = load_eval_set(beir)
    assert evaluate(eval_set, workers=2).metrics == pytest.approx(EXPECTED)


def test_limit_queries_keeps_the_first_judged_ones(beir):
    eval_set = load_eval_set(beir, limit_queries=2)
    assert list(eval_set.queries) == ["q-jardin", "q-velo"]
    assert set(eval_set.qrels) == {"q-jardin", "q-velo"}


# With --top 1, q-velo's relevant document (2nd) is cut: only q-jardin scores.
ONLY_FIRST = {"nDCG@10": 1 / 3, "MRR@10": 1 / 3, "R@100": 1 / 3, "NumQ": 2}


@pytest.mark.parametrize(("top", "metrics"), [(100, EXPECTED), (1, ONLY_FIRST)])
def test_cli_json_report(beir, runner, top, metrics):
    args = ["eval", str(beir), "--json", "--top", str(top), "--workers", "1"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report.pop("index_seconds") >= 0 and report.pop("query_seconds") >= 0
    assert report == {
        "name": "petit-jeu",
        "documents": 5,
        "queries": 3,
        "empty_queries": 0,
        "top": top,
        "metrics": pytest.approx(metrics),
    }
    assert "Indexing" in result.stderr and "Querying" in result.stderr


def test_cli_table(beir, runner):
    result = runner.invoke(cli, ["eval", str(beir), "--workers", "1"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "petit-jeu: 5 documents, top 100",
        "  nDCG@10  0.544",
        "  MRR@10   0.500",
        "  R@100    0.667",
    ]
    assert lines[4] == "  queries  3 (2 found something, 0 without a searchable word)"


def test_run_file_lists_each_hit_in_trec_format(beir, runner, tmp_path):
    run = tmp_path / "fouille.run"
    result = runner.invoke(cli, ["eval", str(beir), "--run", str(run), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert run.read_text("utf-8") == (
        "q-jardin Q0 jardins 1 1 fouille\n"
        "q-velo Q0 velo-electrique 1 2 fouille\n"
        "q-velo Q0 velo-ville 2 1 fouille\n"
    )


def test_run_file_with_spaces_in_ids_reads_back_with_ir_measures(tmp_path, runner):
    # PIAF's ids hold spaces; TREC columns are split on white space.
    documents = [dict(d, _id=f"{d['_id']} n° 1") for d in DOCUMENTS]
    qrels = [(q, f"{d} n° 1", s) for q, d, s in QRELS]
    folder = write_set(tmp_path / "espaces", documents=documents, qrels=qrels)
    run = tmp_path / "fouille.run"
    result = runner.invoke(cli, ["eval", str(folder), "--run", str(run), "--workers", "1"])
    assert result.exit_code == 0, result.output
    read = [(unquote(d.query_id), unquote(d.doc_id)) for d in ir_measures.read_trec_run(str(run))]
    assert read == [
        ("q-jardin", "jardins n° 1"),
        ("q-velo", "velo-electrique n° 1"),
        ("q-velo", "velo-ville n° 1"),
    ]


@pytest.mark.parametrize("text", ["", "   ", "le la les ?"])
def test_query_without_searchable_word_returns_nothing_and_is_counted(tmp_path, text):
    queries = [*QUERIES, {"_id": "q-vide", "text": text}]
    folder = write_set(tmp_path, queries=queries, qrels=[*QRELS, ("q-vide", "peche", 1)])
    report = evaluate(load_eval_set(folder), workers=1)
    assert (report.queries, report.empty_queries) == (4, 1)
    assert report.metrics["MRR@10"] == pytest.approx((1 + 1 / 2) / 4)
    assert report.metrics["NumQ"] == 2


@pytest.mark.parametrize(
    ("remove", "message"),
    [
        ("corpus.jsonl", "corpus.jsonl: no such file"),
        ("queries.jsonl", "queries.jsonl: no such file"),
        ("qrels/test.tsv", "test.tsv: no such file"),
    ],
)
def test_missing_file_is_named(beir, runner, remove, message):
    (beir / remove).unlink()
    result = runner.invoke(cli, ["eval", str(beir)])
    assert result.exit_code == 1
    assert message in result.stderr
    assert "corpus.jsonl[.gz], queries.jsonl and qrels/test.tsv" in result.stderr


def test_missing_folder_is_named(tmp_path, runner):
    result = runner.invoke(cli, ["eval", str(tmp_path / "absent")])
    assert result.exit_code == 1
    assert f"Error: {tmp_path / 'absent'}: no such folder" in result.stderr


QRELS_FILE = "qrels/test.tsv"


@pytest.mark.parametrize(
    ("qrels", "message"),
    [
        (
            [*QRELS, ("q-velo", "velo-inconnu", 1)],
            f"{QRELS_FILE}, line 5: no document 'velo-inconnu' in the corpus",
        ),
        (
            [("q-absente", "jardins", 1)],
            f"{QRELS_FILE}, line 2: query 'q-absente' is not in queries.jsonl",
        ),
        (
            [("q-velo", "velo-ville", "oui")],
            f"{QRELS_FILE}, line 2: score 'oui' is not an integer",
        ),
        (["q-velo velo-ville 1"], f"{QRELS_FILE}, line 2: expected query-id, corpus-id and score"),
        ([], f"{QRELS_FILE}: no query has a judgment"),
    ],
)
def test_bad_qrels_row_is_named(tmp_path, runner, qrels, message):
    folder = write_set(tmp_path, qrels=qrels)
    result = runner.invoke(cli, ["eval", str(folder)])
    assert result.exit_code == 1
    assert f"Error: {folder}/{message}" in result.stderr


def test_qrels_without_header_is_named(beir):
    (beir / QRELS_FILE).write_text("q-jardin\tjardins\t1\n", "utf-8")
    with pytest.raises(EvalSetError, match=r"test.tsv, line 1: expected the header"):
        load_eval_set(beir)


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        (
            "corpus.jsonl",
            '{"_id": "x", "title": "coupé',
            "line 6: invalid JSON at column 23",
        ),
        ("queries.jsonl", '["q-liste"]', "line 5: not a JSON object"),
        ("queries.jsonl", '{"text": "sans id"}', "line 5: field '_id' is missing or not a string"),
        ("corpus.jsonl", '{"_id": "jardins"}', "line 6: document 'jardins' appears twice"),
    ],
)
def test_bad_json_line_is_named(beir, runner, name, line, message):
    with open(beir / name, "a", encoding="utf-8") as out:
        out.write(line + "\n")
    result = runner.invoke(cli, ["eval", str(beir)])
    assert result.exit_code == 1
    assert f"Error: {beir / name}, {message}" in result.stderr


QUESTIONS = [
    "réforme des retraites",
    "cybersécurité des hôpitaux",
    "cyber-sécurité",
    "Quel été a été le plus chaud ?",
    "retraites -chômage",
    "le la les",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_eval_ranking_is_the_site_ranking(archive, question):
    page = archive.search_articles(question, per_page=10)
    assert [doc_id for doc_id, _ in archive.rank_ids(question, 10)] == [h.id for h in page.hits]


def test_eval_and_site_call_the_same_rank_function_with_the_same_settings(
    index_dir, archive, monkeypatch
):
    original = search.views.querying.rank
    assert search.archive.rank is original
    calls = []

    def recording(*args, **options):
        bound = inspect.signature(original).bind(*args, **options)
        bound.apply_defaults()
        parsed = bound.arguments["parsed"]
        settings = {k: bound.arguments[k] for k in ("allowed", "sort")}
        calls.append((repr(parsed.query), parsed.groups, settings))
        return original(*args, **options)

    monkeypatch.setattr(search.archive, "rank", recording)
    monkeypatch.setattr(search.views.querying, "rank", recording)
    rank_queries(index_dir, {"q": "réforme des retraites"}, top=10, workers=1)
    archive.search_articles("réforme des retraites")
    eval_call, site_call = calls
    assert eval_call == site_call
    assert eval_call[2] == {"allowed": None, "sort": Sort.RELEVANCE}


PIAF = SHARED / "eval" / "piaf-dev"


@pytest.mark.skipif(not PIAF.is_dir(), reason=f"the PIAF dev set is not at {PIAF}")
def test_piaf_subset_scores_in_the_expected_range():
    # 200 of 3,779 questions: about 10 s here, still enough to catch a broken pipeline.
    report = evaluate(load_eval_set(PIAF, limit_queries=200), workers=2)
    assert (report.documents, report.queries) == (1518, 200)
    assert 0.6 < report.metrics["nDCG@10"] <= 1
    assert 0.85 < report.metrics["R@100"] <= 1
