"""The filter and sort options shared by the commands that search (``search``, ``export``)."""

from __future__ import annotations

from datetime import date

import click

from .. import Filters, Sort

OPTIONS = (
    click.option("--section", multiple=True, help="Only this section (repeatable)."),
    click.option("--author", multiple=True, help="Only this author (repeatable)."),
    click.option("--source", multiple=True, help="Only this source (repeatable)."),
    click.option("--tag", multiple=True, help="Only articles with this tag (repeatable)."),
    click.option("--year", multiple=True, type=int, help="Only this year (repeatable)."),
    click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="From this day."),
    click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Up to this day."),
)

sort_option = click.option(
    "--sort",
    type=click.Choice([s.value for s in Sort]),
    default=Sort.RELEVANCE.value,
    show_default=True,
    help="Order of results.",
)


def filter_options(command):
    """Add the filter options to a command; it receives them as keyword arguments."""
    for option in reversed(OPTIONS):
        command = option(command)
    return command


def filters_from(section, author, source, tag, year, date_from, date_to) -> Filters:
    """Return the Filters the filter options describe."""
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
