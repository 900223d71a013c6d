"""The progress file, hints one at a time, and the progress view."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from autograder import checks, engine, notebook, progress
from autograder.cli import app
from autograder.paths import EXERCISES, SOLUTIONS
from autograder.state import State, state_file
from tests.conftest import COURSE

ITEM = COURSE.item("async01_why_async")


def test_hints_come_one_at_a_time_and_cycle():
    runner = CliRunner()
    shown = [runner.invoke(app, ["hint", ITEM.id]).output.splitlines()[0] for _ in range(len(ITEM.hints) + 1)]
    assert [line.split(" ", 2)[1] for line in shown] == [f"{n}/{len(ITEM.hints)}" for n in
                                                         [*range(1, len(ITEM.hints) + 1), 1]]
    assert ITEM.hints[0][:30] in shown[0]


def test_all_hints_at_once():
    output = CliRunner().invoke(app, ["hint", ITEM.id, "--all"]).output
    assert output.count("hint ") == len(ITEM.hints)


def test_state_file_is_small_json_and_survives_garbage(tmp_path):
    state = State()
    state.hints_seen["x"] = 2
    state.save()
    assert json.loads(state_file().read_text())["version"] == 1
    state_file().write_text("{not json")
    assert State.load().hints_seen == {}


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
    monkeypatch.setattr(progress, "run_checks", lambda item_id, f: calls.append(item_id) or real(item_id, f))
    first = progress.refresh(folder)
    second = progress.refresh(folder)
    assert calls == [ITEM.id]  # the second refresh found nothing stale
    assert first.checks[ITEM.id].passed and second.checks[ITEM.id].passed
    text = repr(notebook._Rich(progress.render(second, folder)))
    assert "✓ passes" in text


def test_stub_progress_is_not_yet():
    state = progress.refresh(EXERCISES)
    assert all(not record.passed for record in state.checks.values())


def test_an_endless_loop_in_the_exercise_ends_the_check_with_a_timeout(tmp_path, monkeypatch):
    """The notebook's check() returns a table even when the student's route never returns:
    the loop runs in a worker process, so the kernel (here, this process) goes on."""
    monkeypatch.setattr(notebook, "run_checks",
                        lambda item_id, folder: checks.run_checks(item_id, folder, engine.Limits(test=1, item=20)))
    folder = tmp_path / "mine"
    folder.mkdir()
    stub = (EXERCISES / ITEM.filename).read_text()
    looping = stub.replace('raise NotImplementedError("dashboard() is not written yet")', "while True:\n        pass")
    assert looping != stub
    (folder / ITEM.filename).write_text(looping)
    report = notebook.check(ITEM.id, folder)
    assert not report.passed
    assert {test.status for test in report.result.tests} == {"timeout"}
    html = report._repr_mimebundle_()["text/html"]
    assert "did not finish within 1 s" in html and "0/2 points" in html
