"""The index, opened once per worker process and on first use."""

from __future__ import annotations

from flask import current_app

from search import Archive


def get_archive() -> Archive:
    """Return this app's open index, opening it if needed (so a later build is picked up)."""
    archive = current_app.extensions.get("fouille.archive")
    if archive is None:
        budget = current_app.config["TIME_BUDGET"]
        archive = Archive(current_app.config["INDEX"], time_budget=float(budget) or None)
        current_app.extensions["fouille.archive"] = archive
    return archive
