"""The notebook's calls: check(), hint() and progress(), and what Jupyter shows of each.

A check runs in a worker process, so the kernel (here, this process) never imports the
student's module and goes on when it loops.
"""

from __future__ import annotations

import shutil

import pytest

from autograder.paths import EXERCISES, SOLUTIONS
from autograder.sandbox.limits import Limits
from autograder.student import check, hints, notebook
from autograder.student.state import State, UnknownTask
from tests.conftest import COURSE

ITEM = COURSE.item("async01_why_async")


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


def test_the_notebook_hint_reveals_levels_too(graduated):
    first = repr(notebook.hint(ITEM.id))
    second = repr(notebook.hint(ITEM.id))
    assert "hint 1/3 for task 1: the idea of task 1" in first and '`hint("async01_why_async")` again' in first
    assert "hint 2/3 for task 1" in second


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


def test_the_notebooks_hint_refuses_a_task_the_item_does_not_have():
    with pytest.raises(UnknownTask, match=f"{ITEM.id} has no task 9 \\(tasks 1 to {ITEM.tasks}\\)"):
        notebook.hint(ITEM.id, task=9)
    assert hints.lines(ITEM, show_all=True) == hints.all_lines(ITEM)


def test_check_returns_the_report_it_recorded_without_a_worker_when_there_is_no_file(tmp_path, monkeypatch):
    monkeypatch.setattr(check.engine, "grade_item", lambda *args, **kwargs: pytest.fail("the engine was started"))
    report = notebook.check(ITEM.id, str(tmp_path))  # a folder given as text, as a notebook cell does
    assert (report.item, report.file, report.result.status) == (ITEM, tmp_path / ITEM.filename, "missing")
    assert report._repr_html_() == (f'<p class="workbook-check" style="color:#c62828;font-weight:bold">'
                                    f"✗ {ITEM.filename}: {tmp_path / ITEM.filename} was not found</p>")
    assert not State.load().checks[ITEM.id].passed


def test_check_refuses_an_unknown_item_before_it_records_anything():
    with pytest.raises(LookupError, match="unknown item 'nope01_nothing'"):
        notebook.check("nope01_nothing")
    assert State.load().checks == {}


def test_hint_shows_in_jupyter_as_html_and_elsewhere_as_its_lines(graduated):
    shown = notebook.hint(ITEM.id, task=2)
    bundle = shown._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert bundle["text/plain"].splitlines() == [
        "hint 1/3 for task 2: the idea of task 2", 'Run `hint("async01_why_async")` again for the next level.']
    assert bundle["text/html"] == (
        '<pre><span style="font-weight: bold">hint 1/3 for task 2: the idea of task 2</span>\n'
        "Run `hint(&quot;async01_why_async&quot;)` again for the next level.\n</pre>")
    assert repr(shown) == bundle["text/plain"] and shown._repr_mimebundle_() == bundle  # shown again, not revealed
    assert State.load().hints_seen == {ITEM.id: {"2": 1}}


def test_progress_is_the_progress_view_in_html(tmp_path):
    shown = notebook.progress(tmp_path)  # no exercise file there: nothing to check, no worker
    text, html = shown._repr_mimebundle_()["text/plain"], shown._repr_mimebundle_()["text/html"]
    assert "Your progress (public checks)" in text and text.splitlines()[-1].startswith(f"0/{len(COURSE.items)} items")
    assert html.startswith("<pre>") and html.endswith("</pre>") and "Authentication &amp;" in html
    assert all(item.id in text for item in COURSE.items) and max(len(line) for line in text.splitlines()) <= 100
