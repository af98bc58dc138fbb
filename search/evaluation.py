"""Measure ranking quality on a relevance test folder, through the site's own query path.

A folder in the BEIR layout holds ``corpus.jsonl`` (or ``corpus.jsonl.gz``), ``queries.jsonl``
and ``qrels/test.tsv``. :func:`load_eval_set` reads and checks it; :func:`evaluate` indexes the
corpus in a temporary folder with :func:`~search.indexing.build_index`, ranks every judged query
with :meth:`Archive.rank_ids <search.archive.Archive.rank_ids>` (the ranking readers get) and
scores the run with the ``ir-measures`` package.
"""

from __future__ import annotations

import functools
import gzip
import json
import multiprocessing
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from urllib.parse import quote

import ir_measures
from ir_measures import RR, NumQ, R, nDCG
from tqdm import tqdm
from whoosh import query as wq

from .archive import Archive
from .errors import FouilleError
from .models import Article
from .ranking.query import parse_query
from .store.indexing import build_index
from .store.topics import update_topics

MEASURES = {"nDCG@10": nDCG @ 10, "MRR@10": RR @ 10, "R@100": R @ 100}
QRELS_HEADER = ["query-id", "corpus-id", "score"]
LAYOUT = "corpus.jsonl[.gz], queries.jsonl and qrels/test.tsv"
# What a run file's id may not hold as itself: white space splits TREC columns.
_RUN_UNSAFE = re.compile(r"[\s%]")

# The ids of each query's ranked documents, best first.
Run = dict[str, list[str]]
Progress = Callable[[int], None]
# Called as tqdm is, with desc, total and unit; its value's update(n) counts progress.
ProgressBar = Callable[..., AbstractContextManager]


class EvalSetError(FouilleError):
    """A relevance test folder lacks a file or holds a line that cannot be read."""


@dataclass
class EvalSet:
    """A test collection: its documents, its judged queries and their judgments."""

    name: str
    articles: list[Article]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]


@dataclass
class EvalReport:
    """What an evaluation measured; empty queries (no searchable word) return nothing."""

    name: str
    documents: int
    queries: int
    empty_queries: int
    top: int
    metrics: dict[str, float]
    index_seconds: float
    query_seconds: float


def load_eval_set(folder: Path | str, limit_queries: int | None = None) -> EvalSet:
    """Read and check a BEIR-layout folder; keep its first limit_queries judged queries.

    :raises EvalSetError: naming the file and line, for anything missing or unreadable.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise EvalSetError(f"{folder}: no such folder; give a folder holding {LAYOUT}")
    articles = list(_read_corpus(_file(folder, "corpus.jsonl", "corpus.jsonl.gz")))
    queries = _read_queries(_file(folder, "queries.jsonl"))
    qrels_path = _file(folder, "qrels/test.tsv")
    qrels = _read_qrels(qrels_path, queries, {a.id for a in articles})
    judged = {qid: text for qid, text in queries.items() if qid in qrels}
    if not judged:
        raise EvalSetError(f"{qrels_path}: no query has a judgment; add rows below the header")
    judged = dict(islice(judged.items(), limit_queries))
    return EvalSet(folder.resolve().name, articles, judged, {q: qrels[q] for q in judged})


def evaluate(
    eval_set: EvalSet,
    *,
    top: int = 100,
    workers: int | None = None,
    run_file: Path | None = None,
    progress_bar: ProgressBar | None = None,
) -> EvalReport:
    """Index the set's documents in a temporary folder, rank its queries and score the run."""
    bar = progress_bar or functools.partial(tqdm, disable=True)
    queries = eval_set.queries
    with tempfile.TemporaryDirectory(prefix="fouille-eval-") as index_dir:
        started = time.perf_counter()
        with bar(desc="Indexing", total=len(eval_set.articles), unit=" docs") as indexing:
            documents = build_index(Path(index_dir), eval_set.articles, progress=indexing.update)
        # The topic space is part of the ranking: fitted as fouille index fits it.
        with bar(desc="Topics", total=1, unit=" space") as fitting:
            update_topics(index_dir)
            fitting.update(1)
        indexed = time.perf_counter()
        with bar(desc="Querying", total=len(queries), unit=" queries") as querying:
            run = rank_queries(index_dir, queries, top, workers, querying.update)
        queried = time.perf_counter()
    if run_file is not None:
        write_run(run_file, run)
    return EvalReport(
        name=eval_set.name,
        documents=documents,
        queries=len(queries),
        empty_queries=sum(1 for text in queries.values() if not is_searchable(text)),
        top=top,
        metrics=score_run(eval_set.qrels, run),
        index_seconds=round(indexed - started, 2),
        query_seconds=round(queried - indexed, 2),
    )


def is_searchable(text: str) -> bool:
    """Return whether a query holds a word to search (not only stopwords or punctuation)."""
    # A blank query lists every article on the site; in a test set it finds nothing.
    return parse_query(text).query not in (None, wq.NullQuery)


def rank_queries(
    index_dir: Path | str,
    queries: dict[str, str],
    top: int = 100,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Run:
    """Rank each searchable query as the site does, in worker processes when workers > 1."""
    tasks = [(qid, text, top) for qid, text in queries.items() if is_searchable(text)]
    if progress:
        progress(len(queries) - len(tasks))
    workers = min(workers or os.cpu_count() or 1, len(tasks))
    if workers <= 1:
        archive = Archive(index_dir)
        try:
            return _collect((_ranked(archive, *task) for task in tasks), progress)
        finally:
            archive.close()
    # Spawned workers share no lock or thread with this process; each opens the index itself.
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, _open_archive, (str(index_dir),)) as pool:
        run = _collect(pool.imap(_rank_one, tasks, chunksize=8), progress)
        pool.close()
        pool.join()
    return run


def score_run(qrels: dict[str, dict[str, int]], run: Run) -> dict[str, float]:
    """Return nDCG@10, MRR@10, R@100 and NumQ (queries that found something) over every query.

    A judged query absent from the run counts as 0. Scores are derived from ranks because
    ``ir-measures`` orders documents by score, and the site's order is not BM25F's.
    """
    judgments = [ir_measures.Qrel(q, d, s) for q, docs in qrels.items() for d, s in docs.items()]
    scored = [
        ir_measures.ScoredDoc(qid, doc_id, float(len(ids) - rank))
        for qid, ids in run.items()
        for rank, doc_id in enumerate(ids)
    ]
    values = ir_measures.calc_aggregate([*MEASURES.values(), NumQ], judgments, scored)
    metrics = {name: float(values[measure]) for name, measure in MEASURES.items()}
    metrics["NumQ"] = int(values[NumQ])
    return metrics


def write_run(path: Path | str, run: Run) -> None:
    """Write the run in TREC format: ``qid Q0 docid rank score fouille``, score from rank.

    TREC columns are separated by white space, which ids may hold (PIAF's do): ids are
    written percent-encoded (``run_id``), so that every line has its six columns.
    """
    with open(path, "w", encoding="utf-8") as out:
        for qid, ids in run.items():
            for rank, doc_id in enumerate(ids, 1):
                out.write(
                    f"{run_id(qid)} Q0 {run_id(doc_id)} {rank} {len(ids) - rank + 1} fouille\n"
                )


def run_id(identifier: str) -> str:
    """Return an id as a run file writes it: white space and ``%`` percent-encoded.

    ``urllib.parse.unquote`` gives the id back.

    >>> run_id("Napoléon Bonaparte 3"), run_id("100%")
    ('Napoléon%20Bonaparte%203', '100%25')
    """
    return _RUN_UNSAFE.sub(lambda found: quote(found.group(), safe=""), identifier)


_archive: Archive | None = None


def _open_archive(index_dir: Path | str) -> None:
    global _archive
    _archive = Archive(index_dir)


def _rank_one(task: tuple[str, str, int]) -> tuple[str, list[str]]:
    return _ranked(_archive, *task)


def _ranked(archive: Archive, qid: str, text: str, top: int) -> tuple[str, list[str]]:
    return qid, [doc_id for doc_id, _ in archive.rank_ids(text, top)]


def _collect(ranked: Iterator[tuple[str, list[str]]], progress: Progress | None) -> Run:
    run = {}
    for qid, ids in ranked:
        if ids:
            run[qid] = ids
        if progress:
            progress(1)
    return run


def _file(folder: Path, *names: str) -> Path:
    for name in names:
        if (folder / name).is_file():
            return folder / name
    raise EvalSetError(f"{folder / names[0]}: no such file; a test folder holds {LAYOUT}")


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                yield number, _json_object(f"{path}, line {number}", line)


def _json_object(where: str, line: str) -> dict:
    try:
        record = json.loads(line.strip())
    except json.JSONDecodeError as error:
        raise EvalSetError(
            f"{where}: invalid JSON at column {error.colno}; write one object a line"
        ) from None
    if not isinstance(record, dict):
        raise EvalSetError(f"{where}: not a JSON object; write one object a line")
    return record


def _text(path: Path, number: int, record: dict, name: str, default: str | None = None) -> str:
    value = record.get(name, default)
    if not isinstance(value, str):
        raise EvalSetError(f"{path}, line {number}: field {name!r} is missing or not a string")
    return value


def _read_corpus(path: Path) -> Iterator[Article]:
    seen = set()
    for number, record in _read_jsonl(path):
        doc_id = _text(path, number, record, "_id")
        if doc_id in seen:
            raise EvalSetError(f"{path}, line {number}: document {doc_id!r} appears twice")
        seen.add(doc_id)
        title = _text(path, number, record, "title", "")
        yield Article(id=doc_id, title=title, body=_text(path, number, record, "text", ""))


def _read_queries(path: Path) -> dict[str, str]:
    queries = {}
    for number, record in _read_jsonl(path):
        qid = _text(path, number, record, "_id")
        if qid in queries:
            raise EvalSetError(f"{path}, line {number}: query {qid!r} appears twice")
        queries[qid] = _text(path, number, record, "text")
    return queries


def _read_qrels(path: Path, queries: dict, doc_ids: set) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8") as lines:
        if _columns(next(lines, "")) != QRELS_HEADER:
            raise EvalSetError(
                f"{path}, line 1: expected the header 'query-id<TAB>corpus-id<TAB>score'; "
                "add it as the first line"
            )
        for number, line in enumerate(lines, 2):
            if line.strip():
                qid, doc_id, score = _qrel(path, number, line, queries, doc_ids)
                qrels.setdefault(qid, {})[doc_id] = score
    return qrels


def _qrel(path: Path, number: int, line: str, queries: dict, doc_ids: set):
    where = f"{path}, line {number}"
    columns = _columns(line)
    if len(columns) != 3:
        raise EvalSetError(f"{where}: expected query-id, corpus-id and score, tab-separated")
    qid, doc_id, score = columns
    if qid not in queries:
        raise EvalSetError(
            f"{where}: query {qid!r} is not in queries.jsonl; add it or drop the row"
        )
    if doc_id not in doc_ids:
        raise EvalSetError(
            f"{where}: no document {doc_id!r} in the corpus; add it or drop the row"
        )
    if not score.lstrip("-").isdigit():
        raise EvalSetError(f"{where}: score {score!r} is not an integer (1 = relevant)")
    return qid, doc_id, int(score)


def _columns(line: str) -> list[str]:
    # Ids may hold spaces ("piaf-v1:Jakob Böhme:0"): only tabs separate columns.
    return [column.strip() for column in line.rstrip("\r\n").split("\t")]
