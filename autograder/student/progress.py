"""Which items pass their public checks, by section.

Results come from the state file; an item whose exercise file changed since its last
check (or was never checked) is checked again first, in parallel worker processes, so
the picture is never stale.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rich.console import Group
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from autograder.manifest import Course, Item
from autograder.paths import EXERCISES
from autograder.safe import plain
from autograder.sandbox import warm
from autograder.student.check import CheckReport, run_checks
from autograder.student.state import CheckRecord, State, remember


@dataclass
class Row:
    item: Item
    record: CheckRecord | None


def refresh(course: Course, folder: Path | None = None, state: State | None = None,
            on_plan: Callable[[int], None] | None = None,
            on_checked: Callable[[str], None] | None = None) -> State:
    """Re-check every item of the course whose file changed since its recorded check; save the state.

    ``on_plan`` hears how many items need a check, ``on_checked`` each item id as its
    check ends (from worker threads, in the order they end): the CLI's progress bar.
    """
    folder = Path(folder or EXERCISES)
    state = state or State.load()
    stale = [item for item in course.items
             if (folder / item.filename).is_file() and not state.is_current(item.id, folder / item.filename)]
    if on_plan is not None:
        on_plan(len(stale))
    if not stale:
        return state
    warm.start()

    def check(item: Item) -> CheckReport:
        report = run_checks(item, folder)
        if on_checked is not None:
            on_checked(item.id)
        return report

    # Two checks per core: many checks wait more than they compute (an endpoint's sleep, a
    # concurrency probe), so one per core left the cores idle (all 41 solutions: 14.5 s
    # with one per core, 9.9 s with two). Not limits.default_workers: grading a class is
    # not in the student bundle.
    with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 1)) as pool:
        reports = list(pool.map(check, stale))
    return remember(reports, state)


def rows(course: Course, state: State, folder: Path | None = None) -> list[Row]:
    folder = Path(folder or EXERCISES)
    out = []
    for item in course.items:
        current = state.is_current(item.id, folder / item.filename)
        out.append(Row(item, state.checks.get(item.id) if current else None))
    return out


#: The most a section title takes: longer ones wrap (the course's longest is 68
#: characters, which left a narrow terminal no room for the item ids).
SECTION_WIDTH = 24
#: The most a section's bar takes; it shrinks on a narrow terminal, an item id never does.
BAR_WIDTH = 20


def render(course: Course, state: State, folder: Path | None = None) -> Group:
    """The table, sized so that an item id is never cut (it is what the student types
    next) from 80 columns on: the section title wraps and the bars shrink instead."""
    table = Table(title="Your progress (public checks)", header_style="bold")
    table.add_column("section", max_width=SECTION_WIDTH)
    table.add_column("item", no_wrap=True, min_width=max(len(item.id) for item in course.items))
    table.add_column("status", no_wrap=True)
    table.add_column("checks", max_width=BAR_WIDTH)
    all_rows = rows(course, state, folder)
    for section in course.sections:
        section_rows = [r for r in all_rows if r.item.section == section.id]
        if not section_rows:
            continue
        done = sum(1 for r in section_rows if r.record and r.record.passed)
        table.add_row(plain(section.title, "bold"), "", f"{done}/{len(section_rows)} pass",
                      ProgressBar(total=len(section_rows), completed=done))
        for row in section_rows:
            if row.record is None:
                table.add_row("", plain(row.item.id), Text("not checked", style="dim"), "")
            elif row.record.passed:
                table.add_row("", plain(row.item.id), Text("✓ passes", style="green"),
                              f"{row.record.score:g}/{row.record.max_score:g}")
            else:
                table.add_row("", plain(row.item.id), Text("✗ not yet", style="yellow"),
                              f"{row.record.score:g}/{row.record.max_score:g}")
    passed = sum(1 for r in all_rows if r.record and r.record.passed)
    overall = Table.grid(padding=(0, 1))
    overall.add_row(f"[bold]{passed}/{len(all_rows)} items pass[/]",
                    ProgressBar(total=len(all_rows), completed=passed, width=40))
    return Group(table, overall)
