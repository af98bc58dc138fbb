"""What every ``fouille`` command shares: the group, the index option, error reporting."""

from __future__ import annotations

import functools
from pathlib import Path

import click

from .. import (
    FouilleError,
    InvalidInput,
    __version__,
)
from ..errors import NO_SPACE

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
            print_errors(error.errors)
            records = (
                "the record" if len(error.errors) == 1 else f"the {len(error.errors):,} records"
            )
            raise click.ClickException(
                f"nothing was written: fix {records} above, or run again with --skip-invalid to "
                "index the valid ones"
            ) from None
        except FouilleError as error:
            raise click.ClickException(str(error)) from None
        except OSError as error:
            # What the library did not foresee: a full disk still gets words, not a traceback.
            if error.errno not in NO_SPACE:
                raise
            raise click.ClickException(
                f"no space left on the disk of {error.filename or 'the index'}; free some space "
                "and run the same command again"
            ) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fouille")
def cli():
    """Fouille: full-text search for French news and blog archives."""


def print_errors(errors) -> None:
    for error in errors[:SHOWN_ERRORS]:
        click.echo(f"  {error}", err=True)
    if len(errors) > SHOWN_ERRORS:
        click.echo(f"  … and {len(errors) - SHOWN_ERRORS} more", err=True)
