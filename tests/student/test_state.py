"""The progress file, hints one at a time, and the progress view."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil

import pytest
from typer.testing import CliRunner

from autograder import manifest
from autograder.cli import app
from autograder.paths import EXERCISES, SOLUTIONS
from autograder.sandbox.limits import Limits
from autograder.student import check, hints, notebook, progress
from autograder.student.state import State, UnknownTask, remember, state_file
from tests.conftest import COURSE

ITEM = COURSE.item("async01_why_async")


GRADUATED = ("the idea of task {n}", "the API of task {n}", "the code of task {n}")


@pytest.fixture
def graduated(monkeypatch):
    """The async01 item with a three-level hint per task, in place of the manifest's."""
    item = dataclasses.replace(ITEM, hints=tuple(tuple(level.format(n=n) for level in GRADUATED)
                                                  for n in range(1, ITEM.tasks + 1)))
    course = dataclasses.replace(COURSE, items=tuple(item if i.id == ITEM.id else i for i in COURSE.items))
    monkeypatch.setattr(manifest, "load", lambda *args: course)
    return item


def hint_lines(*args: str) -> list[str]:
    result = CliRunner().invoke(app, ["hint", ITEM.id, *args])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_a_hint_reveals_one_level_per_call_and_says_when_the_last_was_shown(graduated):
    shown = [hint_lines() for _ in range(4)]
    assert [lines[0] for lines in shown] == [
        "hint 1/3 for task 1: the idea of task 1", "hint 2/3 for task 1: the API of task 1",
        "hint 3/3 for task 1: the code of task 1", "hint 3/3 for task 1: the code of task 1"]
    assert "again for the next level" in shown[0][1] and "again for the next level" in shown[1][1]
    assert shown[2][1] == "That was the last level of task 1's hint."
    assert "already the last level" in shown[3][1]  # said plainly, never a silent wrap to level 1


def test_a_hint_is_for_the_first_task_the_last_check_failed(graduated, tmp_path):
    file = tmp_path / ITEM.filename
    file.write_text("app = None\n")
    state = State()
    state.record_check(ITEM.id, file, False, 1, 2, failed_tasks=[2])
    state.save()
    assert hint_lines("--path", str(tmp_path))[0] == "hint 1/3 for task 2: the idea of task 2"
    assert hint_lines("--path", str(tmp_path))[0] == "hint 2/3 for task 2: the API of task 2"
    assert hint_lines("--path", str(tmp_path), "--task", "1")[0] == "hint 1/3 for task 1: the idea of task 1"
    file.write_text("app = None  # edited since the check\n")  # the record is stale: start at task 1
    assert hint_lines("--path", str(tmp_path))[0] == "hint 2/3 for task 1: the API of task 1"
    state = State.load()
    state.record_check(ITEM.id, file, True, 2, 2, failed_tasks=[])
    state.save()
    assert "passes: no hint needed" in hint_lines("--path", str(tmp_path))[0]


def test_a_check_records_its_failed_tasks(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    source = (SOLUTIONS / ITEM.filename).read_text()
    # The solution with task 2 undone: the three fetches awaited one after another.
    sequential = source.replace("asyncio.gather(", "_sequential(", 1) + (
        "\n\nasync def _sequential(*coros):\n    return [await c for c in coros]\n")
    assert sequential != source
    (folder / ITEM.filename).write_text(sequential)
    notebook.check(ITEM.id, folder)
    assert State.load().checks[ITEM.id].failed_tasks == [2]
    assert State.load().unfinished_tasks(ITEM, folder / ITEM.filename) == [2]


def test_a_failing_check_shows_only_the_first_level(graduated, tmp_path):
    report = check.run_checks(graduated, EXERCISES)
    text = "\n".join(report.lines())
    assert "hint: the idea of task 1" in text and "the API of" not in text and "the code of" not in text
    html = report._repr_html_()
    assert "the idea of task 1" in html and "the code of" not in html


def test_the_notebook_hint_reveals_levels_too(graduated):
    first = repr(notebook.hint(ITEM.id))
    second = repr(notebook.hint(ITEM.id))
    assert "hint 1/3 for task 1: the idea of task 1" in first and '`hint("async01_why_async")` again' in first
    assert "hint 2/3 for task 1" in second


def test_all_hints_at_once(graduated):
    lines = hint_lines("--all")
    assert len(lines) == 3 * ITEM.tasks
    assert lines[0] == "task 1, hint 1/3: the idea of task 1" and lines[-1].endswith(f"the code of task {ITEM.tasks}")


def test_state_file_is_small_json_and_survives_garbage(tmp_path):
    state = State()
    state.hints_seen["x"] = {"1": 2}
    state.save()
    assert json.loads(state_file().read_text())["version"] == 1
    assert State.load().hints_seen == {"x": {"1": 2}}
    state_file().write_text("{not json")
    assert State.load().hints_seen == {}


def test_a_first_edition_state_file_keeps_its_checks_and_drops_hint_counts(tmp_path):
    """The first edition counted hints per item; a count says nothing of levels."""
    state_file().write_text(json.dumps({"version": 1, "hints_seen": {ITEM.id: 3}, "checks": {ITEM.id: {
        "passed": True, "score": 2, "max_score": 2, "sha256": None, "checked_at": "2026-01-01T00:00:00+00:00"}}}))
    state = State.load()
    assert state.hints_seen == {} and state.checks[ITEM.id].passed and state.checks[ITEM.id].failed_tasks is None


def test_check_records_progress_and_an_edit_makes_it_stale(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(SOLUTIONS / ITEM.filename, folder / ITEM.filename)
    report = notebook.check(ITEM.id, folder)
    assert report.passed
    state = State.load()
    assert state.checks[ITEM.id].passed and state.is_current(ITEM.id, folder / ITEM.filename)
    (folder / ITEM.filename).write_text((folder / ITEM.filename).read_text() + "\n# edited\n")
    assert not State.load().is_current(ITEM.id, folder / ITEM.filename)


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


def test_an_endless_loop_in_the_exercise_ends_the_check_with_a_timeout(tmp_path, monkeypatch):
    """The notebook's check() returns a table even when the student's route never returns:
    the loop runs in a worker process, so the kernel (here, this process) goes on."""
    monkeypatch.setattr(notebook, "run_checks",
                        lambda item, folder: check.run_checks(item, folder, Limits(test=1, item=20)))
    folder = tmp_path / "mine"
    folder.mkdir()
    stub = (EXERCISES / ITEM.filename).read_text()
    looping = stub.replace('raise NotImplementedError("dashboard() is not written yet")', "while True:\n        pass")
    assert looping != stub
    (folder / ITEM.filename).write_text(looping)
    report = notebook.check(ITEM.id, folder)
    assert not report.passed
    assert {test.status for test in report.result.tests} == {"timeout"}
    html = report._repr_html_()
    assert "did not finish within 1 s" in html and f"0/{report.result.max_score:g} points" in html


def test_a_progress_file_that_cannot_be_written_never_fails_a_check(tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    monkeypatch.setenv("WORKBOOK_STATE", str(blocker / "state.json"))  # its folder is a file: saving fails
    report = check.run_checks(ITEM, tmp_path)  # no file there: reported without a worker
    state = remember([report])
    assert not state.checks[ITEM.id].passed and blocker.read_text() == ""


def test_the_notebooks_hint_refuses_a_task_the_item_does_not_have():
    with pytest.raises(UnknownTask, match=f"{ITEM.id} has no task 9 \\(tasks 1 to {ITEM.tasks}\\)"):
        notebook.hint(ITEM.id, task=9)
    assert hints.lines(ITEM, show_all=True) == hints.all_lines(ITEM)
