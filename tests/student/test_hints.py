"""Graduated hints: one more level at each call, the idea first and the code last.

The ``graduated`` fixture (conftest.py) gives async01 three levels per task. The first
tests go through ``workbook hint``, as a student does; the others call the module.
"""

from __future__ import annotations

import dataclasses

import pytest
from typer.testing import CliRunner

from autograder.cli import app
from autograder.paths import EXERCISES
from autograder.student import hints
from autograder.student.state import Reveal, State, UnknownTask, state_file
from tests.conftest import COURSE

ITEM = COURSE.item("async01_why_async")


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


def test_all_hints_at_once(graduated):
    lines = hint_lines("--all")
    assert len(lines) == 3 * ITEM.tasks
    assert lines[0] == "task 1, hint 1/3: the idea of task 1" and lines[-1].endswith(f"the code of task {ITEM.tasks}")


# --- the module's lines, word for word ---------------------------------------------------------

AGAIN = "Run `workbook hint async01_why_async` again for the next level."


def test_lines_graduate_from_the_idea_to_the_code_then_say_there_is_no_more(graduated):
    shown = [hints.lines(graduated, EXERCISES) for _ in range(4)]
    assert shown == [["hint 1/3 for task 1: the idea of task 1", AGAIN],
                     ["hint 2/3 for task 1: the API of task 1", AGAIN],
                     ["hint 3/3 for task 1: the code of task 1", "That was the last level of task 1's hint."],
                     ["hint 3/3 for task 1: the code of task 1",
                      "That was already the last level of task 1's hint; there is no further one."]]
    assert State.load().hints_seen == {ITEM.id: {"1": 3}}


def test_each_task_graduates_on_its_own_and_the_front_end_says_how_to_ask_again(graduated):
    again = 'hint("{id}")'
    assert hints.lines(graduated, task=2, again=again) == [
        "hint 1/3 for task 2: the idea of task 2", 'Run `hint("async01_why_async")` again for the next level.']
    assert hints.lines(graduated, task=2, again=again)[0] == "hint 2/3 for task 2: the API of task 2"
    assert hints.lines(graduated, task=1)[0] == "hint 1/3 for task 1: the idea of task 1"
    assert State.load().hints_seen == {ITEM.id: {"2": 2, "1": 1}}


def test_reveal_returns_what_it_showed(graduated):
    shown, said = hints.reveal(graduated, task=3)
    assert shown == Reveal(3, 1, 3, "the idea of task 3") and not shown.last and not shown.exhausted
    assert said[0] == "hint 1/3 for task 3: the idea of task 3"


def test_a_hint_of_one_level_is_at_once_the_last():
    item = dataclasses.replace(ITEM, hints=(("only this",),))
    assert hints.lines(item, task=1) == ["hint 1/1 for task 1: only this", "That was the last level of task 1's hint."]
    assert hints.all_lines(item) == ["task 1, hint 1/1: only this"]


def test_an_item_without_hints_says_so_and_records_nothing():
    item = dataclasses.replace(ITEM, hints=())
    assert hints.lines(item) == hints.lines(item, show_all=True) == ["async01_why_async has no hints."]
    assert hints.reveal(item) == (None, ["async01_why_async has no hints."])
    assert not state_file().exists()


@pytest.mark.parametrize("task", [0, 4, -1])
def test_a_task_the_item_does_not_have_is_refused_before_anything_is_shown(graduated, task):
    with pytest.raises(UnknownTask) as caught:
        hints.lines(graduated, task=task, show_all=True)
    assert str(caught.value) == f"async01_why_async has no task {task} (tasks 1 to {ITEM.tasks})"
    assert not state_file().exists()


def test_no_hint_is_needed_when_every_check_of_the_file_passes(graduated, tmp_path):
    file = tmp_path / ITEM.filename
    file.write_text("app = None\n")
    state = State()
    state.record_check(ITEM.id, file, True, 10, 10, failed_tasks=[])
    state.save()
    assert hints.lines(graduated, tmp_path) == [
        "Every check of async01_why_async passes: no hint needed (`workbook hint async01_why_async --all` shows "
        "them all)."]
    assert State.load().hints_seen == {}


def test_a_hint_is_shown_when_the_progress_file_cannot_be_written(graduated, tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    monkeypatch.setenv("WORKBOOK_STATE", str(blocker / "state.json"))  # its folder is a file: saving fails
    assert hints.lines(graduated)[0] == hints.lines(graduated)[0] == "hint 1/3 for task 1: the idea of task 1"


def test_all_lines_are_every_level_of_every_task_in_order(graduated):
    assert hints.all_lines(graduated) == [f"task {n}, hint {level}/3: the {part} of task {n}"
                                          for n in range(1, ITEM.tasks + 1)
                                          for level, part in enumerate(("idea", "API", "code"), start=1)]
    assert hints.lines(graduated, show_all=True) == hints.all_lines(graduated)
    assert not state_file().exists()  # --all records nothing
