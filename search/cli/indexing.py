"""The ``fouille index`` and ``fouille delete`` commands."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from .. import delete_articles
from ..cluster.layout import MAX_SHARDS, read_shards
from ..store import topics as topic_space
from ..store.indexing import BATCH_SIZE
from ..wording import counted
from .base import cli, index_option, print_errors, reported
from .progress import Steps

# Seconds of reading before the bar shows.
BAR_DELAY = 0.5


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
@click.option(
    "--shards",
    type=click.IntRange(min=1, max=MAX_SHARDS),
    help="Split the index into N shards (recorded: later runs keep N).",
)
@click.option(
    "--cluster",
    metavar="ADDRESS",
    help="Write the shards on a Ray cluster: 'local' starts one, else the address of one.",
)
@reported
def index_command(
    paths,
    index_dir,
    rebuild,
    skip_invalid,
    prune,
    watch,
    interval,
    batch_size,
    procs,
    shards,
    cluster,
):
    """Index articles from JSONL, JSON, CSV, HTML, RSS/Atom or text files, feed URLs, folders.

    Run again, it reads only the files that are new or changed since the last run.
    """
    from tqdm import tqdm

    from ..cluster.building import apply_sharded, check_sharded, shard_count
    from ..store.syncing import apply_sync, check_sync

    if interval is not None and not watch:
        raise click.UsageError("--interval only applies with --watch")
    shards = shard_count(index_dir, shards, rebuild)
    if cluster is not None and shards is None:
        raise click.UsageError("--cluster writes shards: give --shards N")
    if watch:
        if shards is not None:
            raise click.UsageError("--watch does not work on an index split into shards yet")
        options = {"rebuild": rebuild, "prune": prune, "batch_size": batch_size, "procs": procs}
        _watch(index_dir, list(paths), 30.0 if interval is None else interval, options)
        return
    click.echo(f"Checking {', '.join(map(str, paths))} …", err=True)
    if shards is None:
        plan, apply = check_sync(index_dir, list(paths), rebuild=rebuild), apply_sync
    else:
        plan = check_sharded(index_dir, list(paths), shards, rebuild=rebuild)
        apply = functools.partial(apply_sharded, shards=shards, cluster=cluster)
    _print_passed_over(plan.passed_over)
    # No bar for a run with no article to read, nor before reading takes a while: it would
    # stand at 0 for nothing.
    bar = tqdm(
        total=plan.valid,
        unit=" articles",
        desc="Indexing",
        file=sys.stderr,
        disable=not plan.valid,
        delay=BAR_DELAY,
    )
    with bar, Steps(bar) as steps:
        report = apply(
            plan,
            prune=prune,
            skip_invalid=skip_invalid,
            batch_size=batch_size,
            procs=procs,
            progress=bar.update,
            phase=steps,
        )
    _print_sync(report, index_dir)
    if shards is not None:
        _print_shards(report.shard_articles)


def _print_shards(counts: list[int]) -> None:
    held = ", ".join(f"shard-{n:02d}: {count:,}" for n, count in enumerate(counts))
    click.echo(f"Shards: {len(counts)} ({held} {'article' if counts == [1] else 'articles'}).")


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
        f"Stopped after {counted(totals.passes, 'pass', 'passes')}: {totals.added:,} added, "
        f"{totals.updated:,} updated, {totals.removed:,} removed, {totals.pruned:,} pruned, "
        f"{counted(totals.skipped, 'invalid record')} skipped. Index: {index_dir}"
    )


def _print_passed_over(paths: list[Path]) -> None:
    for path in paths:
        click.echo(
            f"Passed over {path}: not an article file (JSONL, JSON, CSV, HTML, feed, text).",
            err=True,
        )


def _print_sync(report, index_dir: Path) -> None:
    for note in report.notes:
        click.echo(f"Note: {note}", err=True)
    if report.skipped:
        click.echo(f"Skipped {counted(len(report.skipped), 'invalid record')}:", err=True)
        print_errors(report.skipped)
    if report.stale_files:
        click.echo(
            f"{counted(report.stale_articles, 'article')} recorded as indexed "
            f"{'was' if report.stale_articles == 1 else 'were'} missing from the index "
            f"(segments deleted or replaced?): {counted(report.stale_files, 'file')} read again."
        )
    if not (report.files or report.pruned):
        click.echo(f"Nothing to index: no article file in the paths given. Index: {index_dir}")
    elif _changed(report):
        _print_changes(report, index_dir)
    else:
        held = report.unchanged + report.added + report.updated
        click.echo(
            f"Nothing to index: {counted(held, 'article')} from "
            f"{counted(report.files, 'file')}, unchanged since the last run "
            f"({report.seconds:.1f} s). Index: {index_dir}"
        )
    if report.invalid_earlier:
        click.echo(
            f"Unchanged files still hold {counted(report.invalid_earlier, 'invalid record')}, "
            "listed when they were read; fix them and those files will be read again."
        )
    if report.missing_files:
        files = counted(len(report.missing_files), "indexed file")
        click.echo(
            f"{files} {'is' if len(report.missing_files) == 1 else 'are'} gone from the "
            f"folders given; --prune would remove {_their(report.missing_files)} "
            f"{counted(report.missing_articles, 'article')}:"
        )
        print_errors(report.missing_files)


def _changed(report) -> bool:
    """Tell whether a pass wrote anything: articles, segments or files beside them."""
    derived = report.view or report.topics.fitted or report.topics.folded
    touched = report.duplicates.signed or report.duplicates.dropped or derived
    return bool(report.added or report.updated or report.removed or report.pruned or touched)


def _print_changes(report, index_dir: Path) -> None:
    done = report.added + report.updated + report.unchanged
    read = done - report.unread_articles
    rate = f" ({read / report.seconds:,.0f} articles/s)" if read and report.seconds else ""
    if done or report.files:
        click.echo(
            f"Indexed {counted(done, 'article')} from {counted(report.files, 'file')} in "
            f"{report.seconds:.1f} s{rate}: {report.added:,} added, {report.updated:,} updated, "
            f"{report.unchanged:,} unchanged. Index: {index_dir}"
        )
    if report.unchanged_files:
        click.echo(
            f"{counted(report.unchanged_files, 'file')} unchanged since the last run, not read "
            f"again ({counted(report.unread_articles, 'article')})."
        )
    if report.removed:
        came = "the changed file it came" if report.removed == 1 else "the changed files they came"
        click.echo(f"Removed {counted(report.removed, 'article')} no longer in {came} from.")
    if report.pruned_files:
        click.echo(
            f"Pruned {counted(report.pruned, 'article')} of "
            f"{counted(len(report.pruned_files), 'file')} gone from the folders given."
        )
    _print_segments(report.segments)
    _print_duplicates(report.duplicates)
    _print_topics(report.topics)
    if report.view:
        click.echo(f"View: written for {counted(report.topics.articles, 'article')}.")


def _their(items: list) -> str:
    return "its" if len(items) == 1 else "their"


def _print_segments(segments) -> None:
    if not (segments.written or segments.merged):
        return
    merged = f", {segments.merged:,} merged into {segments.made:,}" if segments.merged else ""
    click.echo(
        f"Segments: {segments.written:,} written{merged}; the index holds {segments.held:,}."
    )


def _print_duplicates(report) -> None:
    if not (report.signed or report.dropped):
        return
    found = (
        f"{counted(report.clustered, 'article')} in {counted(report.clusters, 'cluster')}"
        if report.clusters
        else f"none among {counted(report.articles, 'article')}"
    )
    click.echo(
        f"Duplicates: {found} ({report.signed:,} compared, {report.dropped:,} forgotten, "
        f"{report.seconds:.1f} s)."
    )


def _print_topics(report) -> None:
    if report.fitted:
        click.echo(
            f"Topics: fitted on {counted(report.articles, 'article')} ({report.seconds:.1f} s)."
        )
    elif report.folded:
        click.echo(
            f"Topics: {counted(report.folded, 'new article')} folded in ({report.seconds:.1f} s)."
        )
    elif report.articles < topic_space.MIN_ARTICLES:
        fewer = f"{topic_space.MIN_ARTICLES:,}"
        click.echo(f"Topics: none, the index holds fewer than {fewer} articles.")


@cli.command("delete")
@click.argument("ids", nargs=-1, required=True)
@index_option
@reported
def delete_command(ids, index_dir):
    """Remove articles by id."""
    from ..cluster.building import delete_sharded

    shards = read_shards(index_dir)
    if shards is None:
        missing = delete_articles(index_dir, list(ids))
    else:
        missing = delete_sharded(index_dir, shards, list(ids))
    click.echo(f"Deleted {counted(len(ids) - len(missing), 'article')}.")
    if missing:
        which = "the id" if len(missing) == 1 else "the ids:"
        raise click.ClickException(f"no article has {which} {', '.join(missing)}")
