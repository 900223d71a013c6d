"""What the fork server imports once: everything a worker needs before the student's code runs.

(That the grader process itself never imports it is tests/sandbox/test_warm.py's.)
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from autograder.paths import ROOT
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
