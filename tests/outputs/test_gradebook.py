"""The gradebook's writers: the results JSON, the CSV, and the terminal table.

The class they write is tests/support/gradebooks.py's, the one the HTML report's tests
(test_report.py) draw too.
"""

from __future__ import annotations

import csv
import io
import json

from rich.console import Console

from autograder.outputs import gradebook
from autograder.results import ItemResult, SubmissionResult, gradebook_json
from autograder.safe import scrub
from tests.conftest import COURSE
from tests.support.gradebooks import (
    FIRST,
    FORMULA,
    ISOLATION,
    ISOLATION_LINE,
    ITEMS,
    MARKUP,
    OTHER,
    chosen_names,
    class_results,
    item,
)

# --- CSV, JSON and the terminal table ---------------------------------------------------

def test_csv_lists_the_flagged_items(tmp_path):
    results = class_results()
    results[1].items[1].flags.append("read the hidden suite")
    results[2].items[1].flags.append("started a process")
    gradebook.write_csv(results, ITEMS, tmp_path / "g.csv")
    rows = list(csv.reader((tmp_path / "g.csv").read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["submission", FIRST.id, OTHER.id, "total", "max_score", "flags"]
    assert [r[-1] for r in rows[1:]] == ["", OTHER.id, f"{FIRST.id};{OTHER.id}"]


def test_json_carries_the_flags(tmp_path):
    gradebook.write_json(class_results(), tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["version"] == 1
    assert data["submissions"][2]["items"][0]["flags"] == ["canary passed: the reporting was tampered with"]
    assert data["submissions"][0]["items"][0]["flags"] == []


def render(results, items, width=80, isolation=None) -> str:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    gradebook.print_table(COURSE, results, items, console, isolation)
    console.file.close()
    return console.export_text()


def test_the_table_keeps_item_columns_when_they_fit():
    text = render(class_results(), ITEMS)
    assert FIRST.id.split("_")[0] in text and "subtotals" not in text
    assert "⚑" in text and "flagged" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def every_other_item_in_full(name: str, items: list, flagged: int | None = None) -> SubmissionResult:
    """Full marks on every other item (none on the first), a flag on the ``flagged``-th."""
    return SubmissionResult(name, [ItemResult(i.id, i.points if n % 2 else 0, i.points, "graded",
                                              flags=["x"] if n == flagged else []) for n, i in enumerate(items)])


def widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def line_of(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if name in line)


def test_the_table_shows_section_subtotals_when_items_do_not_fit():
    items = list(COURSE.items)
    results = [every_other_item_in_full("alice", items), every_other_item_in_full("bob", items, flagged=3)]
    text = render(results, items)
    assert "subtotals by section" in text
    assert widest(text) <= 80
    for section in COURSE.sections:
        points = sum(i.points for i in items if i.section == section.id)
        assert section.id in text and f"/{points}" in text
    bob = line_of(text, "bob")
    assert f"⚑ {items[3].id.split('_')[0]}" in bob
    alice = line_of(text, "alice")
    assert "⚑" not in alice
    wide = render(results, items, width=1000)
    assert "subtotals" not in wide and items[-1].id.split("_")[0] in wide


# --- names and messages a student chose -----------------------------------------------------

def test_csv_cells_are_never_formulas(tmp_path):
    gradebook.write_csv(chosen_names(), [FIRST], tmp_path / "g.csv")
    rows = list(csv.reader((tmp_path / "g.csv").read_text(encoding="utf-8").splitlines()))
    assert [r[0] for r in rows[1:]] == ["'" + FORMULA, "mallory", MARKUP, "'+tab bed"]
    assert rows[2][-1] == FIRST.id  # the flagged item's id, as before


def test_json_names_and_messages_hold_no_control_character(tmp_path):
    gradebook.write_json(chosen_names(), tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text())
    assert [s["submission"] for s in data["submissions"]] == [FORMULA, "mallory", MARKUP, "+tab bed"]
    assert data["submissions"][0]["items"][0]["tests"][1]["message"] == \
        "ValueError: mallory [bold]boom[/bold] second line"
    assert data["submissions"][1]["items"][0]["flags"] == ["flag mallory"]
    assert set(data) == {"version", "submissions"}  # no isolation record given: no key


def test_json_carries_an_isolation_record_only_when_given(tmp_path):
    gradebook.write_json(class_results(), tmp_path / "r.json", isolation=ISOLATION)
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["isolation"] == ISOLATION and data["version"] == 1
    del data["isolation"]
    gradebook.write_json(class_results(), tmp_path / "plain.json")
    assert data == json.loads((tmp_path / "plain.json").read_text())  # otherwise version 1 unchanged


def test_the_terminal_shows_names_as_written_and_no_escape_sequence():
    terminal = io.StringIO()
    console = Console(file=terminal, force_terminal=True, width=200, color_system="truecolor")
    gradebook.print_table(COURSE, chosen_names(), [FIRST], console, isolation=ISOLATION)
    shown = terminal.getvalue()
    assert "pwned" not in shown and "\x1b]" not in shown and "\x1b[2J" not in shown and "\t" not in shown
    text = render(chosen_names(), [FIRST], width=200, isolation=ISOLATION)
    assert MARKUP in text and FORMULA in text and "mallory" in text
    assert text.rstrip().splitlines()[-1] == ISOLATION_LINE


def test_the_section_table_shows_names_as_written():
    results = [SubmissionResult(MARKUP, [ItemResult(i.id, i.points, i.points, "graded") for i in COURSE.items])]
    text = render(results, list(COURSE.items), width=140)  # too narrow for 38 items, wide enough for the name
    assert "subtotals by section" in text and MARKUP in text


# --- what each cell and line says -------------------------------------------------------------

def cells(grid) -> list[list[tuple[str, list[str]]]]:
    """A table's rows as (text, its styles: the whole cell's, then each part's) per cell."""
    def styles(cell) -> list[str]:
        parts = (getattr(cell, "style", ""), *(span.style for span in getattr(cell, "spans", [])))
        return [style for style in parts if style]

    columns = [list(column.cells) for column in grid.columns]
    return [[(str(cell), styles(cell)) for cell in row] for row in zip(*columns, strict=True)]


def test_a_cell_is_the_score_in_its_colour_then_why_there_is_none_then_the_flag():
    items = list(COURSE.items[:6])
    statuses = ["graded", "missing", "import_error", "timeout", "crashed"]
    amy = SubmissionResult("amy", [ItemResult(i.id, 2.5 if n == 0 else 0, 5, statuses[n], flags=["x"] if n == 2 else [])
                                   for n, i in enumerate(items[:5])])  # nothing for the sixth item
    full = SubmissionResult("ben", [ItemResult(items[0].id, 5, 5, "graded")])
    (row, ben) = cells(gradebook.item_table([amy, full], items))
    assert row == [("amy", []), ("2.5", ["yellow"]), ("0 —", ["red", "dim"]),
                   ("0 import error ⚑", ["red", "dim", "bold magenta"]), ("0 timeout", ["red", "dim"]),
                   ("0 crashed", ["red", "dim"]), ("", []), ("2.5/25 (10%)", [])]
    assert ben[1] == ("5", ["green"]) and ben[-1] == ("5/5 (100%)", [])
    assert [column.header for column in gradebook.item_table([], items).columns] == [
        "submission", *(i.id.split("_")[0] for i in items), "total"]


def test_a_submission_without_points_totals_zero_percent():
    (row,) = cells(gradebook.item_table([SubmissionResult("nobody")], ITEMS))
    assert row[-1] == ("0/0 (0%)", [])


def test_a_section_cell_is_its_subtotal_in_its_colour():
    first_section = [i for i in COURSE.items if i.section == FIRST.section][:2]
    items = [*first_section, OTHER]
    results = [SubmissionResult("amy", [ItemResult(first_section[0].id, 3, 5, "graded"),
                                        ItemResult(first_section[1].id, 4, 5, "graded", flags=["x"])]),
               SubmissionResult("ben", [ItemResult(i.id, i.points, i.points, "graded") for i in items])]
    grid = gradebook.section_table(COURSE, results, items)
    assert [str(column.header) for column in grid.columns][1:3] == [
        f"{FIRST.section}\n/{sum(i.points for i in first_section)}", f"{OTHER.section}\n/{OTHER.points}"]
    amy, ben = cells(grid)
    assert amy[1:3] == [("7", ["yellow"]), ("", [])]  # no result of OTHER's section at all: an empty cell
    assert amy[-1][0] == f"⚑ {first_section[1].id.split('_')[0]}" and ben[-1][0] == ""
    assert ben[1][1] == ["green"] and grid.caption == "per-item scores: --json, --csv or --html"


def test_the_flag_note_is_added_only_when_something_is_flagged():
    assert gradebook.table(COURSE, [SubmissionResult("ben", [item(FIRST.id, ("passed", ""))])], ITEMS).caption is None
    assert gradebook.table(COURSE, class_results(), ITEMS).caption == gradebook.FLAG_NOTE
    narrow = gradebook.table(COURSE, class_results(), list(COURSE.items), width=80)
    assert narrow.caption == f"per-item scores: --json, --csv or --html\n{gradebook.FLAG_NOTE}"
    assert gradebook.flagged(class_results()[2]) == [FIRST.id] and gradebook.flagged(class_results()[0]) == []


def test_without_an_isolation_record_the_table_ends_the_output():
    text = render(class_results(), ITEMS)
    assert text.rstrip().splitlines()[-1].strip() == gradebook.FLAG_NOTE and "isolation" not in text


def test_csv_numbers_are_written_short_and_a_missing_result_is_an_empty_cell(tmp_path):
    results = [SubmissionResult("amy", [ItemResult(FIRST.id, 2.5, 10.0, "graded")])]
    gradebook.write_csv(results, ITEMS, tmp_path / "g.csv")
    rows = list(csv.reader((tmp_path / "g.csv").read_text(encoding="utf-8").splitlines()))
    assert rows[1] == ["amy", "2.5", "", "2.5", "10", ""]


def test_the_json_file_is_the_results_json_indented_with_a_final_newline(tmp_path):
    gradebook.write_json(chosen_names(), tmp_path / "r.json", isolation=ISOLATION)
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == json.dumps(
        gradebook_json(scrub(chosen_names()), ISOLATION), indent=2) + "\n"
