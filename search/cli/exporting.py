"""The ``fouille export`` command: every match, a trend series or a concordance as a file."""

from __future__ import annotations

from pathlib import Path

import click

from .. import (
    ConcordanceSort,
    Period,
    Sort,
    concordance_export,
    csv_chunks,
    json_chunks,
    open_archive,
    trends_export,
)
from .base import cli, index_option, reported
from .filtering import filter_options, filters_from, sort_option

PERIODS = {"year": Period.YEAR, "month": Period.MONTH, "week": Period.WEEK}
WRITERS = {"csv": csv_chunks, "json": json_chunks}


@cli.command("export")
@click.argument("queries", nargs=-1)
@index_option
@click.option(
    "--format", "fmt", type=click.Choice(list(WRITERS)), default="csv", show_default=True
)
@click.option(
    "--of",
    "kind",
    type=click.Choice(["results", "trends", "concordance"]),
    default="results",
    show_default=True,
    help="What to export: every matching article, counts per period, or words in context.",
)
@click.option(
    "--by",
    type=click.Choice(list(PERIODS)),
    default="month",
    show_default=True,
    help="Period of a trend series.",
)
@sort_option
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file rather than to standard output.",
)
@filter_options
@reported
def export_command(queries, index_dir, fmt, kind, by, sort, output, **filters):
    """Export every article matching QUERY (or trends of up to four QUERIES) as CSV or JSON."""
    if kind != "trends" and len(queries) > 1:
        raise click.UsageError(f'give one query (quote words: "{" ".join(queries)}")')
    archive = open_archive(index_dir)
    chosen = filters_from(**filters)
    if kind == "results":
        export = archive.export_results(" ".join(queries), chosen, Sort(sort))
    elif kind == "trends":
        export = trends_export(archive.trends(list(queries), chosen, PERIODS[by]))
    else:
        concordance = archive.concordance(" ".join(queries), chosen, ConcordanceSort.DATE)
        export = concordance_export(concordance, archive.count())
    chunks = WRITERS[fmt](export)
    if output is None:
        for chunk in chunks:
            click.echo(chunk, nl=False)
        return
    with output.open("w", encoding="utf-8", newline="") as file:
        file.writelines(chunks)
    click.echo(f"Written to {output}.", err=True)
