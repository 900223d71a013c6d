"""The reporter, the pytest plugin inside a worker: the events it builds from pytest's hooks.

In a worker its events go down the results pipe (tests/sandbox/test_protocol.py runs
real workers); here the reporter runs in a fresh interpreter on a small suite, its
``emit`` writing each frame to a file, so that every frame it built is read back in
order, including those of a run it ends itself when the student's module fails to import.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from autograder.sandbox import plugin, protocol
from autograder.sandbox.messages import MAX_LENGTH
from tests.support.processes import run_python

SUITE = '''
import pytest


class Client:
    def get(self, path):
        return type("Response", (), {"headers": {}})()


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def breaks_at_teardown():
    yield
    raise RuntimeError("teardown broke")


@pytest.mark.points(3)
@pytest.mark.task(2)
def test_passes(client):
    """The answer holds.

    More lines, which the description leaves out."""
    assert client.get("/books").headers == {}


@pytest.mark.task(1)
def test_fails_an_assertion():
    assert 1 == 2, "one is not two"


def test_raises_an_error():
    raise KeyError("k")


def test_is_skipped():
    pytest.skip("not today")


def test_breaks_at_teardown(breaks_at_teardown):
    pass


def test_left_out():
    pass
'''

# The reporter as the worker makes it, without the guard and the sandbox (tested on their own).
RUN = """
import json, sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from autograder.sandbox import worker
from autograder.sandbox.plugin import Reporter

suite, student, frames, skip, canaries = sys.argv[1:6]
out = open(frames, "w")


def emit(frame):
    out.write(json.dumps(frame) + "\\n")
    out.flush()


reporter = Reporter(emit, Path(student), "async01_why_async", frozenset(skip.split()), tuple(canaries.split()))
folder = Path(suite).parent
pytest.main([suite, "-c", str(folder / "pytest.ini"), f"--rootdir={folder}", *worker.PYTEST_ARGS], plugins=[reporter])
"""


def reported(folder: Path, student: str = "x = 1\n", skip: str = "test_left_out", canaries: str = "",
             suite: str = SUITE) -> list[dict]:
    """Every frame the reporter emitted on the suite with this student's module, in order."""
    (folder / "test_suite.py").write_text(suite, encoding="utf-8")
    (folder / "pytest.ini").write_text("[pytest]\nmarkers =\n    points\n    task\n", encoding="utf-8")
    (folder / "async01_why_async.py").write_text(student, encoding="utf-8")
    done = run_python(RUN, str(folder / "test_suite.py"), str(folder / "async01_why_async.py"),
                      str(folder / "frames.jsonl"), skip, canaries)
    assert done.returncode == 0, done.stdout + done.stderr
    frames = [json.loads(line) for line in (folder / "frames.jsonl").read_text().splitlines()]
    assert [protocol.parse(frame).frame() for frame in frames] == frames  # each one an event of the protocol
    return frames


def results(frames: list[dict]) -> dict[str, tuple[str, str]]:
    return {frame["name"]: (frame["status"], frame["message"]) for frame in frames if frame["event"] == "result"}


def test_a_run_is_collected_imported_each_test_started_and_reported_then_done(tmp_path):
    frames = reported(tmp_path)
    names = ["test_passes", "test_fails_an_assertion", "test_raises_an_error", "test_is_skipped",
             "test_breaks_at_teardown"]  # test_left_out was graded by an earlier worker
    assert frames[0] == protocol.Collected((
        protocol.PlannedTest("test_passes", 3.0, 2, "The answer holds."),
        protocol.PlannedTest("test_fails_an_assertion", 1.0, 1, "fails an assertion"),
        *(protocol.PlannedTest(name, 1.0, None, name.removeprefix("test_").replace("_", " ")) for name in names[2:]),
    )).frame()
    assert frames[1] == {"event": "imported"}
    assert [(frame["event"], frame["name"]) for frame in frames[2:-1]] == [
        (kind, name) for name in names for kind in ("start", "result")]  # one test at a time, in order
    assert frames[-1]["event"] == "done" and frames[-1]["peak_rss_kb"] > 0


def test_each_outcome_becomes_a_status_and_one_line(tmp_path):
    assert results(reported(tmp_path)) == {
        "test_passes": ("passed", ""),
        "test_fails_an_assertion": ("failed", "one is not two"),
        "test_raises_an_error": ("error", "KeyError: 'k'"),
        "test_is_skipped": ("failed", "skipped: not today"),  # a skip earns no points
        "test_breaks_at_teardown": ("error", "RuntimeError: teardown broke"),
    }


@pytest.mark.parametrize(("student", "frame"), [
    ("x = 1\nraise ValueError('no')\n", {"event": "import_error", "message": "ValueError: no (async01_why_async.py, "
                                                                          "line 2)"}),
    ("raise SystemExit(3)\n", {"event": "crashed", "message": "your code called sys.exit(3) (async01_why_async.py, "
                                                              "line 1); a web app must never exit"}),
])
def test_a_module_that_fails_to_import_ends_the_run_after_saying_why(tmp_path, student, frame):
    """Every test is known before the import, so the grader can score each one; then the worker ends."""
    frames = reported(tmp_path, student)
    assert [f["event"] for f in frames] == ["collected", frame["event"]] and frames[1] == frame
    assert len(frames[0]["tests"]) == 5


def test_canaries_are_mixed_in_and_fail_even_when_every_real_test_is_left_out(tmp_path):
    canaries = "test_answers_request_header test_keeps_status_route"
    everything = "test_passes test_fails_an_assertion test_raises_an_error test_is_skipped test_breaks_at_teardown"
    mixed = reported(tmp_path, canaries=canaries)
    assert sorted(t["name"] for t in mixed[0]["tests"]) == sorted([*everything.split(), *canaries.split()])
    alone = reported(tmp_path, skip=f"{everything} test_left_out", canaries=canaries)
    assert sorted(t["name"] for t in alone[0]["tests"]) == sorted(canaries.split())
    assert {name: status for name, (status, _) in results(alone).items()} == dict.fromkeys(canaries.split(), "failed")


def test_a_replaced_pytest_function_is_reported_at_the_import_and_at_every_phase_of_every_test(tmp_path):
    frames = reported(tmp_path, "import _pytest.outcomes\n_pytest.outcomes.fail = print\n")
    tampered = {"event": "tampered", "flag": "replaced _pytest.outcomes.fail"}
    assert frames[1:3] == [tampered, {"event": "imported"}]
    assert sum(frame == tampered for frame in frames) == 1 + 3 * 5  # setup, call and teardown of the 5 tests


def test_a_suite_that_cannot_be_collected_is_reported_and_the_run_still_ends(tmp_path):
    frames = reported(tmp_path, suite="def test_(:\n")
    assert [frame["event"] for frame in frames] == ["collect_error", "collected", "imported", "done"]
    message = frames[0]["message"]  # the first line of pytest's report, whatever this pytest words it
    assert message.strip() and "\n" not in message and len(message) <= MAX_LENGTH and frames[1]["tests"] == []


class Collected:
    """What the three helpers read of a collected test: its markers, its function, its name."""

    def __init__(self, name: str, doc: str | None = None, **markers: object) -> None:
        self.name = name
        self.function = SimpleNamespace(__doc__=doc)
        self.markers = {key: SimpleNamespace(name=key, args=(value,)) for key, value in markers.items()}

    def get_closest_marker(self, name: str):
        return self.markers.get(name)


def test_points_task_and_description_of_a_collected_test():
    marked = Collected("test_x", "  Checks the thing.\n\n  Not this.", points=2.5, task=3)
    assert (plugin.points_of(marked), plugin.task_of(marked), plugin.description_of(marked)) == (
        2.5, 3, "Checks the thing.")
    bare = Collected("test_the_answer_holds", "   ")
    assert (plugin.points_of(bare), plugin.task_of(bare), plugin.description_of(bare)) == (
        1.0, None, "the answer holds")
    assert plugin.description_of(Collected("test_y", "x" * 500)) == "x" * (MAX_LENGTH - 1) + "…"
