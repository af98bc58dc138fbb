"""The ``fouille`` command: index, search, inspect and serve an article archive."""

from __future__ import annotations

import functools
import html
import json
import os
import re
import sys
from datetime import date
from pathlib import Path

import click

from . import (
    Archive,
    Filters,
    FouilleError,
    InvalidInput,
    Sort,
    __version__,
    check_files,
    delete_articles,
    index_plan,
    results_payload,
    stats_payload,
)

SHOWN_ERRORS = 20

index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="FOUILLE_INDEX",
    default="index",
    show_default=True,
    help="Index folder (also FOUILLE_INDEX).",
)


def reported(command):
    """Turn Fouille's errors into a message on stderr and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except InvalidInput as error:
            _print_errors(error.errors)
            raise click.ClickException(
                f"nothing was written: fix the {len(error.errors)} record(s) above, or run "
                "again with --skip-invalid to index the valid ones"
            ) from None
        except FouilleError as error:
            raise click.ClickException(str(error)) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fouille")
def cli():
    """Fouille: full-text search for French news and blog archives."""


@cli.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@index_option
@click.option("--rebuild", is_flag=True, help="Start from an empty index.")
@click.option("--skip-invalid", is_flag=True, help="Index valid records, list the others.")
@click.option("--batch-size", default=2000, show_default=True, help="Articles per commit.")
@reported
def index_command(paths, index_dir, rebuild, skip_invalid, batch_size):
    """Index articles from JSONL, JSON or CSV files, or folders of them."""
    from tqdm import tqdm

    click.echo(f"Checking {', '.join(map(str, paths))} …", err=True)
    plan = check_files(list(paths))
    for path in plan.passed_over:
        click.echo(f"Passed over {path}: not a JSONL, JSON or CSV file.", err=True)
    with tqdm(total=plan.valid, unit=" articles", desc="Indexing", file=sys.stderr) as bar:
        report = index_plan(
            index_dir,
            plan,
            rebuild=rebuild,
            skip_invalid=skip_invalid,
            batch_size=batch_size,
            progress=bar.update,
        )
    if report.skipped:
        click.echo(f"Skipped {len(report.skipped)} invalid record(s):", err=True)
        _print_errors(report.skipped)
    done = report.added + report.updated + report.unchanged
    rate = done / report.seconds if report.seconds else 0
    click.echo(
        f"Indexed {done:,} articles from {report.files} file(s) in {report.seconds:.1f} s "
        f"({rate:,.0f} articles/s): {report.added:,} added, {report.updated:,} updated, "
        f"{report.unchanged:,} unchanged. Index: {index_dir}"
    )


@cli.command("search")
@click.argument("query", default="")
@index_option
@click.option("--limit", default=10, show_default=True, help="Results per page (1–100).")
@click.option("--page", default=1, show_default=True, help="Page number.")
@click.option(
    "--sort",
    type=click.Choice([s.value for s in Sort]),
    default=Sort.RELEVANCE.value,
    show_default=True,
    help="Order of results.",
)
@click.option("--section", multiple=True, help="Only this section (repeatable).")
@click.option("--author", multiple=True, help="Only this author (repeatable).")
@click.option("--source", multiple=True, help="Only this source (repeatable).")
@click.option("--tag", multiple=True, help="Only articles with this tag (repeatable).")
@click.option("--year", multiple=True, type=int, help="Only this year (repeatable).")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="From this day.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Up to this day.")
@click.option("--json", "as_json", is_flag=True, help="Print the web API's JSON object.")
@reported
def search_command(query, index_dir, limit, page, sort, as_json, **filters):
    """Search the index."""
    results = Archive(index_dir).search_articles(
        query, _filters(**filters), Sort(sort), page=page, per_page=limit
    )
    if as_json:
        click.echo(json.dumps(results_payload(results), ensure_ascii=False, indent=2))
        return
    click.echo(f"{results.total:,} results ({results.took_ms:.0f} ms)".replace(",", " "))
    if results.syntax_fallback:
        click.echo("The query's syntax could not be read; its words were searched instead.")
    for rank, hit in enumerate(results.hits, (page - 1) * limit + 1):
        meta = " · ".join(
            x
            for x in (hit.published and hit.published.date().isoformat(), hit.section, hit.author)
            if x
        )
        click.echo(f"\n{rank}. {click.style(hit.title, bold=True)}  [{hit.id}]")
        click.echo(f"   {meta}  {hit.url}".rstrip())
        click.echo(f"   {_terminal(hit.snippet)}")


@cli.command("stats")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@reported
def stats_command(index_dir, as_json):
    """Show what the index holds."""
    stats = Archive(index_dir).stats()
    if as_json:
        click.echo(json.dumps(stats_payload(stats), ensure_ascii=False, indent=2))
        return
    span = "no dates"
    if stats.first_published and stats.last_published:
        span = f"{stats.first_published:%Y-%m-%d} to {stats.last_published:%Y-%m-%d}"
    click.echo(f"Index:       {stats.path}")
    click.echo(f"Articles:    {stats.documents:,}")
    click.echo(f"Published:   {span}")
    click.echo(f"Size:        {stats.size_bytes / 1e6:.1f} MB")
    click.echo(f"Last update: {stats.last_update:%Y-%m-%d %H:%M}" if stats.last_update else "")
    click.echo("Sections:    " + ", ".join(f"{s.value} ({s.count:,})" for s in stats.sections))


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


@cli.command("serve")
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, help="Worker processes.")
@reported
def serve_command(index_dir, host, port, workers):
    """Serve the search site with a production WSGI server."""
    Archive(index_dir).count()  # Fail here, with a clear message, rather than in each worker.
    os.environ["FOUILLE_INDEX"] = str(index_dir.resolve())
    from .server import run_server

    click.echo(f"Fouille: http://{host}:{port}/ (index {index_dir}, {workers} workers)")
    run_server(host, port, workers)


def _filters(section, author, source, tag, year, date_from, date_to) -> Filters:
    return Filters(
        sections=section,
        authors=author,
        sources=source,
        tags=tag,
        years=year,
        date_from=_day(date_from),
        date_to=_day(date_to),
    )


def _day(value) -> date | None:
    return value.date() if value else None


def _terminal(snippet: str) -> str:
    marked = re.sub(r"<mark>(.*?)</mark>", lambda m: click.style(m.group(1), bold=True), snippet)
    return html.unescape(marked)


def _print_errors(errors) -> None:
    for error in errors[:SHOWN_ERRORS]:
        click.echo(f"  {error}", err=True)
    if len(errors) > SHOWN_ERRORS:
        click.echo(f"  … and {len(errors) - SHOWN_ERRORS} more", err=True)


def main() -> None:
    """Run the command line."""
    cli(prog_name="fouille")
