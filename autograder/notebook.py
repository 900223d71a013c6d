"""Calls for the lesson notebooks.

``check(item_id)`` runs the item's public checks on the *saved* exercise file, in a
worker process (the kernel never imports the student's module, so there is no stale
import and no frozen kernel), and returns a report that Jupyter renders as a table.
"""

from __future__ import annotations

from pathlib import Path

from autograder.checks import CheckReport, run_checks


def check(item_id: str, folder: str | Path | None = None) -> CheckReport:
    return run_checks(item_id, Path(folder) if folder else None)
