"""French display of dates and numbers in templates."""

from __future__ import annotations

from datetime import datetime

MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
).split()
# French separates thousands with a narrow no-break space.
THOUSANDS = "\u202f"


def french_date(value: datetime | None) -> str:
    """Return a date as French readers write it: « 1er mars 2021 », « 12 mars 2021 »."""
    if value is None:
        return ""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def french_number(value: float, decimals: int = 0) -> str:
    """Return a number with French separators: « 1 234 », « 0,04 »."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", THOUSANDS).replace(".", ",")


def register(app) -> None:
    """Make the formatters available in templates."""
    app.add_template_filter(french_date, "date_fr")
    app.add_template_filter(french_number, "nombre")
