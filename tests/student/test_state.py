"""The progress file: what a check records, and a file that is garbage, old or unwritable.

Hints (test_hints.py), the progress view (test_progress.py) and the notebook's calls
(test_notebook.py) read and write it; their tests are beside their modules.
"""

from __future__ import annotations

import json

from autograder.paths import SOLUTIONS
from autograder.student import check, notebook
from autograder.student.state import State, remember, state_file
from tests.conftest import COURSE

ITEM = COURSE.item("async01_why_async")


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


def test_a_progress_file_that_cannot_be_written_never_fails_a_check(tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    monkeypatch.setenv("WORKBOOK_STATE", str(blocker / "state.json"))  # its folder is a file: saving fails
    report = check.run_checks(ITEM, tmp_path)  # no file there: reported without a worker
    state = remember([report])
    assert not state.checks[ITEM.id].passed and blocker.read_text() == ""
