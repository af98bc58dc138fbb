"""The ``fouille index`` and ``fouille delete`` commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .. import delete_articles
from ..store.indexing import BATCH_SIZE
from .base import cli, index_option, print_errors, reported


@cli.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@index_option
@click.option("--rebuild", is_flag=True, help="Start from an empty index.")
@click.option("--skip-invalid", is_flag=True, help="Index valid records, list the others.")
@click.option(
    "--prune", is_flag=True, help="Remove the articles of files gone from the folders given."
)
@click.option(
    "--watch",
    is_flag=True,
    help="Keep indexing new and changed files until Ctrl-C; invalid records are listed and "
    "skipped, as with --skip-invalid.",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0),
    help="Seconds between two passes of --watch.  [default: 30]",
)
@click.option("--batch-size", default=BATCH_SIZE, show_default=True, help="Articles per commit.")
@click.option(
    "--procs",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="the number of cores",
    help="Processes that analyse and write articles (1: all in this one).",
)
@reported
def index_command(
    paths, index_dir, rebuild, skip_invalid, prune, watch, interval, batch_size, procs
):
    """Index articles from JSONL, JSON, CSV, HTML or RSS/Atom files, feed URLs, or folders.

    Run again, it reads only the files that are new or changed since the last run.
    """
    from tqdm import tqdm

    from ..store.syncing import apply_sync, check_sync

    if interval is not None and not watch:
        raise click.UsageError("--interval only applies with --watch")
    if watch:
        options = {"rebuild": rebuild, "prune": prune, "batch_size": batch_size, "procs": procs}
        _watch(index_dir, list(paths), 30.0 if interval is None else interval, options)
        return
    click.echo(f"Checking {', '.join(map(str, paths))} …", err=True)
    plan = check_sync(index_dir, list(paths), rebuild=rebuild)
    _print_passed_over(plan.passed_over)
    with tqdm(total=plan.valid, unit=" articles", desc="Indexing", file=sys.stderr) as bar:
        report = apply_sync(
            plan,
            prune=prune,
            skip_invalid=skip_invalid,
            batch_size=batch_size,
            procs=procs,
            progress=bar.update,
            # The passes after the commits show in the bar's name while they run.
            phase=bar.set_description,
        )
        bar.set_description("Indexing")
    _print_sync(report, index_dir)


def _watch(index_dir: Path, paths: list[Path], interval: float, options: dict) -> None:
    from datetime import datetime

    from ..store.syncing import watch_folders

    shown: set[Path] = set()
    passes = missing = 0

    def after_pass(report) -> None:
        nonlocal passes, missing
        _print_passed_over([path for path in report.passed_over if path not in shown])
        shown.update(report.passed_over)
        changed = report.added or report.updated or report.removed or report.pruned
        news = changed or report.skipped or len(report.missing_files) != missing
        passes, missing = passes + 1, len(report.missing_files)
        # A quiet pass prints nothing, or the watch would log a summary every interval.
        if passes == 1 or news:
            click.echo(f"{datetime.now():%H:%M:%S}", err=True)
            _print_sync(report, index_dir)

    click.echo(
        f"Watching {', '.join(map(str, paths))} every {interval:g} s; stop with Ctrl-C. "
        "Invalid records are listed and skipped.",
        err=True,
    )
    totals = watch_folders(
        index_dir,
        paths,
        interval=interval,
        after_pass=after_pass,
        on_busy=lambda error: click.echo(f"{error}; trying again in {interval:g} s", err=True),
        **options,
    )
    click.echo(
        f"Stopped after {totals.passes} pass(es): {totals.added:,} added, "
        f"{totals.updated:,} updated, {totals.removed:,} removed, {totals.pruned:,} pruned, "
        f"{totals.skipped:,} invalid record(s) skipped. Index: {index_dir}"
    )


def _print_passed_over(paths: list[Path]) -> None:
    for path in paths:
        click.echo(
            f"Passed over {path}: not an article file (JSONL, JSON, CSV, HTML, feed).", err=True
        )


def _print_sync(report, index_dir: Path) -> None:
    if report.skipped:
        click.echo(f"Skipped {len(report.skipped)} invalid record(s):", err=True)
        print_errors(report.skipped)
    done = report.added + report.updated + report.unchanged
    read = done - report.unread_articles
    rate = read / report.seconds if report.seconds else 0
    click.echo(
        f"Indexed {done:,} articles from {report.files} file(s) in {report.seconds:.1f} s "
        f"({rate:,.0f} articles/s): {report.added:,} added, {report.updated:,} updated, "
        f"{report.unchanged:,} unchanged. Index: {index_dir}"
    )
    if report.unchanged_files:
        click.echo(
            f"{report.unchanged_files:,} file(s) unchanged since the last run, not read again "
            f"({report.unread_articles:,} articles)."
        )
    if report.invalid_earlier:
        click.echo(
            f"Unchanged files still hold {report.invalid_earlier:,} invalid record(s), listed "
            "when they were read; fix them and those files will be read again."
        )
    _print_duplicates(report.duplicates)
    _print_topics(report.topics)
    if report.removed:
        click.echo(f"Removed {report.removed:,} article(s) no longer in their changed file(s).")
    if report.pruned_files:
        click.echo(
            f"Pruned {report.pruned:,} article(s) of {len(report.pruned_files)} file(s) gone "
            "from the folders given."
        )
    if report.missing_files:
        click.echo(
            f"{len(report.missing_files)} indexed file(s) are gone from the folders given; "
            f"--prune would remove their {report.missing_articles:,} article(s):"
        )
        print_errors(report.missing_files)


def _print_duplicates(report) -> None:
    if report is None or not (report.signed or report.dropped):
        return
    click.echo(
        f"Duplicates: {report.clustered:,} articles in {report.clusters:,} clusters "
        f"({report.signed:,} compared, {report.dropped:,} forgotten, {report.seconds:.1f} s)."
    )


def _print_topics(report) -> None:
    if report is None:
        return
    if report.fitted:
        click.echo(f"Topics: fitted on {report.articles:,} articles ({report.seconds:.1f} s).")
    elif report.folded:
        click.echo(f"Topics: {report.folded:,} new article(s) folded in ({report.seconds:.1f} s).")


@cli.command("delete")
@click.argument("ids", nargs=-1, required=True)
@index_option
@reported
def delete_command(ids, index_dir):
    """Remove articles by id."""
    missing = delete_articles(index_dir, list(ids))
    click.echo(f"Deleted {len(ids) - len(missing)} article(s).")
    if missing:
        raise click.ClickException(f"no article has the id(s): {', '.join(missing)}")
