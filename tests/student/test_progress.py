"""The progress view: which items pass their public checks, re-checking what changed.

The view is drawn for terminals of 80 and 140 columns and read back as plain text.
"""

from __future__ import annotations

import os
import shutil

import pytest

from autograder.paths import EXERCISES, SOLUTIONS
from autograder.student import notebook, progress
from autograder.student.state import State
from tests.conftest import COURSE

ITEM = COURSE.item("async01_why_async")


def test_progress_rechecks_only_what_changed(tmp_path, monkeypatch):
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(SOLUTIONS / ITEM.filename, folder / ITEM.filename)
    calls = []
    real = progress.run_checks
    monkeypatch.setattr(progress, "run_checks", lambda item, f: calls.append(item.id) or real(item, f))
    first = progress.refresh(COURSE, folder)
    second = progress.refresh(COURSE, folder)
    assert calls == [ITEM.id]  # the second refresh found nothing stale
    assert first.checks[ITEM.id].passed and second.checks[ITEM.id].passed
    text = repr(notebook._Rich(progress.render(COURSE, second, folder)))
    assert "✓ passes" in text


def test_progress_reports_the_plan_and_each_check_as_it_ends(tmp_path):
    """What the CLI's progress bar is fed: the number of stale items first, then one call
    per item checked; nothing at all when nothing is stale."""
    folder = tmp_path / "mine"
    folder.mkdir()
    items = COURSE.items[:3]
    for item in items:
        shutil.copy(SOLUTIONS / item.filename, folder / item.filename)
    plans, checked = [], []
    progress.refresh(COURSE, folder, on_plan=plans.append, on_checked=checked.append)
    assert plans == [3]
    assert sorted(checked) == sorted(item.id for item in items)
    progress.refresh(COURSE, folder, on_plan=plans.append, on_checked=checked.append)
    assert plans == [3, 0] and len(checked) == 3


def test_stub_progress_is_not_yet():
    state = progress.refresh(COURSE, EXERCISES)
    assert all(not record.passed for record in state.checks.values())


def rendered(renderable, width: int) -> list[str]:
    """What a terminal ``width`` columns wide shows, as lines of plain text."""
    from rich.console import Console

    with open(os.devnull, "w") as nowhere:
        screen = Console(width=width, record=True, file=nowhere)
        screen.print(renderable)
    return screen.export_text().splitlines()


@pytest.mark.parametrize("width", [80, 100, 140])
def test_the_progress_view_never_cuts_an_item_id(width):
    """Every item id appears whole (it is what the student types next), in every state a
    row can be in: checked and passing, checked and failing, not checked."""
    state = State()
    for n, item in enumerate(COURSE.items):
        if n % 3:
            state.record_check(item.id, EXERCISES / item.filename, n % 3 == 1, 12, 12 if n % 3 == 1 else 30)
    lines = rendered(progress.render(COURSE, state, EXERCISES), width)
    cells = {cell.strip() for line in lines for cell in line.split("│")}
    assert [item.id for item in COURSE.items if item.id not in cells] == []
    assert max(len(line) for line in lines) <= width
    assert "✓ passes" in cells and "✗ not yet" in cells and "not checked" in cells


def test_a_long_section_title_wraps_instead_of_widening_the_table():
    header = next(line for line in rendered(progress.render(COURSE, State(), EXERCISES), 140) if "section" in line)
    assert len(header.split("┃")[1]) <= progress.SECTION_WIDTH + 2  # the column and its padding


def test_a_row_has_a_record_only_while_its_file_is_the_one_checked(tmp_path):
    other = COURSE.items[1]
    shutil.copy(EXERCISES / ITEM.filename, tmp_path / ITEM.filename)
    state = State()
    state.record_check(ITEM.id, tmp_path / ITEM.filename, False, 3, 10)
    state.record_check(other.id, tmp_path / other.filename, False, 0, 0)  # its check found no file
    first, second, *rest = progress.rows(COURSE, state, tmp_path)
    assert [row.item for row in (first, second, *rest)] == list(COURSE.items)
    assert first.record is state.checks[ITEM.id] and {row.record for row in rest} == {None}
    assert second.record is state.checks[other.id]  # and there is still none
    (tmp_path / ITEM.filename).write_text("# edited\n")
    (tmp_path / other.filename).write_text("# written since\n")
    assert [row.record for row in progress.rows(COURSE, state, tmp_path)[:2]] == [None, None]


def a_class_state() -> State:
    """Of the first seven items, two pass, two fail, three were not checked; none of the others was."""
    state = State()
    for n, item in enumerate(COURSE.items[:7]):
        if n % 3:
            state.record_check(item.id, EXERCISES / item.filename, n % 3 == 1, 12, 12 if n % 3 == 1 else 30)
    return state


def header_of(lines: list[str]) -> list[str]:
    """The header row's cells, each with its padding: one per column, as wide as the column."""
    return next(line for line in lines if "section" in line).split("┃")[1:-1]


def body_of(lines: list[str]) -> list[list[str]]:
    """Every row of the table's body, as its cells' text."""
    return [[cell.strip() for cell in line.split("│")[1:-1]] for line in lines if line.startswith("│")]


def expected_counts(passing_in_first: int) -> list[str]:
    return [f"{passing_in_first if n == 0 else 0}/{sum(i.section == s.id for i in COURSE.items)} pass"
            for n, s in enumerate(COURSE.sections)]


@pytest.mark.parametrize("width", [80, 140])
def test_the_progress_view_by_section_at_80_and_140_columns(width):
    """Sections in course order, each with its count and its items under it; the total last."""
    lines = rendered(progress.render(COURSE, a_class_state(), EXERCISES), width)
    header = header_of(lines)
    assert [cell.strip() for cell in header] == ["section", "item", "status", "checks"]
    assert len(header[1]) == max(len(item.id) for item in COURSE.items) + 2  # never narrower than an id
    rows = body_of(lines)
    assert [row[2] for row in rows if row[2].endswith(" pass")] == expected_counts(2)
    assert [row[1] for row in rows if row[1]] == [item.id for item in COURSE.items]
    assert [row[2:] for row in rows if row[1] in (COURSE.items[1].id, COURSE.items[2].id)] == [
        ["✓ passes", "12/12"], ["✗ not yet", "12/30"]]
    assert lines[-1].startswith(f"2/{len(COURSE.items)} items pass ")


def test_at_140_columns_the_title_and_the_bars_take_their_most_and_no_more():
    lines = rendered(progress.render(COURSE, a_class_state(), EXERCISES), 140)
    section, _, _, checks = header_of(lines)
    assert (len(section), len(checks)) == (progress.SECTION_WIDTH + 2, progress.BAR_WIDTH + 2)
    assert max(len(line.rstrip()) for line in lines) < 140  # the table is as wide as it needs, not wider


def test_at_80_columns_the_title_and_the_bars_give_way_and_the_ids_do_not():
    wide, narrow = (header_of(rendered(progress.render(COURSE, a_class_state(), EXERCISES), w)) for w in (140, 80))
    assert len(narrow[0]) < len(wide[0]) and len(narrow[3]) < len(wide[3])
    assert (len(narrow[1]), len(narrow[2])) == (len(wide[1]), len(wide[2]))
    assert len("┃".join(["", *narrow, ""])) == 80
