"""Counts as the command line and its messages write them: in English, singular for one.

>>> counted(1, "article"), counted(36_000, "article"), counted(0, "pass", "passes")
('1 article', '36,000 articles', '0 passes')
"""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """Return the count with the noun in the number it takes, thousands separated."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
