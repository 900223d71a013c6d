"""What the fork server imports once: everything a worker needs before the student's code runs.

(That the grader process itself never imports it is tests/sandbox/test_warm.py's.)
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from autograder.paths import ROOT, SOLUTIONS, suite_file
from autograder.sandbox import warm


def imports_after_preload(code: str) -> list[str]:
    """The modules ``code`` imports in a fresh interpreter that has imported the preload first."""
    script = textwrap.dedent("""
        import json, sys
        import autograder.preload
        before = set(sys.modules)
        {code}
        print(json.dumps(sorted(set(sys.modules) - before)))
    """).format(code=textwrap.dedent(code).strip())
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_fork_server_preloads_this_module():
    assert warm.PRELOAD == ["autograder.preload"]


def test_a_worker_imports_nothing_the_fork_server_has_not():
    """What ``worker.run`` imports before pytest starts, the suites' plugin and the kit, and the
    test client every suite uses: a module missing from the preload is paid by every worker."""
    assert imports_after_preload("""
        import pytest
        from autograder.sandbox import screen
        from autograder.sandbox.plugin import Reporter
        from autograder.sandbox.worker import run
        import autograder.kit.fixtures
        from autograder.kit import ConcurrencyProbe, expect, expect_json, expect_status, route_for
        from fastapi.testclient import TestClient
        import httpx, pydantic
    """) == []


def test_a_whole_grading_session_imports_only_the_suite_and_the_students_module(tmp_path):
    """pytest's built-in plugins, the event-loop backend, FastAPI's telemetry and pydantic-v1
    check are imported on a session's first configure and a client's first request: the
    fork server's warm-up pays them, or every worker would (about 55 modules)."""
    ini = tmp_path / "pytest.ini"
    ini.write_text("[pytest]\n", encoding="utf-8")
    suite, student = suite_file("paths04_books", "hidden"), SOLUTIONS / "paths04_books.py"
    imported = imports_after_preload(f"""
        import io, contextlib, os, pytest
        from autograder.sandbox.worker import PYTEST_ARGS
        os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        with contextlib.redirect_stdout(io.StringIO()):
            code = pytest.main([{str(suite)!r}, "--student={student}", "-c", {str(ini)!r},
                                "--rootdir={suite.parent.parent}", *PYTEST_ARGS])
        assert code == 0, code
    """)
    # Left to the worker: the student's module; readline (pytest imports it so that it attaches
    # to the session's terminal: not the fork server's business) and argcomplete's check, 1 ms.
    assert [m for m in imported if not m.startswith("autograder.course")] == [
        "_pytest._argcomplete", "paths04_books", "readline"]


def test_the_fork_server_forks_a_frozen_heap_and_one_thread():
    """Frozen: a worker's garbage collector neither scans nor writes what it inherited. One
    thread: the warm-up's test client is closed before the server forks."""
    script = "import gc, threading, autograder.preload; print(gc.get_freeze_count() > 10_000, threading.active_count())"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "1"]


def test_the_preload_leaves_out_the_grader_side():
    """The CLI (typer), batch grading, the student's checks and the report run in the grader's
    process, never in a worker: preloading them would only slow the fork server's start, which
    a student's `workbook check` waits for."""
    script = ("import sys, autograder.preload; "
              "print(sorted(m for m in ('autograder.cli', 'typer', 'autograder.grading.batch', "
              "'autograder.student.check', 'autograder.outputs.report', 'jinja2') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
