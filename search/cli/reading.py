"""The ``fouille search`` and ``fouille stats`` commands."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import click

from .. import (
    MAX_EXPANSIONS,
    MAX_WILDCARDS,
    Archive,
    Sort,
    open_archive,
    results_payload,
    stats_payload,
)
from ..cluster.inventory import shard_stats
from ..cluster.layout import read_shards
from ..wording import counted
from .base import cli, index_option, reported
from .filtering import filter_options, filters_from, sort_option


@cli.command("search")
@click.argument("query", default="")
@index_option
@click.option("--limit", default=10, show_default=True, help="Results per page (1–100).")
@click.option("--page", default=1, show_default=True, help="Page number.")
@sort_option
@filter_options
@click.option(
    "--all-duplicates", is_flag=True, help="List duplicates too, not folded into one result."
)
@click.option("--json", "as_json", is_flag=True, help="Print the web API's JSON object.")
@reported
def search_command(query, index_dir, limit, page, sort, all_duplicates, as_json, **filters):
    """Search the index."""
    results = open_archive(index_dir).search_articles(
        query,
        filters_from(**filters),
        Sort(sort),
        page=page,
        per_page=limit,
        collapse=not all_duplicates,
    )
    if as_json:
        click.echo(json.dumps(results_payload(results), ensure_ascii=False, indent=2))
        return
    click.echo(f"{counted(results.total, 'result')} ({results.took_ms:.0f} ms)".replace(",", " "))
    if results.folded:
        click.echo(
            f"{counted(results.folded, 'duplicate')} folded into the results they repeat "
            "(--all-duplicates lists them)."
        )
    if results.syntax_fallback:
        click.echo("The query's syntax could not be read; its words were searched instead.")
    if results.wildcards_capped:
        click.echo(
            f"A wildcard stood for more words than are searched: its {MAX_EXPANSIONS} most "
            f"frequent were, and at most {MAX_WILDCARDS} wildcards a query."
        )
    for rank, hit in enumerate(results.hits, (page - 1) * limit + 1):
        meta = " · ".join(
            x
            for x in (hit.published and hit.published.date().isoformat(), hit.section, hit.author)
            if x
        )
        click.echo(f"\n{rank}. {click.style(hit.title, bold=True)}  [{hit.id}]")
        click.echo(f"   {meta}  {hit.url}".rstrip())
        click.echo(f"   {_terminal(hit.snippet)}")
        if hit.duplicates:
            ids = ", ".join(copy.id for copy in hit.duplicates)
            click.echo(f"   {counted(len(hit.duplicates), 'reprise')}: {ids}")


@cli.command("stats")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@reported
def stats_command(index_dir, as_json):
    """Show what the index holds."""
    shards = read_shards(index_dir)
    if shards is None:
        stats, parts = Archive(index_dir).stats(), []
    else:
        stats, parts = shard_stats(index_dir, shards)
    if as_json:
        payload = stats_payload(stats)
        if parts:
            payload["shards"] = [{"path": p.path, "documents": p.documents} for p in parts]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    span = "no dates"
    if stats.first_published and stats.last_published:
        span = f"{stats.first_published:%Y-%m-%d} to {stats.last_published:%Y-%m-%d}"
    click.echo(f"Index:       {stats.path}")
    click.echo(f"Articles:    {stats.documents:,}")
    if parts:
        held = ", ".join(f"{Path(p.path).name}: {p.documents:,}" for p in parts)
        click.echo(f"Shards:      {len(parts)} ({held})")
    click.echo(f"Published:   {span}")
    click.echo(f"Size:        {stats.size_bytes / 1e6:.1f} MB")
    click.echo(f"Last update: {stats.last_update:%Y-%m-%d %H:%M}" if stats.last_update else "")
    click.echo("Sections:    " + ", ".join(f"{s.value} ({s.count:,})" for s in stats.sections))


def _terminal(snippet: str) -> str:
    marked = re.sub(r"<mark>(.*?)</mark>", lambda m: click.style(m.group(1), bold=True), snippet)
    return html.unescape(marked)
