"""The ``fouille`` command: index, search, inspect, evaluate and serve an article archive.

The top layer: uses what ``search/__init__.py`` exports, and the indexing passes it reports on.
"""

from . import exporting, indexing, reading, serving  # noqa: F401  (each registers its commands)
from .base import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Run the command line."""
    cli(prog_name="fouille")
