"""The engine under broken and hostile student code.

Each case is the async01 solution with one thing added (at import, or in the route
when ``user_id == 7``, which exactly one hidden test uses). The case must cost the
student that part and nothing else, and never the grader its run.
"""

from __future__ import annotations

import time

import pytest

from autograder.paths import SOLUTIONS
from autograder.sandbox import canary, channel, confine, engine, protocol, worker
from autograder.sandbox.limits import Limits
from tests.conftest import COURSE

ITEM = COURSE.item("async01_why_async")
SOLUTION = (SOLUTIONS / ITEM.filename).read_text(encoding="utf-8")
HANDLER = "async def dashboard(user_id: int = 1) -> dict:\n"
VICTIM = "test_answer_holds_what_each_source_returned"  # the one test that asks for user 7
# Short enough to keep the suite quick, long enough for a loaded 2-core machine.
LIMITS = Limits(test=4, import_=8, item=120)


def at_import(code: str) -> str:
    return SOLUTION.replace("app = FastAPI()\n", f"app = FastAPI()\n{code}\n")


def in_handler(code: str) -> str:
    return SOLUTION.replace(HANDLER, f"{HANDLER}    if user_id == 7:\n        {code}\n")


def grade(tmp_path, source: str | bytes, limits: Limits = LIMITS):
    path = tmp_path / ITEM.filename
    path.write_bytes(source if isinstance(source, bytes) else source.encode())
    return engine.grade_item(ITEM, path, "hidden", limits)


def by_name(result):
    return {t.name: t for t in result.tests}


@pytest.mark.parametrize(("source", "status", "fragment"), [
    (SOLUTION.replace("import asyncio\n", "import asyncio\ndef broken(:\n"), "import_error", "SyntaxError"),
    (at_import("print(undefined_name)"), "import_error", "NameError: name 'undefined_name' is not defined"),
    (at_import("assert False, 'checked while routes are defined'"), "import_error", "AssertionError"),
    (at_import("import no_such_module_here"), "import_error", "ModuleNotFoundError"),
    (at_import("import sys\nsys.exit(3)"), "crashed", "sys.exit(3)"),
    (at_import("import os\nos._exit(0)"), "crashed", "ended the process"),
    (at_import("raise KeyboardInterrupt"), "crashed", "KeyboardInterrupt"),
    (b"\x00\x01\x02 not python \xff\xfe", "import_error", ""),
])
def test_import_failures_score_every_test_zero_with_one_line(tmp_path, source, status, fragment):
    result = grade(tmp_path, source)
    assert result.status == status, result.message
    assert fragment in result.message
    assert "\n" not in result.message and "Traceback" not in result.message
    assert "autograder" not in result.message and "_pytest" not in result.message
    assert result.score == 0 and result.max_score == ITEM.points
    assert len(result.tests) == 5 and all(t.score == 0 for t in result.tests)


def test_line_of_the_student_file_is_named(tmp_path):
    source = at_import("value = 1 / 0")
    line = source.splitlines().index("value = 1 / 0") + 1
    assert grade(tmp_path, source).message == (
        f"ZeroDivisionError: division by zero ({ITEM.filename}, line {line})")


def test_endless_loop_at_import_is_a_timeout(tmp_path):
    result = grade(tmp_path, at_import("while True:\n    pass"), Limits(test=4, import_=1.5, item=60))
    assert result.status == "timeout"
    assert "did not finish within 1.5 s" in result.message
    assert all(t.status == "timeout" and t.score == 0 for t in result.tests)


@pytest.mark.parametrize(("code", "status", "test_status", "fragment"), [
    ("while True: pass", "timeout", "timeout", "did not finish within"),
    ("import os; os._exit(1)", "crashed", "error", "died"),
    # anyio turns a KeyboardInterrupt in a route into a cancelled request.
    ("raise KeyboardInterrupt", "graded", "error", "KeyboardInterrupt"),
    ("import sys; sys.exit(0)", "graded", "error", "sys.exit(0)"),
    ("return {'profile': None}", "graded", "failed", "each part must be exactly"),
])
def test_a_bad_route_costs_only_its_own_test(tmp_path, code, status, test_status, fragment):
    result = grade(tmp_path, in_handler(code))
    tests = by_name(result)
    assert result.status == status
    assert tests[VICTIM].status == test_status and tests[VICTIM].score == 0
    assert fragment in tests[VICTIM].message
    assert all(t.status == "passed" for name, t in tests.items() if name != VICTIM), tests
    assert result.score == ITEM.points - tests[VICTIM].max_score


def test_missing_file(tmp_path):
    result = engine.grade_item(ITEM, tmp_path / "nope.py", "hidden", LIMITS)
    assert (result.status, result.score, result.max_score) == ("missing", 0, ITEM.points)
    assert result.message == f"{ITEM.filename} was not submitted"


def test_item_limit_ends_the_item(tmp_path):
    # Every request loops forever; the overall item limit stops before each test's own would.
    result = grade(tmp_path, SOLUTION.replace(HANDLER, f"{HANDLER}    while True: pass\n"),
                   Limits(test=30, import_=8, item=2))
    assert result.status == "timeout" and "in all" in result.message
    assert result.score == 0 and all(t.status == "timeout" for t in result.tests)


def test_student_output_never_reaches_the_results(tmp_path, capfd):
    result = grade(tmp_path, at_import("print('FAKE RESULT: 10/10')"))
    assert result.score == ITEM.points
    assert "FAKE RESULT" not in capfd.readouterr().out


def test_canaries_run_when_every_real_test_was_graded_before(tmp_path):
    # A worker that only has canaries left (the real tests all ended earlier workers, by
    # looping or crashing) must still run them: leaving them out voided the item as
    # tampering, at random, for a student whose every test looped.
    path = tmp_path / ITEM.filename
    path.write_text(SOLUTION)
    suite = engine.suite_file(ITEM.id, "hidden")
    canaries = canary.names(engine._test_names(suite), 2)
    spec = worker.WorkerSpec(suite=str(suite), student_file=str(path), item_id=ITEM.id,
                                    skip=tuple(sorted(engine._test_names(suite))), canaries=canaries,
                                    protected=tuple(str(p) for p in engine._protected()),
                                    resources=LIMITS.resources)
    attempt = engine._run_worker(ITEM, spec, LIMITS, time.monotonic() + LIMITS.item, channel.Budget())
    assert attempt.ended == "done" and not attempt.void
    assert {name: result.status for name, result in attempt.results.items()} == dict.fromkeys(canaries, "failed")


def test_no_plugin_from_the_environment_runs_in_a_worker(tmp_path):
    """pytest's plugin autoload is off in workers: anyio's plugin (an entry point of this
    environment) is not imported beside the student's code, and the suite still passes."""
    probe = ("import os as _os, sys as _sys\n"
             "assert _os.environ.get('PYTEST_DISABLE_PLUGIN_AUTOLOAD') == '1', 'autoload is on'\n"
             "assert 'anyio.pytest_plugin' not in _sys.modules, 'a plugin from an entry point was loaded'\n")
    result = grade(tmp_path, at_import(probe))
    assert result.status == "graded", result.message
    assert result.score == result.max_score == ITEM.points


# --- the stream, read by the grader: one worker's frames as the grader takes them ------------


class Script:
    """A worker's stream without a worker: these frames, then how it stops."""

    def __init__(self, frames: list[dict], end: str) -> None:
        self.frames = list(frames)
        self.end = end  # "eof" (the pipe closed), "silence" (no frame before the deadline) or "partial"
        self.partial = False

    def next(self, deadline: float) -> dict | None:
        if self.frames:
            return self.frames.pop(0)
        if self.end == "eof":
            raise EOFError
        self.partial = self.end == "partial"
        return None


def read(frames: list[dict], end: str = "eof", sandboxed: bool = False, deadline: float | None = None):
    deadline = time.monotonic() + LIMITS.item if deadline is None else deadline
    return engine._Watch(ITEM, LIMITS, deadline, Script(frames, end), sandboxed=sandboxed).follow()


SCREEN = {"event": "screen", "findings": []}
COLLECTED = {"event": "collected", "tests": [{"name": "test_a", "max_score": 2, "task": 1, "description": "a"},
                                             {"name": "test_b", "max_score": 1, "task": None, "description": ""}]}
IMPORTED = {"event": "imported"}
RUNNING = [SCREEN, COLLECTED, IMPORTED, {"event": "start", "name": "test_a"}]
UNKNOWN = "the results channel carried an event the grader does not know"


def summary(attempt) -> tuple:
    return (attempt.ended, attempt.message, attempt.running, attempt.flags, attempt.void,
            {name: (result.status, result.message) for name, result in attempt.results.items()})


def test_an_honest_stream_is_taken_whole():
    attempt = read([{"event": "sandbox", "level": "full", "layers": {}, "missing": {}},
                    {"event": "screen", "findings": ["grader-path: line 2", 3]}, *RUNNING[1:],
                    {"event": "result", "name": "test_a", "status": "passed", "message": ""},
                    {"event": "done", "peak_rss_kb": 4321}], sandboxed=True)
    assert summary(attempt) == ("done", "", None, ["grader-path: line 2"], [], {"test_a": ("passed", "")})
    assert attempt.planned == (protocol.PlannedTest("test_a", 2, 1, "a"), protocol.PlannedTest("test_b", 1, None, ""))
    assert engine.PEAK_RSS_KB[-1] == 4321


@pytest.mark.parametrize(("frames", "end", "expected"), [
    # Out of order, before any student code: the stream is forged, the attempt ends.
    ([SCREEN], "eof", ("violation", "", None, [], ["the results channel did not begin with the sandbox report"], {})),
    ([{"event": "sandbox_error", "message": 5}], "eof",
     ("violation", "", None, [], ["an event's 'message' was not text"], {})),
], ids=["screen-first", "sandbox-error-not-text"])
def test_a_sandboxed_worker_begins_with_its_sandbox_report(frames, end, expected):
    assert summary(read(frames, end, sandboxed=True)) == expected


def test_a_sandbox_that_failed_is_the_graders_error():
    with pytest.raises(confine.SandboxError, match="could not enter its sandbox: landlock: off"):
        read([{"event": "sandbox_error", "message": "landlock: off"}], sandboxed=True)


@pytest.mark.parametrize(("frames", "end", "expected"), [
    ([COLLECTED], "eof", ("violation", "", None, [], ["the results channel did not carry the screen's findings"], {})),
    ([{"event": "screen", "findings": "none"}], "eof",
     ("violation", "", None, [], ["the results channel did not carry the screen's findings"], {})),
    # Kinds out of their phase, unknown kinds and a second list of tests are voided; the run goes on.
    ([SCREEN, {"event": "sandbox"}, {"event": "screen"}, {"event": "noise"}, COLLECTED,
      {"event": "collected", "tests": "forged"}, {"event": "done"}], "eof",
     ("done", "", None, [], [UNKNOWN] * 4, {})),
    # A result for a test that is not running, or a second one, voids unread (its message is never checked).
    ([*RUNNING, {"event": "result", "name": "test_b", "status": "passed", "message": 5}], "silence",
     ("died", "the worker stopped reporting", None, [], ["a result arrived for test_b, which was not running"], {})),
    ([*RUNNING, {"event": "result", "name": "test_a", "status": "failed", "message": "m" * 700},
      {"event": "start", "name": "test_a"}, {"event": "result", "name": "test_a", "status": "passed", "message": 5}],
     "eof", ("died", "the process running this test died (os._exit, a crash, or memory exhausted?)", None, [],
             ["a second result arrived for test_a"], {"test_a": ("failed", "m" * 600)})),
    ([*RUNNING, {"event": "result", "name": "test_a", "status": "passed", "message": 5}], "eof",
     ("violation", "", "test_a", [], ["an event's 'message' was not text"], {})),
    ([*RUNNING, {"event": "result", "name": "test_a", "status": "skipped"}], "eof",
     ("violation", "", "test_a", [], ["a result carried an unknown status"], {})),
    # The first error message counts; a later one is not read.
    ([SCREEN, {"event": "collect_error", "message": "first"}, {"event": "worker_error", "message": 5}], "eof",
     ("crashed", "your module ended the process while being imported (os._exit or a crash?)", None, [], [], {})),
    ([SCREEN, {"event": "worker_error", "message": 5}], "eof",
     ("violation", "", None, [], ["an event's 'message' was not text"], {})),
    # The guard's flags and tampering reports, cut to a line's length.
    ([SCREEN, {"event": "flag", "flag": "f" * 300}, {"event": "tampered", "flag": "t" * 300}, {"event": "done"}],
     "eof", ("done", "", None, [f"guard: your code {'f' * 200}"], ["t" * 200], {})),
    # How the attempt ends when the worker says nothing more.
    ([SCREEN, COLLECTED, {"event": "import_error", "message": "NameError: x"}], "eof",
     ("import_error", "NameError: x", None, [], [], {})),
    ([SCREEN, COLLECTED, {"event": "crashed", "message": "SystemExit: 3"}], "eof",
     ("crashed", "SystemExit: 3", None, [], [], {})),
    ([SCREEN, COLLECTED], "silence", ("import_timeout", f"importing {ITEM.filename} did not finish within 8 s "
                                      "(an endless loop at module level?)", None, [], [], {})),
    (RUNNING, "silence", ("test_timeout", "did not finish within 4 s (an endless loop, or a call that never returns?)",
                          "test_a", [], [], {})),
    (RUNNING, "partial", ("violation", "", "test_a", [], ["a partial frame stalled the results channel"], {})),
], ids=["collected-first", "findings-not-a-list", "unknown-kinds", "result-not-running", "second-result",
        "message-not-text", "unknown-status", "first-message-kept", "message-not-text-first", "flags-cut",
        "import-error", "crashed", "import-timeout", "test-timeout", "partial-frame"])
def test_a_forged_or_broken_stream_ends_as_it_always_did(frames, end, expected):
    assert summary(read(frames, end)) == expected


def test_the_item_limit_ends_the_attempt_first():
    attempt = read(RUNNING, deadline=time.monotonic() - 1)
    assert summary(attempt) == ("item_timeout", f"grading {ITEM.filename} took longer than 120 s in all", None, [],
                                [], {})
