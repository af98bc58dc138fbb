"""The ``fouille serve`` and ``fouille eval`` commands."""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from .. import (
    open_archive,
)
from ..cluster.layout import read_shards
from .base import cli, index_option, reported


@cli.command("serve")
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, help="Worker processes.")
@click.option(
    "--cluster",
    metavar="ADDRESS|local",
    help="Search a sharded index through its shards' actors on this Ray cluster "
    "(local: start one on this machine).",
)
@reported
def serve_command(index_dir, host, port, workers, cluster):
    """Serve the search site with a production WSGI server."""
    os.environ["FOUILLE_INDEX"] = str(index_dir.resolve())
    from .server import run_server

    if cluster is None:
        # Fail here, with a clear message, rather than in each worker.
        open_archive(index_dir).count()
        click.echo(f"Fouille: http://{host}:{port}/ (index {index_dir}, {workers} workers)")
        run_server(host, port, workers)
        return
    with shard_keeper(index_dir, cluster) as address:
        os.environ["FOUILLE_CLUSTER"] = address
        click.echo(
            f"Fouille: http://{host}:{port}/ (sharded index {index_dir} on the Ray cluster "
            f"{address}, {workers} workers)"
        )
        run_server(host, port, workers)


@contextmanager
def shard_keeper(index_dir: Path, cluster: str) -> Iterator[str]:
    """Run the process that keeps the shards' actors up; yield its Ray cluster's address."""
    if read_shards(index_dir) is None:
        raise click.ClickException(
            f"{index_dir}: not a sharded index (no fouille-cluster.json); build one with: "
            "fouille index --shards N PATH"
        )
    if importlib.util.find_spec("ray") is None:
        raise click.ClickException(
            "--cluster needs Ray: install Fouille's cluster extra (pip install -e '.[cluster]')"
        )
    command = [sys.executable, "-m", "search.cluster.keeper", str(index_dir.resolve()), cluster]
    keeper = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        address, _, mode = keeper.stdout.readline().strip().partition(" ")
        if mode:
            os.environ["RAY_AUTH_MODE"] = mode
        if not address:
            raise click.ClickException(
                f"the shards of {index_dir} could not be started on the Ray cluster {cluster}"
            )
        yield address
    finally:
        keeper.stdin.close()
        keeper.wait(timeout=60)


@cli.command("eval")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--top", default=100, show_default=True, type=click.IntRange(min=1), help="Hits per query."
)
@click.option(
    "--run",
    "run_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the ranking as a TREC run file (ids percent-encoded: a space as %20, "
    "% as %25; urllib.parse.unquote reads them back).",
)
@click.option("--workers", type=click.IntRange(min=1), help="Query processes [default: CPUs].")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@reported
def eval_command(folder, top, run_file, workers, as_json):
    """Measure ranking quality on a BEIR-layout folder of documents, queries and judgments."""
    from dataclasses import asdict

    from tqdm import tqdm

    from .. import evaluate, load_eval_set

    eval_set = load_eval_set(folder)
    bar = functools.partial(tqdm, file=sys.stderr)
    report = evaluate(eval_set, top=top, workers=workers, run_file=run_file, progress_bar=bar)
    if as_json:
        click.echo(json.dumps(asdict(report), ensure_ascii=False, indent=2))
        return
    click.echo(f"{report.name}: {report.documents:,} documents, top {report.top}")
    for name in ("nDCG@10", "MRR@10", "R@100"):
        click.echo(f"  {name:<8} {report.metrics[name]:.3f}")
    click.echo(
        f"  queries  {report.queries:,} ({report.metrics['NumQ']:,} found something, "
        f"{report.empty_queries:,} without a searchable word)"
    )
    click.echo(f"Indexing {report.index_seconds:.1f} s, querying {report.query_seconds:.1f} s.")
