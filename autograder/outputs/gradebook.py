"""Writing results out: the versioned JSON, the CSV gradebook, the terminal table.

Every writer starts from :func:`autograder.safe.scrub`, so no name or message reaches
a file or the terminal with a control character, and the CSV's cells go through
:func:`autograder.safe.csv_cell` (no formula). Table cells holding a name are
:class:`rich.text.Text`, never markup.
"""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from autograder.manifest import Course, Item
from autograder.results import ItemResult, SubmissionResult, gradebook_json
from autograder.safe import isolation_line, plain, scrub, write_csv_rows, write_output

STATUS_MARK = {"graded": "", "missing": "—", "import_error": "import error", "timeout": "timeout",
               "crashed": "crashed"}
FLAG = "⚑"
FLAG_NOTE = f"{FLAG} flagged: review the code (a flag never raises a score)"


def write_json(results: list[SubmissionResult], path: Path, isolation: dict | None = None) -> None:
    """The results JSON (version 1); with ``isolation``, the engine's record of it at the top."""
    data = gradebook_json(scrub(results), isolation)
    write_output(path, json.dumps(data, indent=2) + "\n")


def write_csv(results: list[SubmissionResult], items: list[Item], path: Path) -> None:
    """One row per submission, one column per item, the total, the maximum, the flagged items."""
    rows: list[list[object]] = [["submission", *[i.id for i in items], "total", "max_score", "flags"]]
    for result in scrub(results):
        scores = [_number(r.score) if (r := result.item(i.id)) else "" for i in items]
        rows.append([result.submission, *scores, _number(result.score), _number(result.max_score),
                     ";".join(flagged(result))])
    write_csv_rows(path, rows)


def flagged(result: SubmissionResult) -> list[str]:
    """The ids of the submission's flagged items, in its order."""
    return [i.id for i in result.items if i.flags]


def _number(value: float) -> str:
    return f"{value:g}"


def _colour(score: float, max_score: float) -> str:
    return "green" if score == max_score else ("red" if score == 0 else "yellow")


def _total(result: SubmissionResult) -> str:
    pct = 100 * result.score / result.max_score if result.max_score else 0
    return f"{_number(result.score)}/{_number(result.max_score)} ({pct:.0f}%)"


def _short(item_id: str) -> str:
    return item_id.split("_", 1)[0]


def _cell(r: ItemResult | None) -> Text:
    """The score in its colour, why there is none, the flag: built from our own words only."""
    cell = Text()
    if r is None:
        return cell
    cell.append(_number(r.score), style=_colour(r.score, r.max_score))
    mark = STATUS_MARK[r.status]
    if mark:
        cell.append(f" {mark}", style="dim")
    if r.flags:
        cell.append(f" {FLAG}", style="bold magenta")
    return cell


def item_table(results: list[SubmissionResult], items: list[Item]) -> Table:
    """Submissions down, items across; a cell is the score, or why there is none."""
    grid = Table(title="Gradebook", header_style="bold")
    grid.add_column("submission", style="bold")
    for item in items:
        grid.add_column(_short(item.id), justify="right")
    grid.add_column("total", justify="right", style="bold")
    for result in scrub(results):
        grid.add_row(plain(result.submission), *[_cell(result.item(item.id)) for item in items], _total(result))
    return grid


def section_table(course: Course, results: list[SubmissionResult], items: list[Item]) -> Table:
    """Submissions down, a subtotal per section of the course across, the total and the flagged items."""
    sections = [s for s in course.sections if any(i.section == s.id for i in items)]
    grid = Table(title="Gradebook (subtotals by section)", header_style="bold")
    grid.add_column("submission", style="bold")
    for section in sections:
        points = sum(i.points for i in items if i.section == section.id)
        grid.add_column(plain(section.id) + f"\n/{points}", justify="right")
    grid.add_column("total", justify="right", style="bold", no_wrap=True)
    grid.add_column(FLAG, style="bold magenta")
    for result in scrub(results):
        cells: list[Text] = []
        for section in sections:
            mine = [r for i in items if i.section == section.id and (r := result.item(i.id))]
            if not mine:
                cells.append(Text())
                continue
            score, top = round(sum(r.score for r in mine), 4), round(sum(r.max_score for r in mine), 4)
            cells.append(Text(_number(score), style=_colour(score, top)))
        marks = flagged(result)
        grid.add_row(plain(result.submission), *cells, _total(result),
                     plain(f"{FLAG} {' '.join(_short(i) for i in marks)}" if marks else ""))
    grid.caption = "per-item scores: --json, --csv or --html"
    return grid


def table(course: Course, results: list[SubmissionResult], items: list[Item], width: int = 80) -> Table:
    """One column per item when that fits ``width``, else one per section."""
    grid = item_table(results, items)
    if Console(width=10_000).measure(grid).minimum > width:  # narrowest it can be, words unbroken
        grid = section_table(course, results, items)
    if any(flagged(r) for r in results):
        grid.caption = "\n".join(filter(None, [grid.caption, FLAG_NOTE]))
    return grid


def print_table(course: Course, results: list[SubmissionResult], items: list[Item], console: Console | None = None,
                isolation: dict | None = None) -> None:
    """The table, then (with the engine's ``isolation`` record) one line on how the code was isolated."""
    console = console or Console()
    console.print(table(course, results, items, console.width))
    if isolation:
        console.print(plain(isolation_line(isolation)), soft_wrap=True)
