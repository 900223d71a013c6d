"""Running a small suite as the grader's workers run the course's: pytest in a process of its own.

The kit's fixtures are pytest plugins (``--student``, ``load_student``, ``database_url``...):
what they do shows only in a session that loads them the way the suites' conftest does. The
session's outcomes come back by test name, with the one line a student would read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from autograder.paths import ROOT

# Writes each test's outcome: the first phase that did not pass (setup, call or teardown) and
# the first line of its message (a skip's reason, a failure's text), or "passed" with none.
RECORDER = '''
import json, os

outcomes = {}


def pytest_runtest_logreport(report):
    name = report.nodeid.rpartition("::")[2]
    if name in outcomes and outcomes[name][0] != "passed":
        return
    if report.passed and report.when != "call":
        return
    longrepr = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr or "")
    message = next((line.strip() for line in text.splitlines() if line.strip()), "")  # what the gradebook shows
    outcome = report.outcome if report.when == "call" or report.skipped else f"{report.when} {report.outcome}"
    outcomes[name] = [outcome, message]


def pytest_collectreport(report):
    if report.failed:
        text = str(report.longrepr)
        lines = [line.strip() for line in text.splitlines() if line.strip().startswith("E ")]
        outcomes[f"collecting {report.nodeid}"] = ["failed", lines[0][2:].strip() if lines else text.strip()]


def pytest_sessionfinish(session):
    with open(os.environ["SUITE_OUTCOMES"], "w", encoding="utf-8") as out:
        json.dump(outcomes, out)
'''


def run_suite(folder: Path, files: dict[str, str], *args: str, env: dict[str, str] | None = None,
               unset: tuple[str, ...] = ()) -> dict[str, tuple[str, str]]:
    """Write ``files`` into ``folder``, run pytest there with ``args``, answer each test's
    (outcome, message). ``env`` adds to the environment, ``unset`` removes from it."""
    for name, text in {**files, "suite_recorder.py": RECORDER, "pytest.ini": "[pytest]\n"}.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = folder / "outcomes.json"
    environment = {key: value for key, value in os.environ.items() if key not in unset}
    environment.update(env or {}, SUITE_OUTCOMES=str(out), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
                       PYTHONPATH=os.pathsep.join([str(folder), str(ROOT)]))
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "suite_recorder", "-p", "no:cacheprovider", "-q",
                           "--strict-markers", "-c", str(folder / "pytest.ini"), f"--rootdir={folder}", *args],
                          cwd=folder, env=environment, capture_output=True, text=True, timeout=300)
    assert out.exists(), done.stdout + done.stderr
    return {name: tuple(value) for name, value in json.loads(out.read_text(encoding="utf-8")).items()}
