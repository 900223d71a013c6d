"""Writing results out: the versioned JSON, the CSV gradebook, the terminal table."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from autograder.manifest import Item
from autograder.results import SubmissionResult, gradebook_json

STATUS_MARK = {"graded": "", "missing": "—", "import_error": "import error", "timeout": "timeout",
               "crashed": "crashed"}


def write_json(results: list[SubmissionResult], path: Path) -> None:
    path.write_text(json.dumps(gradebook_json(results), indent=2) + "\n", encoding="utf-8")


def write_csv(results: list[SubmissionResult], items: list[Item], path: Path) -> None:
    """One row per submission, one column per item, then the total and the maximum."""
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["submission", *[i.id for i in items], "total", "max_score"])
        for result in results:
            scores = [_number(r.score) if (r := result.item(i.id)) else "" for i in items]
            writer.writerow([result.submission, *scores, _number(result.score), _number(result.max_score)])


def _number(value: float) -> str:
    return f"{value:g}"


def table(results: list[SubmissionResult], items: list[Item]) -> Table:
    """Submissions down, items across; a cell is the score, or why there is none."""
    grid = Table(title="Gradebook", header_style="bold")
    grid.add_column("submission", style="bold")
    for item in items:
        grid.add_column(item.id.split("_", 1)[0], justify="right")
    grid.add_column("total", justify="right", style="bold")
    for result in results:
        cells = []
        for item in items:
            r = result.item(item.id)
            if r is None:
                cells.append("")
                continue
            colour = "green" if r.score == r.max_score else ("red" if r.score == 0 else "yellow")
            mark = STATUS_MARK[r.status]
            cells.append(f"[{colour}]{_number(r.score)}[/]" + (f" [dim]{mark}[/]" if mark else ""))
        pct = 100 * result.score / result.max_score if result.max_score else 0
        grid.add_row(result.submission, *cells, f"{_number(result.score)}/{_number(result.max_score)} ({pct:.0f}%)")
    return grid


def print_table(results: list[SubmissionResult], items: list[Item], console: Console | None = None) -> None:
    (console or Console()).print(table(results, items))
