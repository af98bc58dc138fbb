"""Run the benchmark: indexing, query latency, serving and HTTP load, Fouille and its peers.

Usage: python -m bench.run [--sizes 10000 35987] [--runs 3] [--index-runs 1] [--sample N]
[--http-seconds 10] [--shards N] [--work DIR] [--out docs]. With --shards, Fouille is also
built in N shards by actors on a local Ray cluster and searched through them. Results go to
WORK/results.json, and the tables and the plot to OUT (benchmark-tables.md,
benchmark-scale.png).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import time
from dataclasses import asdict
from pathlib import Path

from .corpus import read_records, write_corpus
from .latency import fouille_engines, p50_p95, peer_engine, sharded_engine, timings
from .load import load, serve
from .measure import directory_mb, run_measured, summary
from .peers import PEERS
from .querysets import filtered_queries, keyword_queries, question_queries
from .report import SHARDED, write_report
from .serving import measure_serving

CORES = os.cpu_count() or 1


def main(argv: list[str] | None = None) -> None:
    """Run every measurement the options ask for and write the report."""
    options = _parser().parse_args(argv)
    started = time.perf_counter()
    records = read_records()
    sets = _query_sets(records, options.sample)
    results = {"sizes": {}, "http": {}, "options": vars(options) | {"work": str(options.work)}}
    for size in options.sizes:
        source = write_corpus(records, size, options.work / f"corpus-{size}.jsonl.gz")
        print(f"== {size:,} documents", file=sys.stderr)
        indexes = _index_all(source, options.work / str(size), options, results, size)
        results["sizes"][size] = results["sizes"].get(size, {}) | {
            "latency": _latency_all(indexes, sets, options.runs),
            # Last at this size: it commits a few articles to the index it measures.
            "serving": _serving(indexes["fouille"], source, sets, options),
        }
    reference = min(options.sizes, key=lambda size: abs(size - 35987))
    results["http"] = _http_all(options.work / str(reference) / "fouille-all", sets, options)
    results["http_size"] = reference
    results["seconds"] = time.perf_counter() - started
    results["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results["cores"] = CORES
    (options.work / "results.json").write_text(json.dumps(results, indent=1, default=str))
    write_report(results, options.out)
    print(f"done in {results['seconds'] / 60:.1f} min", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 35987])
    parser.add_argument("--runs", type=int, default=3, help="runs of each query set")
    parser.add_argument("--index-runs", type=int, default=1, help="runs of each index build")
    parser.add_argument("--sample", type=int, default=0, help="first N queries of each set")
    parser.add_argument("--http-seconds", type=float, default=10.0)
    parser.add_argument("--shards", type=int, default=0, help="also N shards on a local Ray")
    parser.add_argument("--work", type=Path, default=Path(".bench-work"))
    parser.add_argument("--out", type=Path, default=Path("docs"))
    return parser


def _query_sets(records: list[dict], sample: int) -> dict:
    sets = {
        "keywords": keyword_queries(records),
        "questions": question_queries(),
        "filters+facets": filtered_queries(records),
    }
    return {name: queries[:sample] if sample else queries for name, queries in sets.items()}


def _index_all(source: Path, work: Path, options, results: dict, size: int) -> dict:
    """Build every index of one size, recording docs/s, CPU, peak memory and size."""
    fouille = str(Path(sys.executable).parent / "fouille")
    builds = {
        "fouille-1": ([fouille, "index", "--rebuild", str(source), "--procs", "1"], "--index"),
        "fouille-all": (
            [fouille, "index", "--rebuild", str(source), "--procs", str(CORES)],
            "--index",
        ),
    }
    if options.shards:
        builds[SHARDED] = (
            [fouille, "index", "--rebuild", "--shards", str(options.shards), "--cluster", "local"]
            + [str(source), "--procs", str(CORES)],
            "--index",
        )
    for name in PEERS:
        # SQLite writes in one thread whatever it is given.
        for threads in sorted({1, CORES}) if name == "tantivy" else [1]:
            label = f"{name}-{'1' if threads == 1 else 'all'}"
            command = [sys.executable, "-m", "bench.peers", name, str(source)]
            builds[label] = (command + ["--threads", str(threads)], "--into")
    rows = {}
    for label, (command, into) in builds.items():
        target = work / label
        runs = []
        for _ in range(options.index_runs):
            shutil.rmtree(target, ignore_errors=True)
            runs.append(run_measured(command + [into, str(target)]))
            print(f"   {label}: {size / runs[-1].seconds:,.0f} docs/s", file=sys.stderr)
        rows[label] = {
            "docs_per_s": asdict(summary([size / run.seconds for run in runs])),
            "docs_per_cpu_s": asdict(summary([size / run.cpu_seconds for run in runs])),
            "peak_mb": asdict(summary([run.peak_mb for run in runs])),
            "size_mb": directory_mb(target),
        }
        if label in ("fouille-1", "fouille-all"):
            rows[label] |= phases(runs, size, target)
    results["sizes"][size] = {"indexing": rows}
    return {
        "fouille": work / "fouille-all",
        "sqlite-fts5": work / "sqlite-fts5-1",
        "tantivy": work / ("tantivy-1" if CORES == 1 else "tantivy-all"),
    } | ({SHARDED: work / SHARDED} if options.shards else {})


def phases(runs: list, size: int, target: Path) -> dict:
    """Return Fouille's figures without the topic fit, which ends the run, and its files."""
    fits = [_seconds(run.output, "Topics: fitted") for run in runs]
    return {
        "topics_s": asdict(summary(fits)),
        "duplicates_s": asdict(summary([_seconds(run.output, "Duplicates:") for run in runs])),
        "docs_per_s_without_topics": asdict(
            summary([size / (run.seconds - fit) for run, fit in zip(runs, fits, strict=True)])
        ),
        "peak_mb_without_topics": asdict(
            summary(
                [run.peak_until(run.seconds - fit) for run, fit in zip(runs, fits, strict=True)]
            )
        ),
        "index_mb": directory_mb(target, "*MAIN*"),
        "beside_mb": directory_mb(target, "fouille-*"),
    }


def _seconds(output: str, line: str) -> float:
    """Return the seconds that ``fouille index`` reports at the end of a line, 0 without it."""
    found = re.search(rf"^{re.escape(line)}.*?([0-9.,]+) s\)", output, re.M)
    return float(found[1].replace(",", "")) if found else 0.0


def _latency_all(indexes: dict, sets: dict, runs: int) -> dict:
    """Time every query set on every engine, runs times; keep each run's p50 and p95."""
    engines = fouille_engines(indexes["fouille"])
    engines |= {name: peer_engine(PEERS[name](indexes[name])) for name in PEERS}
    if SHARDED in indexes:
        engines[SHARDED] = sharded_engine(indexes[SHARDED])
    table = {}
    for set_name, queries in sets.items():
        table[set_name] = {}
        for engine_name, engine in engines.items():
            if engine_name == "fouille (no snippets)" and set_name == "filters+facets":
                continue  # The ranking alone takes no filters.
            per_run = [p50_p95(timings(engine, queries)) for _ in range(runs)]
            table[set_name][engine_name] = {
                "p50": asdict(summary([p50 for p50, _ in per_run])),
                "p95": asdict(summary([p95 for _, p95 in per_run])),
            }
            print(f"   {set_name} {engine_name}: {table[set_name][engine_name]}", file=sys.stderr)
    return table


def _serving(index_dir: Path, source: Path, sets: dict, options) -> dict:
    found = measure_serving(index_dir, source, _mix(sets), options.http_seconds)
    print(f"   serving: {found}", file=sys.stderr)
    return found


def _mix(sets: dict) -> list:
    """Return keyword and question queries, alternating."""
    return [q for pair in zip(sets["keywords"], sets["questions"], strict=False) for q in pair]


def _http_all(index_dir: Path, sets: dict, options) -> dict:
    """Load /recherche and /api/search with 1, 4 and 16 clients, keyword and question mix."""
    queries = _mix(sets)
    server, port = serve(index_dir)
    try:
        # Both workers open the index and warm their caches before anything is counted.
        load(port, "/api/search", queries[:20], 2, 3.0)
        table = {}
        for path in ("/recherche", "/api/search"):
            for clients in (1, 4, 16):
                table[f"{path} {clients}"] = asdict(
                    load(port, path, queries, clients, options.http_seconds)
                )
                print(f"   {path} x{clients}: {table[f'{path} {clients}']}", file=sys.stderr)
        return table
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
